using System.Text;

namespace Curriculum.Tests.Tokenization;

/// <summary>Random text mixing scripts, numbers, punctuation, whitespace, emoji and marks: text no
/// fixture was made from, to check parity beyond the hand-written test text.</summary>
static class MixedTextGenerator
{
    static readonly string[] Words =
    [
        "the", "The", "THE", "model", "tokenizer", "don't", "DON'T", "it's", "we'RE", "I'M", "you'll", "they'Ve",
        "camelCase", "HTTPServer", "iPhone", "naïve", "café", "straße", "Ǆemal", "ǅ", "İstanbul", "ſ",
        "今天", "学习", "中文分词", "こんにちは", "カタカナ", "안녕하세요", "مرحبا", "שלום", "Привет", "ΚΑΛΗ", "नमस्ते", "สวัสดี",
        "😀", "👍🏽", "👨‍👩‍👧", "🇯🇵", "❤️", "𝐀𝐁", "𠀀", "Ｈｅｌｌｏ", "１２３", "٣٤٥", "½", "Ⅻ",
        "e\u0301", "\u0301", "a\u0308\u0301", "\u200d", "\ufeff", "\u00ad",
        "123", "4567", "89", "3.14", "1,000", "0x1F", "1e-9",
        "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "'", "''",
        "!", "?", ".", ",", "...", "!!!", "/", "//", "\\", "-", "--", "_", "*", "#", "@", "$", "%", "&", "(", ")", "[", "]", "{", "}",
        "<|endoftext|>", "<|endofprompt|>", "<|", "|>",
    ];

    static readonly string[] Gaps = [" ", " ", " ", " ", "", "", "  ", "   ", "\t", "\n", "\r\n", "\n\n", " \n", "\u3000", "\u00a0", " \t ", "\r", "\n/"];

    public static string Generate(int seed, int approxChars)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        while (sb.Length < approxChars)
        {
            int kind = rng.Next(20);
            if (kind == 0) sb.Append(RandomCodePoints(rng, rng.Next(1, 12)));
            else if (kind == 1) sb.Append((char)rng.Next('a', 'z' + 1), rng.Next(1, 200)); // long repeats
            else sb.Append(Words[rng.Next(Words.Length)]);
            sb.Append(Gaps[rng.Next(Gaps.Length)]);
        }
        return sb.ToString();
    }

    // code points drawn from blocks with letters, marks, numbers, symbols, and from outside the BMP
    static string RandomCodePoints(Random rng, int n)
    {
        int[][] ranges = [[0x20, 0x7E], [0xA0, 0x24F], [0x300, 0x36F], [0x370, 0x3FF], [0x400, 0x4FF], [0x600, 0x6FF],
            [0x900, 0x97F], [0x2000, 0x206F], [0x3040, 0x30FF], [0x4E00, 0x9FFF], [0xAC00, 0xD7A3], [0xFF00, 0xFFEF],
            [0x1F300, 0x1FAFF], [0x1D400, 0x1D7FF], [0x20000, 0x2A6DF], [0x80, 0x2FFFF]];
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            var r = ranges[rng.Next(ranges.Length)];
            int cp;
            do cp = rng.Next(r[0], r[1] + 1); while (cp >= 0xD800 && cp <= 0xDFFF); // any code point but surrogates
            sb.Append(char.ConvertFromUtf32(cp));
        }
        return sb.ToString();
    }
}
