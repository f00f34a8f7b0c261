using System.Text;

namespace Curriculum.Data;

/// <summary>
/// Names the encoding of a file that is not UTF-8, where the bytes tell it, for the error that stops the run:
/// UTF-16 (a byte-order mark; or NUL bytes on one side of each pair; or pairs that read as Chinese text with
/// newlines), GB18030/GBK or Big5 (the one whose strict decoding gives more Han characters; Big5 also when many
/// double-byte characters have a trail byte below 0xA1, which GB2312's common characters never have). Reads at most
/// the first 1 MiB.
/// </summary>
public static class TextEncodingDetector
{
    /// <summary>An <c>--encoding</c> name and how to say it, or null when the bytes do not tell.</summary>
    public sealed record Guess(string Option, string Description, string IconvName);

    public static Guess? Detect(string path)
    {
        using var stream = File.OpenRead(path);
        var bytes = new byte[(int)Math.Min(stream.Length, 1 << 20)];
        stream.ReadExactly(bytes);
        return Detect(bytes, truncated: stream.Length > bytes.Length);
    }

    public static Guess? Detect(ReadOnlySpan<byte> b, bool truncated = false)
    {
        if (b.Length >= 2 && b[0] == 0xFF && b[1] == 0xFE) return new("utf-16", "UTF-16LE with a byte-order mark", "UTF-16");
        if (b.Length >= 2 && b[0] == 0xFE && b[1] == 0xFF) return new("utf-16", "UTF-16BE with a byte-order mark", "UTF-16");
        if (LooksUtf16(b, littleEndian: true)) return new("utf-16", "UTF-16LE without a byte-order mark", "UTF-16LE");
        if (LooksUtf16(b, littleEndian: false)) return new("utf-16be", "UTF-16BE without a byte-order mark", "UTF-16BE");
        Encoding gbk = InputEncoding.Get("gb18030"), big5 = InputEncoding.Get("big5");
        double gbHan = Decodes(b, gbk, truncated) ? HanShare(gbk, b, truncated) : -1;
        double big5Han = Decodes(b, big5, truncated) ? HanShare(big5, b, truncated) : -1;
        // Common GB2312 characters decode to Han in Big5 as well; they never have a low trail byte, Big5's often do.
        if (big5Han > 0.5 && (big5Han > gbHan || LowTrailShare(b) > 0.2)) return new("big5", "Big5", "BIG5");
        if (gbHan > 0.5) return new("gb18030", "GB18030/GBK", "GB18030");
        return null;
    }

    /// <summary>What a file that is not UTF-8 seems to be and what to do: "it looks like GB18030/GBK; convert it with
    /// `iconv -f GB18030 -t UTF-8 in.txt > in.utf8.txt`, or read it as it is with --encoding gb18030".</summary>
    public static string Explain(string path)
    {
        var guess = File.Exists(path) ? Detect(path) : null;
        return guess is null
            ? $"it is not recognisably GB18030/GBK, Big5 or UTF-16 either; convert it to UTF-8 (`iconv -f ENCODING -t UTF-8 {path} > {Converted(path)}`) or name its encoding with --encoding {string.Join("|", InputEncoding.Names)}"
            : $"it looks like {guess.Description}; convert it with `iconv -f {guess.IconvName} -t UTF-8 {path} > {Converted(path)}`, or read it as it is with --encoding {guess.Option}";
    }

    static string Converted(string path) => Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + ".utf8" + Path.GetExtension(path));

    static bool Decodes(ReadOnlySpan<byte> b, Encoding e, bool truncated)
    {
        try { e.GetDecoder().GetCharCount(b, flush: !truncated); return true; }
        catch (DecoderFallbackException) { return false; }
    }

    // NULs on one side only of the byte pairs (ASCII-heavy text), or, with no NULs, pairs that decode to Han, ASCII and
    // CJK punctuation almost everywhere (GBK read as UTF-16 gives private-use and Hangul characters instead).
    static bool LooksUtf16(ReadOnlySpan<byte> b, bool littleEndian)
    {
        if (b.Length < 4) return false;
        int pairs = b.Length / 2, zeroHigh = 0, zeroLow = 0, plausible = 0;
        for (int i = 0; i + 1 < b.Length; i += 2)
        {
            byte lo = littleEndian ? b[i] : b[i + 1], hi = littleEndian ? b[i + 1] : b[i];
            if (hi == 0 && lo != 0) zeroHigh++;
            if (lo == 0 && hi != 0) zeroLow++;
            char c = (char)(hi << 8 | lo);
            if (c is '\n' or '\r' or '\t' || (c >= 0x20 && c < 0x7F) || Scripts.IsHan(c) || Scripts.IsWidePunctuation(c) || c == '\u3000') plausible++;
        }
        if (zeroHigh > pairs / 10 && zeroLow < zeroHigh / 10) return true;
        return zeroLow <= pairs / 50 + 1 && b.Length % 2 == 0 && plausible > 0.95 * pairs && HasNewline(b, littleEndian);
    }

    static bool HasNewline(ReadOnlySpan<byte> b, bool littleEndian)
    {
        for (int i = 0; i + 1 < b.Length; i += 2)
            if ((littleEndian ? b[i] : b[i + 1]) == (byte)'\n' && (littleEndian ? b[i + 1] : b[i]) == 0) return true;
        return false;
    }

    // Share of double-byte characters (lead 0x81..0xFE) whose trail byte is below 0xA1.
    static double LowTrailShare(ReadOnlySpan<byte> b)
    {
        int pairs = 0, low = 0;
        for (int i = 0; i + 1 < b.Length; i++)
        {
            if (b[i] < 0x81 || b[i] == 0xFF) continue;
            pairs++;
            if (b[i + 1] < 0xA1) low++;
            i++;
        }
        return pairs == 0 ? 0 : (double)low / pairs;
    }

    // Share of the non-ASCII characters that are Han ideographs or CJK punctuation: high for real Chinese text.
    static double HanShare(Encoding e, ReadOnlySpan<byte> b, bool truncated)
    {
        var chars = new char[e.GetMaxCharCount(b.Length)];
        int n = e.GetDecoder().GetChars(b, chars, flush: !truncated);
        int nonAscii = 0, han = 0;
        foreach (char c in chars.AsSpan(0, n))
        {
            if (c < 0x80) continue;
            nonAscii++;
            if (Scripts.IsHan(c) || Scripts.IsWidePunctuation(c) || c == '\u3000') han++;
        }
        return nonAscii == 0 ? 0 : (double)han / nonAscii;
    }
}
