using System.Globalization;

namespace Curriculum.Tokenization;

/// <summary>
/// Unicode canonical decomposition (NFD) of one code point: "é" -> "e" + U+0301, "한" -> ᄒ ᅡ ᆫ.
/// Own data (<see cref="CanonicalDecompositionData"/>) because .NET's string.Normalize does nothing
/// when globalization is invariant, as it is in this project.
/// </summary>
public static class CanonicalDecomposition
{
    static readonly Dictionary<int, int[]> Table = Parse();

    static Dictionary<int, int[]> Parse()
    {
        var table = new Dictionary<int, int[]>();
        foreach (var entry in CanonicalDecompositionData.Entries.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = entry.IndexOf(':');
            int cp = int.Parse(entry.AsSpan(0, colon), NumberStyles.HexNumber);
            table[cp] = entry[(colon + 1)..].Split(' ').Select(h => int.Parse(h, NumberStyles.HexNumber)).ToArray();
        }
        return table;
    }

    /// <summary>Appends the decomposition of <paramref name="cp"/> (itself if it has none).</summary>
    public static void Decompose(int cp, List<int> output)
    {
        // Hangul syllables by formula: S = 0xAC00 + (L * 21 + V) * 28 + T
        if (cp >= 0xAC00 && cp <= 0xD7A3)
        {
            int s = cp - 0xAC00;
            output.Add(0x1100 + s / (21 * 28));
            output.Add(0x1161 + s % (21 * 28) / 28);
            if (s % 28 != 0) output.Add(0x11A7 + s % 28);
        }
        else if (Table.TryGetValue(cp, out var d)) output.AddRange(d);
        else output.Add(cp);
    }

    /// <summary>Whether <paramref name="cp"/> changes under NFD.</summary>
    public static bool HasDecomposition(int cp) => (cp >= 0xAC00 && cp <= 0xD7A3) || Table.ContainsKey(cp);
}
