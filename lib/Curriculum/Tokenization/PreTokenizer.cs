using System.Runtime.CompilerServices;
namespace Curriculum.Tokenization;

/// <summary>The split patterns of the byte-level BPE encodings (tiktoken's <c>pat_str</c>).</summary>
public enum PreTokenizerPattern
{
    /// <summary>GPT-2, r50k_base, p50k_base and Hugging Face's ByteLevel pre-tokenizer.</summary>
    Gpt2,
    /// <summary>cl100k_base (GPT-3.5/4): case-insensitive contractions, numbers in groups of 3.</summary>
    Cl100k,
    /// <summary>o200k_base (GPT-4o): camel-case aware words, contractions attached to the word.</summary>
    O200k,
}

/// <summary>
/// Splits text into pieces before BPE, exactly as the encoding's regex does with leftmost-first
/// alternation and backtracking, but hand-written over code points (faster, and immune to
/// .NET Regex seeing a surrogate pair as two non-letters). The pieces are consecutive and cover the text.
/// </summary>
public abstract class PreTokenizer
{
    /// <summary>The regex this pre-tokenizer implements.</summary>
    public abstract string Pattern { get; }

    public abstract PreTokenizerPattern Kind { get; }

    /// <summary>End (exclusive) of the piece that starts at <paramref name="start"/> (&lt; text.Length).</summary>
    public abstract int PieceEnd(ReadOnlySpan<char> text, int start);

    /// <summary>The pieces of <paramref name="text"/> as ranges, in order.</summary>
    public List<Range> Split(ReadOnlySpan<char> text)
    {
        var pieces = new List<Range>();
        for (int i = 0; i < text.Length;)
        {
            int e = PieceEnd(text, i);
            pieces.Add(new Range(i, e));
            i = e;
        }
        return pieces;
    }

    /// <summary>The pieces of <paramref name="text"/> as strings (for display).</summary>
    public List<string> SplitToStrings(string text)
    {
        var result = new List<string>();
        foreach (var r in Split(text)) result.Add(text[r]);
        return result;
    }

    public static PreTokenizer For(PreTokenizerPattern pattern) => pattern switch
    {
        PreTokenizerPattern.Gpt2 => Gpt2PreTokenizer.Instance,
        PreTokenizerPattern.Cl100k => Cl100kPreTokenizer.Instance,
        PreTokenizerPattern.O200k => O200kPreTokenizer.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(pattern)),
    };

    /// <summary>The pre-tokenizer whose regex is <paramref name="regex"/>, or null if it is none of the known ones.</summary>
    public static PreTokenizer? ForRegex(string regex)
    {
        foreach (var p in new PreTokenizer[] { Gpt2PreTokenizer.Instance, Cl100kPreTokenizer.Instance, O200kPreTokenizer.Instance })
            if (p.Pattern == regex) return p;
        return null;
    }

    // ---- helpers shared by the patterns ----

    protected static bool IsOther(byte cls) => (cls & (CodePointClass.Letter | CodePointClass.Number | CodePointClass.Space)) == 0;

    /// <summary>Length of <c>'s|'t|'re|'ve|'m|'ll|'d</c> at <paramref name="i"/> (0 if none); ASCII case folding when asked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected static int ContractionLength(ReadOnlySpan<char> s, int i, bool ignoreCase)
    {
        if (s[i] != '\'' || i + 1 >= s.Length) return 0;
        char a = s[i + 1];
        if (ignoreCase && a >= 'A' && a <= 'Z') a = (char)(a + 32);
        if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
        if (i + 2 >= s.Length) return 0;
        char b = s[i + 2];
        if (ignoreCase && b >= 'A' && b <= 'Z') b = (char)(b + 32);
        return (a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l') ? 3 : 0;
    }

    /// <summary>End of the run of code points starting at <paramref name="i"/> whose flags intersect <paramref name="mask"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected static int RunEnd(ReadOnlySpan<char> s, int i, byte mask)
    {
        while (i < s.Length)
        {
            byte c = CodePointClass.At(s, i, out int w);
            if ((c & mask) == 0) break;
            i += w;
        }
        return i;
    }

    /// <summary>End of the run of "other" code points (not letter, number or space) from <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected static int OtherRunEnd(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length)
        {
            byte c = CodePointClass.At(s, i, out int w);
            if (!IsOther(c)) break;
            i += w;
        }
        return i;
    }

    /// <summary>
    /// The whitespace alternatives at a whitespace code point. With <paramref name="newlineRule"/>,
    /// <c>\s*[\r\n]+</c> first (up to and including the run's last newline); then <c>\s+(?!\S)</c>
    /// (the run but its last character when a non-space follows), then <c>\s+</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected static int WhitespaceEnd(ReadOnlySpan<char> s, int i, bool newlineRule)
    {
        int e = RunEnd(s, i, CodePointClass.Space);
        if (newlineRule)
            for (int p = e - 1; p >= i; p--)
                if (s[p] == '\n' || s[p] == '\r') return p + 1;
        if (e == s.Length || e - i == 1) return e;
        return e - 1; // every White_Space character is one UTF-16 unit
    }
}
