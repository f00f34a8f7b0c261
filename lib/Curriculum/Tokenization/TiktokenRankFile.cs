using System.Text;

namespace Curriculum.Tokenization;

/// <summary>
/// A <c>.tiktoken</c> rank file: one line per token, <c>base64(token bytes) SPACE rank</c>,
/// e.g. <c>IQ== 0</c> is "!" at rank 0. The rank is the token's id and its merge priority.
/// </summary>
public static class TiktokenRankFile
{
    /// <summary>Reads the ranks; a malformed line throws <see cref="FormatException"/> naming the file and line.</summary>
    public static ByteSequenceMap Read(string path, out List<byte[]> tokensByRank)
    {
        var map = new ByteSequenceMap(1 << 17);
        tokensByRank = [];
        int lineNo = 0;
        using var reader = new StreamReader(path, new UTF8Encoding(false, true));
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNo++;
            if (line.Length == 0) continue;
            int sp = line.IndexOf(' ');
            if (sp <= 0 || line.IndexOf(' ', sp + 1) >= 0)
                throw new FormatException($"{path}:{lineNo}: expected 'BASE64 RANK', got '{Shorten(line)}'");
            byte[] bytes;
            try { bytes = Convert.FromBase64String(line[..sp]); }
            catch (FormatException) { throw new FormatException($"{path}:{lineNo}: '{Shorten(line[..sp])}' is not base64"); }
            if (!int.TryParse(line.AsSpan(sp + 1), System.Globalization.NumberStyles.None, null, out int rank))
                throw new FormatException($"{path}:{lineNo}: rank '{Shorten(line[(sp + 1)..])}' is not a non-negative integer");
            if (bytes.Length == 0) throw new FormatException($"{path}:{lineNo}: empty token");
            if (map.Get(bytes) >= 0) throw new FormatException($"{path}:{lineNo}: token '{line[..sp]}' appears twice");
            map.Set(bytes, rank);
            while (tokensByRank.Count <= rank) tokensByRank.Add(null!);
            if (tokensByRank[rank] != null) throw new FormatException($"{path}:{lineNo}: rank {rank} appears twice");
            tokensByRank[rank] = bytes;
        }
        if (map.Count == 0) throw new FormatException($"{path}: no ranks (empty file)");
        for (int b = 0; b < 256; b++)
            if (map.Get([(byte)b]) < 0)
                throw new FormatException($"{path}: byte 0x{b:X2} has no rank; a byte-level vocabulary needs all 256 bytes");
        return map;
    }

    /// <summary>Writes ranks in the same format (atomically: temp file, then rename).</summary>
    public static void Write(string path, IReadOnlyList<byte[]?> tokensByRank)
    {
        var sb = new StringBuilder();
        for (int r = 0; r < tokensByRank.Count; r++)
            if (tokensByRank[r] is { } t) sb.Append(Convert.ToBase64String(t)).Append(' ').Append(r).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "...";
}
