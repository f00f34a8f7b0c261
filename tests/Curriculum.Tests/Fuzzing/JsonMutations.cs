using System.Text;
using System.Text.Json.Nodes;
using Curriculum.Tensors;

namespace Curriculum.Tests.Fuzzing;

/// <summary>
/// Seeded mutations of a valid JSON document, the damage a careless edit, a bad copy or a crash does: a flipped or
/// inserted byte, a cut-off end, a key written twice or deleted, a value of the wrong type, a number out of any
/// sensible range. Each returns the new bytes and a short description to report.
/// </summary>
static class JsonMutations
{
    static readonly string[] WrongValues = ["\"x\"", "\"\"", "0", "-1", "true", "null", "[]", "{}", "[1, \"a\"]", "{\"k\": 1}"];
    static readonly string[] OutOfRange = ["2147483648", "-2147483649", "9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "1e400", "-1e400", "1e-400", "0.5", "-0.0", "1E20", "4294967296"];

    public static (string What, byte[] Bytes) Mutate(byte[] json, Generator g)
    {
        int kind = g.NextInt(7);
        if (kind is >= 2 and <= 5)
        {
            var root = JsonNode.Parse(json)!;
            var places = new List<(JsonNode Parent, object Key)>();
            Collect(root, places);
            if (places.Count > 0)
            {
                var (parent, key) = places[g.NextInt(places.Count)];
                switch (kind)
                {
                    case 2 when parent is JsonObject o:
                        return ($"key '{key}' written twice", Encoding.UTF8.GetBytes(Write(root, o, (string)key)));
                    case 3:
                        if (parent is JsonObject po) po.Remove((string)key);
                        else ((JsonArray)parent).RemoveAt((int)key);
                        return ($"'{key}' deleted", Encoding.UTF8.GetBytes(root.ToJsonString()));
                    case 4 or 5:
                        string value = kind == 4 ? WrongValues[g.NextInt(WrongValues.Length)] : OutOfRange[g.NextInt(OutOfRange.Length)];
                        if (parent is JsonObject vo) vo[(string)key] = JsonNode.Parse(value);
                        else ((JsonArray)parent)[(int)key] = JsonNode.Parse(value);
                        return ($"'{key}' set to {value}", Encoding.UTF8.GetBytes(root.ToJsonString()));
                }
            }
        }
        return MutateBytes(json, g, kind);
    }

    /// <summary>A byte flipped (kind 0), the end cut off (1) or a byte inserted (6): for any file, JSON or not.</summary>
    public static (string What, byte[] Bytes) MutateBytes(byte[] file, Generator g, int kind = -1)
    {
        if (kind < 0) kind = new[] { 0, 1, 6 }[g.NextInt(3)];
        var bytes = (byte[])file.Clone();
        if (bytes.Length == 0) return ("empty", bytes);
        int at = g.NextInt(bytes.Length);
        return kind switch
        {
            1 => ($"cut at byte {at}", bytes[..at]),
            6 => ($"a byte inserted at {at}", [.. bytes[..at], (byte)g.NextInt(256), .. bytes[at..]]),
            _ => ($"byte {at} flipped", Flip(bytes, at, g)),
        };
    }

    static byte[] Flip(byte[] bytes, int at, Generator g)
    {
        bytes[at] ^= (byte)(1 + g.NextInt(255));
        return bytes;
    }

    static void Collect(JsonNode node, List<(JsonNode, object)> places)
    {
        if (node is JsonObject o)
            foreach (var (k, v) in o)
            {
                places.Add((o, k));
                if (v != null) Collect(v, places);
            }
        else if (node is JsonArray a)
            for (int i = 0; i < a.Count; i++)
            {
                places.Add((a, i));
                if (a[i] != null) Collect(a[i]!, places);
            }
    }

    // The document with one property of one object written twice (JsonObject itself cannot hold that).
    static string Write(JsonNode? node, JsonObject twiceIn, string twiceKey)
    {
        var sb = new StringBuilder();
        void W(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    sb.Append('{');
                    bool first = true;
                    foreach (var (k, v) in o)
                        for (int copy = 0; copy < (ReferenceEquals(o, twiceIn) && k == twiceKey ? 2 : 1); copy++)
                        {
                            if (!first) sb.Append(',');
                            first = false;
                            sb.Append(JsonValue.Create(k)!.ToJsonString()).Append(':');
                            W(v);
                        }
                    sb.Append('}');
                    break;
                case JsonArray a:
                    sb.Append('[');
                    for (int i = 0; i < a.Count; i++) { if (i > 0) sb.Append(','); W(a[i]); }
                    sb.Append(']');
                    break;
                default:
                    sb.Append(n?.ToJsonString() ?? "null");
                    break;
            }
        }
        W(node);
        return sb.ToString();
    }
}
