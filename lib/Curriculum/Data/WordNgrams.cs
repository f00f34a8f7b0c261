using System.Text;

namespace Curriculum.Data;

/// <summary>Words and word n-grams as 64-bit hashes. Text is normalised first: lower-cased, and
/// every run of characters that are not letters or digits is a word break, so "Hello,  World!"
/// and "hello world" give the same words. A CJK ideograph counts as one word (Chinese has no spaces).</summary>
public static class WordNgrams
{
    /// <summary>Appends the hash of each word of <paramref name="text"/> to <paramref name="words"/>.</summary>
    public static void WordHashes(string text, List<ulong> words)
    {
        Span<char> buffer = stackalloc char[64];
        int len = 0;
        ulong h = 14695981039346656037UL;
        foreach (char raw in text)
        {
            if (char.IsLetterOrDigit(raw))
            {
                if (Scripts.IsHan(raw))
                {
                    if (len > 0) { words.Add(StableHash.Mix(h)); len = 0; h = 14695981039346656037UL; }
                    words.Add(StableHash.Mix((14695981039346656037UL ^ raw) * 1099511628211UL));
                    continue;
                }
                char c = char.ToLowerInvariant(raw);
                h ^= c; h *= 1099511628211UL;
                len++;
            }
            else if (len > 0) { words.Add(StableHash.Mix(h)); len = 0; h = 14695981039346656037UL; }
        }
        if (len > 0) words.Add(StableHash.Mix(h));
    }

    /// <summary>Appends the hash of each letter or digit of <paramref name="text"/> (lower-cased) to
    /// <paramref name="chars"/>: the units of scripts written without spaces, punctuation and spaces skipped.</summary>
    public static void CharHashes(string text, List<ulong> chars)
    {
        foreach (var rune in text.EnumerateRunes())
            if (Rune.IsLetterOrDigit(rune))
                chars.Add(StableHash.Mix((14695981039346656037UL ^ (ulong)Rune.ToLowerInvariant(rune).Value) * 1099511628211UL));
    }

    /// <summary>Word or character hashes, as <paramref name="unit"/> says.</summary>
    public static void UnitHashes(string text, NgramUnit unit, List<ulong> units)
    {
        if (unit == NgramUnit.Char) CharHashes(text, units); else WordHashes(text, units);
    }

    /// <summary>Hashes of all n-grams of consecutive words (the shingles); a document with fewer
    /// than n words gives one shingle of all its words, an empty one gives none.</summary>
    public static void Ngrams(List<ulong> words, int n, List<ulong> ngrams)
    {
        if (words.Count == 0) return;
        int count = Math.Max(1, words.Count - n + 1);
        int width = Math.Min(n, words.Count);
        for (int i = 0; i < count; i++)
        {
            ulong h = (ulong)width;
            for (int k = 0; k < width; k++) h = StableHash.Combine(h, words[i + k]);
            ngrams.Add(h);
        }
    }

    /// <summary>The set of n-gram hashes of a text: the shingle set whose Jaccard similarity MinHash estimates.</summary>
    public static HashSet<ulong> ShingleSet(string text, int n)
    {
        var words = new List<ulong>();
        var grams = new List<ulong>();
        WordHashes(text, words);
        Ngrams(words, n, grams);
        return [.. grams];
    }

    /// <summary>Exact Jaccard similarity |A ∩ B| / |A ∪ B| (0 when both are empty).</summary>
    public static double Jaccard(HashSet<ulong> a, HashSet<ulong> b)
    {
        if (a.Count == 0 && b.Count == 0) return 0;
        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        int inter = 0;
        foreach (var x in small) if (large.Contains(x)) inter++;
        return (double)inter / (a.Count + b.Count - inter);
    }
}
