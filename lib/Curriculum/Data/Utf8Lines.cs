namespace Curriculum.Data;

/// <summary>The raw bytes of each line of a file ('\n'-terminated, a trailing '\r' and a leading
/// UTF-8 BOM dropped), read through a 64 KiB buffer, so a decoding error can be pinned to its line.
/// The memory returned is reused: decode it before the next line is read.</summary>
static class Utf8Lines
{
    public static IEnumerable<ReadOnlyMemory<byte>> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var buffer = new byte[1 << 16];
        var line = new byte[1 << 12];
        int lineLength = 0, read;
        bool first = true;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            int start = 0;
            while (start < read)
            {
                int nl = buffer.AsSpan(start, read - start).IndexOf((byte)'\n');
                int end = nl < 0 ? read : start + nl;
                Append(ref line, ref lineLength, buffer.AsSpan(start, end - start));
                if (nl < 0) break;
                yield return Trim(line, lineLength, ref first);
                lineLength = 0;
                start = end + 1;
            }
        }
        if (lineLength > 0) yield return Trim(line, lineLength, ref first);
    }

    static void Append(ref byte[] line, ref int length, ReadOnlySpan<byte> bytes)
    {
        if (length + bytes.Length > line.Length) Array.Resize(ref line, Math.Max(line.Length * 2, length + bytes.Length));
        bytes.CopyTo(line.AsSpan(length));
        length += bytes.Length;
    }

    static ReadOnlyMemory<byte> Trim(byte[] line, int length, ref bool first)
    {
        int start = 0;
        if (first && length >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF) start = 3;
        first = false;
        if (length > start && line[length - 1] == '\r') length--;
        return line.AsMemory(start, length - start);
    }
}
