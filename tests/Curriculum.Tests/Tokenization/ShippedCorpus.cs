using System.Text.Json;

namespace Curriculum.Tests.Tokenization;

/// <summary>Texts of the shipped corpora (data/corpora/*.jsonl, lines of {"id", "text"}).</summary>
static class ShippedCorpus
{
    /// <summary>The texts of a corpus, in file order, until about <paramref name="maxChars"/> characters.</summary>
    public static List<string> Texts(string name, int maxChars, int skipChars = 0)
    {
        var texts = new List<string>();
        long seen = 0, taken = 0;
        foreach (var line in File.ReadLines(Path.Combine(RepoPaths.Data, "corpora", name + ".jsonl")))
        {
            string text = JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!;
            seen += text.Length;
            if (seen <= skipChars) continue;
            texts.Add(text);
            taken += text.Length;
            if (taken >= maxChars) break;
        }
        return texts;
    }
}
