using System.Text;

namespace Curriculum.Data;

/// <summary>
/// The encodings an input file may be read in (<c>--encoding</c>): UTF-8 (the default), GB18030 (a superset of GBK
/// and GB2312, what old mainland-Chinese systems write), GBK, Big5 (Taiwan, Hong Kong), UTF-16 (with a byte-order
/// mark either endianness; without, little-endian as Windows writes it). Every decoder throws on bytes the encoding
/// cannot hold: a wrong choice is an error naming the file, never U+FFFD in the training text.
/// </summary>
public static class InputEncoding
{
    public static readonly string[] Names = ["utf-8", "gb18030", "gbk", "big5", "utf-16"];

    static InputEncoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);   // GBK, GB18030, Big5 ship in the framework's code-pages assembly

    public static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The strict decoder for one of <see cref="Names"/>; any other name is an <see cref="ArgumentException"/>.</summary>
    public static Encoding Get(string name) => name.ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => StrictUtf8,
        "gb18030" => Strict(54936),
        "gbk" or "cp936" => Strict(936),
        "big5" => Strict(950),
        "utf-16" or "utf-16le" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true),
        "utf-16be" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: true),
        _ => throw new ArgumentException($"--encoding {name}: expected one of {string.Join(", ", Names)}"),
    };

    static Encoding Strict(int codePage) => Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    public static bool IsUtf8(Encoding e) => e is UTF8Encoding;
}
