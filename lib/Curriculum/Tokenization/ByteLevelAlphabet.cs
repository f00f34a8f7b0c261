namespace Curriculum.Tokenization;

/// <summary>
/// GPT-2's map from the 256 byte values to 256 printable characters, so a byte-level vocabulary can
/// be written as text (tokenizer.json, vocab.json): printable Latin-1 bytes map to themselves, the
/// other 68 (controls, space, DEL, NBSP, soft hyphen) to U+0100.. in byte order. Space 0x20 -> 'Ġ' (U+0120).
/// </summary>
public static class ByteLevelAlphabet
{
    static readonly char[] ByteToCharTable = new char[256];
    static readonly short[] CharToByteTable = new short[512];

    static ByteLevelAlphabet()
    {
        Array.Fill(CharToByteTable, (short)-1);
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char)b : (char)next++;
            ByteToCharTable[b] = c;
            CharToByteTable[c] = (short)b;
        }
    }

    public static char ByteToChar(byte b) => ByteToCharTable[b];

    /// <summary>The byte a printable character stands for, or -1 if it is not one of the 256.</summary>
    public static int CharToByte(char c) => c < 512 ? CharToByteTable[c] : -1;

    /// <summary>"Hi there" bytes -> "HiĠthere".</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToCharTable[bytes[i]];
        return new string(chars);
    }

    /// <summary>The bytes of a byte-level string, or null if a character is outside the alphabet.</summary>
    public static byte[]? Decode(ReadOnlySpan<char> text)
    {
        var bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            int b = CharToByte(text[i]);
            if (b < 0) return null;
            bytes[i] = (byte)b;
        }
        return bytes;
    }
}
