namespace Curriculum.Tokenization;

/// <summary>
/// What a tiktoken encoding is besides its rank file: the split pattern and the special tokens
/// (from tiktoken's openai_public.py). Load one with <see cref="BpeTokenizer.LoadTiktoken"/>.
/// </summary>
public sealed record TiktokenEncoding(string Name, PreTokenizerPattern Pattern, IReadOnlyDictionary<string, int> SpecialTokens)
{
    public static readonly TiktokenEncoding Gpt2 = new("gpt2", PreTokenizerPattern.Gpt2, new Dictionary<string, int> { ["<|endoftext|>"] = 50256 });
    public static readonly TiktokenEncoding R50kBase = new("r50k_base", PreTokenizerPattern.Gpt2, new Dictionary<string, int> { ["<|endoftext|>"] = 50256 });
    public static readonly TiktokenEncoding P50kBase = new("p50k_base", PreTokenizerPattern.Gpt2, new Dictionary<string, int> { ["<|endoftext|>"] = 50256 });
    public static readonly TiktokenEncoding Cl100kBase = new("cl100k_base", PreTokenizerPattern.Cl100k, new Dictionary<string, int>
    {
        ["<|endoftext|>"] = 100257, ["<|fim_prefix|>"] = 100258, ["<|fim_middle|>"] = 100259,
        ["<|fim_suffix|>"] = 100260, ["<|endofprompt|>"] = 100276,
    });
    public static readonly TiktokenEncoding O200kBase = new("o200k_base", PreTokenizerPattern.O200k, new Dictionary<string, int>
    {
        ["<|endoftext|>"] = 199999, ["<|endofprompt|>"] = 200018,
    });

    public static IReadOnlyList<TiktokenEncoding> All { get; } = [Gpt2, R50kBase, P50kBase, Cl100kBase, O200kBase];

    /// <summary>The encoding called <paramref name="name"/> ("cl100k" is accepted for "cl100k_base").</summary>
    public static TiktokenEncoding FromName(string name)
    {
        foreach (var e in All)
            if (e.Name == name || e.Name == name + "_base") return e;
        throw new ArgumentException($"unknown tiktoken encoding '{name}': expected one of gpt2, r50k_base, p50k_base, cl100k_base, o200k_base", nameof(name));
    }
}
