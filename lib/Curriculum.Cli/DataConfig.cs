using Curriculum.Data;

namespace Curriculum.Cli;

/// <summary>One source of data.json: its name (the shard folder written under --out), the files and folders it reads,
/// and how plain-text files are cut into documents.</summary>
sealed record DataSourceConfig(string Name, IReadOnlyList<string> Inputs, TextSplit Split, string Separator);

/// <summary>The deduplication step: exact (normalised-text hash) then near-duplicates (MinHash/LSH) at a Jaccard threshold.</summary>
sealed record DedupStep(double Threshold, int ShingleWords, int Permutations);

/// <summary>The decontamination step: training documents sharing <c>MinMatches</c> distinct <c>N</c>-grams (characters or
/// words, <see cref="NgramSettings"/>; null: chosen by the evaluation texts' script) with the evaluation texts, or
/// containing one shorter than n whole, are removed.</summary>
sealed record DecontaminateStep(IReadOnlyList<string> Eval, NgramUnit? Unit, int? N, int? MinContained, int MinMatches);

/// <summary>
/// What `curriculum data prepare --config data.json` does (see samples/data.json): the sources, each written as a shard
/// folder; the optional clean, dedup and decontaminate steps (absent or false: skipped; true or {}: defaults); the
/// tokenizer (absent: byte-level); tokens per shard file. Paths are relative to the config file. Every field is
/// checked on load; an error names the file and the JSON path.
/// </summary>
sealed record DataConfig(
    string File,
    IReadOnlyList<DataSourceConfig> Sources,
    CleaningOptions? Clean, DedupStep? Dedup, DecontaminateStep? Decontaminate,
    string? Tokenizer, long ShardTokens)
{
    static readonly string[] Splits = ["file", "line", "separator"];

    public static DataConfig Load(string file)
    {
        var root = ConfigReader.Load(file);
        root.RejectUnknown("sources", "clean", "dedup", "decontaminate", "tokenizer", "shard_tokens");

        var sources = new List<DataSourceConfig>();
        foreach (var s in root.Objects("sources"))
        {
            s.RejectUnknown("name", "inputs", "split", "separator");
            string name = s.String("name");
            if (name.Length == 0 || name.StartsWith('.') || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains('/') || name.Contains('\\'))
                throw s.Error("name", $"\"{name}\" is not a folder name; expected letters, digits, '-' or '_' (the shard folder under --out).");
            if (sources.Exists(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw s.Error("name", $"\"{name}\" names an earlier source too; each source needs its own shard folder.");
            var inputs = s.ExistingPaths("inputs");
            var split = s.String("split", "file", Splits) switch { "line" => TextSplit.Line, "separator" => TextSplit.Separator, _ => TextSplit.File };
            sources.Add(new DataSourceConfig(name, inputs, split, s.String("separator", "%")));
        }

        CleaningOptions? clean = null;
        if (root.Step("clean") is { } c)
        {
            c.RejectUnknown("nfkc", "min_chars", "min_chars_cjk", "max_chars", "min_text_fraction", "max_digit_fraction", "max_repeated_lines", "max_repeated_chars");
            var d0 = CleaningOptions.Defaults;
            int min = (int)c.Integer("min_chars", d0.MinChars, 0, int.MaxValue), minCjk = (int)c.Integer("min_chars_cjk", d0.MinCharsCjk, 0, int.MaxValue);
            clean = new CleaningOptions(c.Boolean("nfkc", false), min, minCjk, (int)c.Integer("max_chars", d0.MaxChars, Math.Max(1, Math.Max(min, minCjk)), int.MaxValue),
                c.Number("min_text_fraction", d0.MinTextFraction, 0, 1), c.Number("max_digit_fraction", d0.MaxDigitFraction, 0, 1),
                c.Number("max_repeated_lines", d0.MaxRepeatedLineFraction, 0, 1), c.Number("max_repeated_chars", d0.MaxRepeatedCharFraction, 0, 1));
        }

        DedupStep? dedup = null;
        if (root.Step("dedup") is { } d)
        {
            d.RejectUnknown("threshold", "shingle", "permutations");
            dedup = new DedupStep(d.Number("threshold", 0.8, 0, 1, exclusiveMin: true), (int)d.Integer("shingle", 3, 1, 64), (int)d.Integer("permutations", 128, 2, 4096));
        }

        DecontaminateStep? decon = null;
        if (root.Step("decontaminate") is { } e)
        {
            e.RejectUnknown("eval", "unit", "n", "min_contained", "min_matches");
            NgramUnit? unit = e.String("unit", "auto", ["auto", "char", "word"]) switch { "char" => NgramUnit.Char, "word" => NgramUnit.Word, _ => null };
            decon = new DecontaminateStep(e.ExistingPaths("eval"), unit, e.Has("n") ? (int)e.Integer("n", 13, 1, 1000) : null,
                e.Has("min_contained") ? (int)e.Integer("min_contained", 1, 1, 1000) : null, (int)e.Integer("min_matches", 1, 1, int.MaxValue));
        }

        string? tokenizer = null;
        if (root.Has("tokenizer"))
        {
            tokenizer = root.FilePath("tokenizer");
            if (!System.IO.File.Exists(tokenizer)) throw root.Error("tokenizer", $"{tokenizer}: no such file; expected a tokenizer.json from `curriculum tokenizer train` (leave the field out for byte-level).");
        }

        return new DataConfig(file, sources, clean, dedup, decon, tokenizer, root.Integer("shard_tokens", 1L << 24, 1));
    }
}
