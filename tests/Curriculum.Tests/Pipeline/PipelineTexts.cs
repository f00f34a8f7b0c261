using System.Text;
using Curriculum.Tensors;

namespace Curriculum.Tests.Pipeline;

/// <summary>
/// Text no tokenizer or model has seen: sentences made up from a seeded generator over invented words, written as a
/// folder of .txt files, and a labelled task whose label is which of two invented topics a text is about.
/// </summary>
static class PipelineTexts
{
    static readonly string[] Names = ["Torvalo", "Mirbeth", "Quenlas", "Dostrava", "Ulmerin", "Pashko"];
    static readonly string[] Verbs = ["carries", "paints", "counts", "mends", "sells", "hides"];
    static readonly string[] Harbour = ["nets", "boats", "tides", "gulls", "ropes", "anchors"];
    static readonly string[] Orchard = ["pears", "ladders", "blossoms", "baskets", "hives", "branches"];

    public static string Sentence(Generator g, bool harbour)
    {
        var things = harbour ? Harbour : Orchard;
        string place = harbour ? "by the grey harbour" : "in the walled orchard";
        return $"{Names[g.NextInt(Names.Length)]} {Verbs[g.NextInt(Verbs.Length)]} the {things[g.NextInt(things.Length)]} {place}, "
            + $"and the {things[g.NextInt(things.Length)]} are {(g.NextInt(2) == 0 ? "old" : "new")}.";
    }

    /// <summary>Writes <paramref name="count"/> documents of a few sentences each as 00000.txt, 00001.txt, ...</summary>
    public static void WriteFolder(string dir, int count, ulong seed)
    {
        Directory.CreateDirectory(dir);
        var g = new Generator(seed);
        for (int i = 0; i < count; i++)
        {
            var sb = new StringBuilder();
            bool harbour = g.NextInt(2) == 0;
            for (int s = 0; s < 3; s++) sb.Append(Sentence(g, harbour)).Append(' ');
            File.WriteAllText(Path.Combine(dir, $"{i:D5}.txt"), sb.ToString().Trim());
        }
    }

    /// <summary>A .jsonl task: one sentence per line, labelled "harbour" or "orchard".</summary>
    public static void WriteTask(string path, int count, ulong seed)
    {
        var g = new Generator(seed);
        using var w = new StreamWriter(path);
        for (int i = 0; i < count; i++)
        {
            bool harbour = g.NextInt(2) == 0;
            w.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { text = Sentence(g, harbour), label = harbour ? "harbour" : "orchard" }));
        }
    }
}
