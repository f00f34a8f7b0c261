using System.Security.Cryptography;
using System.Text;

namespace Curriculum.Data;

/// <summary>Exact deduplication, streaming: a document is dropped when its normalised text
/// (whitespace runs collapsed to one space, trimmed; lower-cased unless <c>caseSensitive</c>) has
/// the same SHA-256 as an earlier one. Memory: 16 bytes per distinct document.</summary>
public sealed class ExactDeduplicator(bool caseSensitive = false, int samples = 5)
{
    readonly Dictionary<UInt128, string> _firstIdByHash = [];

    public long Seen { get; private set; }
    public long Removed { get; private set; }
    /// <summary>(removed id, id of the earlier document it repeats), first few.</summary>
    public List<(string Removed, string KeptId)> Samples { get; } = [];

    public IEnumerable<Document> Deduplicate(IEnumerable<Document> docs)
    {
        foreach (var d in docs)
            if (IsNew(d)) yield return d;
    }

    /// <summary>True the first time a text is seen; false (and counted) for a repeat.</summary>
    public bool IsNew(Document doc)
    {
        Seen++;
        var key = Hash(doc.Text, caseSensitive);
        if (_firstIdByHash.TryAdd(key, doc.Id)) return true;
        Removed++;
        if (Samples.Count < samples) Samples.Add((doc.Id, _firstIdByHash[key]));
        return false;
    }

    public static UInt128 Hash(string text, bool caseSensitive = false)
    {
        var sb = new StringBuilder(text.Length);
        bool space = false;
        foreach (char raw in text)
        {
            if (char.IsWhiteSpace(raw)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(caseSensitive ? raw : char.ToLowerInvariant(raw));
        }
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()), digest);
        return new UInt128(BitConverter.ToUInt64(digest[..8]), BitConverter.ToUInt64(digest[8..16]));
    }
}
