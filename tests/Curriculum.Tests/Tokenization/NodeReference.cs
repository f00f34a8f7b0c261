using System.Diagnostics;
using System.Text.Json;

namespace Curriculum.Tests.Tokenization;

/// <summary>
/// The reference implementations run through node: npm `tiktoken` and `tokenizers` from tools/node
/// (installed by `npm ci --prefix tools/node`). Tests that need them are skipped, saying so, where absent,
/// except under CI (the CI variable set), where a missing reference is a failure, not a skip.
/// </summary>
static class NodeReference
{
    public static string Modules => Path.Combine(RepoPaths.Root, "tools", "node", "node_modules");
    static string Scripts => Path.Combine(RepoPaths.Root, "tools", "tokenizer_fixtures");

    public static readonly bool HasTiktoken = HasNode() && Directory.Exists(Path.Combine(Modules, "tiktoken"));
    public static readonly bool HasTokenizers = HasNode() && Directory.Exists(Path.Combine(Modules, "tokenizers"));
    public const string TiktokenMissing = "needs node and the npm package tiktoken: run `npm ci --prefix tools/node`";
    public const string TokenizersMissing = "needs node and the npm package tokenizers: run `npm ci --prefix tools/node`";
    static readonly bool RequiredHere = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Why a test needing a reference is skipped here, or null when it runs (present, or required under CI).</summary>
    public static string? SkipReason(bool present, string missing) => present || RequiredHere ? null : missing;

    static readonly Lazy<string> RanksDir = new(() =>
    {
        // exported once per checkout into the ignored artifacts/ folder (rank files are megabytes: not committed)
        string dir = Path.Combine(RepoPaths.Root, "artifacts", "tiktoken-ranks");
        if (!File.Exists(Path.Combine(dir, "o200k_base.tiktoken")))
            Run(Path.Combine(Scripts, "tiktoken_ref.js"), "--export-ranks", dir);
        return dir;
    });

    /// <summary>Path of NAME.tiktoken exported from the npm package.</summary>
    public static string RankFile(string encoding) => Path.Combine(RanksDir.Value, encoding + ".tiktoken");

    /// <summary>tiktoken's ids of a file's text, every special token allowed, per encoding.</summary>
    public static Dictionary<string, int[]> TiktokenIds(string textFile, params string[] encodings)
    {
        string outFile = Path.GetTempFileName();
        try
        {
            Run(Path.Combine(Scripts, "tiktoken_ref.js"), ["--encode", textFile, outFile, .. encodings]);
            return JsonSerializer.Deserialize<Dictionary<string, int[]>>(File.ReadAllText(outFile))!;
        }
        finally { File.Delete(outFile); }
    }

    /// <summary>Runs hf_ref.js (Hugging Face tokenizers) with a request, returns its JSON answer.</summary>
    public static JsonDocument HuggingFace(object request)
    {
        string reqFile = Path.GetTempFileName(), outFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(reqFile, JsonSerializer.Serialize(request));
            Run(Path.Combine(Scripts, "hf_ref.js"), reqFile, outFile);
            return JsonDocument.Parse(File.ReadAllText(outFile));
        }
        finally { File.Delete(reqFile); File.Delete(outFile); }
    }

    static void Run(string script, params string[] args)
    {
        if (!HasTiktoken || !HasTokenizers) throw new InvalidOperationException(TiktokenMissing + "; " + TokenizersMissing);
        var psi = new ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NODE_PATH"] = Modules;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"node {Path.GetFileName(script)} failed ({p.ExitCode}): {stderr.Result}");
    }

    static bool HasNode()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true })!;
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }
}

/// <summary>A fact that needs npm tiktoken through node; skipped with the reason where absent.</summary>
sealed class TiktokenFactAttribute : FactAttribute
{
    public TiktokenFactAttribute() => Skip = NodeReference.SkipReason(NodeReference.HasTiktoken, NodeReference.TiktokenMissing);
}

sealed class TiktokenTheoryAttribute : TheoryAttribute
{
    public TiktokenTheoryAttribute() => Skip = NodeReference.SkipReason(NodeReference.HasTiktoken, NodeReference.TiktokenMissing);
}

/// <summary>A fact that needs npm tokenizers through node; skipped with the reason where absent.</summary>
sealed class HuggingFaceFactAttribute : FactAttribute
{
    public HuggingFaceFactAttribute() => Skip = NodeReference.SkipReason(NodeReference.HasTokenizers, NodeReference.TokenizersMissing);
}

/// <summary>A fact that needs both npm tiktoken and npm tokenizers through node.</summary>
sealed class TiktokenAndHuggingFaceFactAttribute : FactAttribute
{
    public TiktokenAndHuggingFaceFactAttribute()
    {
        Skip = NodeReference.SkipReason(NodeReference.HasTiktoken, NodeReference.TiktokenMissing)
            ?? NodeReference.SkipReason(NodeReference.HasTokenizers, NodeReference.TokenizersMissing);
    }
}
