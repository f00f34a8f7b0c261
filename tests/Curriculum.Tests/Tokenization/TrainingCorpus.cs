using System.Text;

namespace Curriculum.Tests.Tokenization;

/// <summary>Text to train small tokenizers on in tests: generated mixed text (seeded) plus the hard test
/// text, written to a temporary file once.</summary>
static class TrainingCorpus
{
    public static readonly string Text = MixedTextGenerator.Generate(seed: 1, approxChars: 200_000)
        + File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "tokenization", "hard_text.txt"));

    // in the ignored artifacts/ folder, rewritten (atomically) only when its text changed
    static readonly Lazy<string> FileLazy = new(() =>
    {
        string path = Path.Combine(RepoPaths.Root, "artifacts", "tokenization-tests", "corpus.txt");
        if (File.Exists(path) && File.ReadAllText(path) == Text) return path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string tmp = path + "." + Environment.ProcessId;
        File.WriteAllText(tmp, Text, new UTF8Encoding(false));
        File.Move(tmp, path, overwrite: true);
        return path;
    });

    public static string FilePath => FileLazy.Value;

    /// <summary>Lines the tokenizers were not trained on.</summary>
    public static readonly string[] UnseenLines = MixedTextGenerator.Generate(seed: 99, approxChars: 30_000).Split('\n');

    public static string TempPath(string name) => Path.Combine(Path.GetTempPath(), $"curriculum-tok-{Environment.ProcessId}-{Guid.NewGuid():N}-{name}");
}
