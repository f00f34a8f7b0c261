using System.Globalization;
using System.Text.Json;

namespace Curriculum.Cli;

/// <summary>A config file that does not say what was expected: the message names the file, the JSON path and the expectation.</summary>
sealed class ConfigException(string message) : Exception(message);

/// <summary>
/// Typed reads from one object of a JSON config, each error naming the file and the field's JSON path
/// (<c>run.json: $.model.size: expected one of nano, tiny, small, base; got "huge"</c>). Unknown fields are errors
/// too (<see cref="RejectUnknown"/>), so a misspelt key is not silently ignored.
/// </summary>
sealed class ConfigReader
{
    public string File { get; }
    public string Path { get; }
    readonly JsonElement _e;

    ConfigReader(string file, string path, JsonElement e) { File = file; Path = path; _e = e; }

    public static ConfigReader Load(string file)
    {
        if (!System.IO.File.Exists(file)) throw new FileNotFoundException($"{file}: no such config file.");
        try
        {
            using var doc = Json.StrictJson.ParseDocument(System.IO.File.ReadAllBytes(file), JsonCommentHandling.Skip);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new ConfigException($"{file}: $: expected a JSON object.");
            return new ConfigReader(file, "$", doc.RootElement.Clone());
        }
        catch (Json.JsonTextException e) { throw new ConfigException($"{file}: {e.Message}."); }
    }

    public ConfigException Error(string field, string expected) => new($"{File}: {Path}.{field}: {expected}");

    bool TryGet(string field, out JsonElement v) => _e.TryGetProperty(field, out v) && v.ValueKind != JsonValueKind.Null;

    public bool Has(string field) => TryGet(field, out _);

    public void RejectUnknown(params string[] known)
    {
        foreach (var p in _e.EnumerateObject())
            if (Array.IndexOf(known, p.Name) < 0)
                throw new ConfigException($"{File}: {Path}.{p.Name}: unknown field; expected one of {string.Join(", ", known)}.");
    }

    public ConfigReader Object(string field)
    {
        if (!TryGet(field, out var v)) throw Error(field, "missing; expected an object.");
        if (v.ValueKind != JsonValueKind.Object) throw Error(field, $"expected an object, got {Describe(v)}.");
        return new ConfigReader(File, $"{Path}.{field}", v);
    }

    public ConfigReader? OptionalObject(string field) => Has(field) ? Object(field) : null;

    public List<ConfigReader> Objects(string field, int minCount = 1)
    {
        if (!TryGet(field, out var v)) throw Error(field, "missing; expected an array of objects.");
        if (v.ValueKind != JsonValueKind.Array) throw Error(field, $"expected an array of objects, got {Describe(v)}.");
        var list = new List<ConfigReader>();
        int i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw Error($"{field}[{i}]", $"expected an object, got {Describe(item)}.");
            list.Add(new ConfigReader(File, $"{Path}.{field}[{i}]", item));
            i++;
        }
        if (list.Count < minCount) throw Error(field, $"expected at least {minCount} entr{(minCount == 1 ? "y" : "ies")}.");
        return list;
    }

    public string String(string field, string? fallback = null, params string[] allowed)
    {
        if (!TryGet(field, out var v))
            return fallback ?? throw Error(field, allowed.Length > 0 ? $"missing; expected one of {string.Join(", ", allowed)}." : "missing; expected a string.");
        if (v.ValueKind != JsonValueKind.String) throw Error(field, $"expected a string, got {Describe(v)}.");
        var s = v.GetString()!;
        if (allowed.Length > 0 && Array.IndexOf(allowed, s) < 0) throw Error(field, $"expected one of {string.Join(", ", allowed)}; got \"{s}\".");
        return s;
    }

    /// <summary>A path, relative to the config file's folder unless absolute.</summary>
    public string FilePath(string field, string? fallback = null)
    {
        var s = Has(field) || fallback == null ? String(field) : fallback;
        return System.IO.Path.GetFullPath(s, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(File))!);
    }

    /// <summary>A step that can be switched off: absent or <c>false</c> gives null; <c>true</c> or an object gives
    /// the step's options (empty for <c>true</c>, so every option takes its default).</summary>
    public ConfigReader? Step(string field)
    {
        if (!TryGet(field, out var v) || v.ValueKind == JsonValueKind.False) return null;
        if (v.ValueKind == JsonValueKind.True) return new ConfigReader(File, $"{Path}.{field}", EmptyObject);
        if (v.ValueKind != JsonValueKind.Object) throw Error(field, $"expected an object of options, true or false, got {Describe(v)}.");
        return new ConfigReader(File, $"{Path}.{field}", v);
    }

    static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>An array of paths that must exist (files or folders), each relative to the config file's folder unless absolute.</summary>
    public List<string> ExistingPaths(string field)
    {
        if (!TryGet(field, out var v)) throw Error(field, "missing; expected an array of file or folder paths.");
        if (v.ValueKind != JsonValueKind.Array) throw Error(field, $"expected an array of file or folder paths, got {Describe(v)}.");
        var baseDir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(File))!;
        var list = new List<string>();
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw Error($"{field}[{list.Count}]", $"expected a path string, got {Describe(item)}.");
            var full = System.IO.Path.GetFullPath(item.GetString()!, baseDir);
            if (!System.IO.File.Exists(full) && !Directory.Exists(full)) throw Error($"{field}[{list.Count}]", $"{full}: no such file or folder.");
            list.Add(full);
        }
        if (list.Count == 0) throw Error(field, "expected at least one path.");
        return list;
    }

    public bool Boolean(string field, bool fallback)
    {
        if (!TryGet(field, out var v)) return fallback;
        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw Error(field, $"expected true or false, got {Describe(v)}.");
        return v.GetBoolean();
    }

    public double Number(string field, double? fallback = null, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool exclusiveMin = false)
    {
        double x;
        if (!TryGet(field, out var v)) x = fallback ?? throw Error(field, $"missing; expected a number{Range(min, max, exclusiveMin)}.");
        else if (v.ValueKind != JsonValueKind.Number) throw Error(field, $"expected a number{Range(min, max, exclusiveMin)}, got {Describe(v)}.");
        else x = v.GetDouble();
        if (x < min || x > max || (exclusiveMin && x == min)) throw Error(field, $"expected a number{Range(min, max, exclusiveMin)}, got {x.ToString(CultureInfo.InvariantCulture)}.");
        return x;
    }

    public long Integer(string field, long? fallback = null, long min = long.MinValue, long max = long.MaxValue)
    {
        long x;
        if (!TryGet(field, out var v)) x = fallback ?? throw Error(field, $"missing; expected an integer{Range(min, max, false)}.");
        else if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out x)) throw Error(field, $"expected an integer{Range(min, max, false)}, got {Describe(v)}.");
        if (x < min || x > max) throw Error(field, $"expected an integer{Range(min, max, false)}, got {x}.");
        return x;
    }

    public double[] Numbers(string field, int count)
    {
        if (!TryGet(field, out var v) || v.ValueKind != JsonValueKind.Array) throw Error(field, $"expected an array of {count} numbers.");
        var list = new List<double>();
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || item.GetDouble() < 0) throw Error($"{field}[{list.Count}]", $"expected a number >= 0, got {Describe(item)}.");
            list.Add(item.GetDouble());
        }
        if (list.Count != count) throw Error(field, $"expected {count} numbers (one per source), got {list.Count}.");
        return list.ToArray();
    }

    static string Range(double min, double max, bool exclusiveMin)
    {
        bool lo = !double.IsInfinity(min) && min != long.MinValue, hi = !double.IsInfinity(max) && max != long.MaxValue;
        string l = min.ToString(CultureInfo.InvariantCulture), h = max.ToString(CultureInfo.InvariantCulture);
        if (lo && hi) return $" in {(exclusiveMin ? "(" : "[")}{l}, {h}]";
        if (lo) return exclusiveMin ? $" > {l}" : $" >= {l}";
        if (hi) return $" <= {h}";
        return "";
    }

    static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"\"{v.GetString()}\"",
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        _ => v.ValueKind.ToString(),
    };
}
