using System.Text;

namespace Curriculum.Data;

/// <summary>Unicode NFKC (UAX #15) from generated tables (<see cref="NfkcTables"/>), because the
/// library runs with InvariantGlobalization, where string.Normalize leaves text unchanged.
/// Steps: full compatibility decomposition (Hangul syllables algorithmically), canonical ordering of
/// combining marks, canonical composition of primary composites.</summary>
public static class Nfkc
{
    const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7, LCount = 19, VCount = 21, TCount = 28;
    const int NCount = VCount * TCount, SCount = LCount * NCount;

    static readonly Lazy<Dictionary<int, int[]>> Decomp = new(() =>
    {
        var d = new Dictionary<int, int[]>();
        foreach (var entry in NfkcTables.Decompositions.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = entry.IndexOf(':');
            d[Convert.ToInt32(entry[..colon], 16)] = entry[(colon + 1)..].Split(' ').Select(x => Convert.ToInt32(x, 16)).ToArray();
        }
        return d;
    });
    static readonly Lazy<Dictionary<int, byte>> Ccc = new(() =>
    {
        var d = new Dictionary<int, byte>();
        foreach (var entry in NfkcTables.CombiningClasses.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = entry.IndexOf(':');
            d[Convert.ToInt32(entry[..colon], 16)] = byte.Parse(entry[(colon + 1)..]);
        }
        return d;
    });
    static readonly Lazy<Dictionary<long, int>> Comp = new(() =>
    {
        var d = new Dictionary<long, int>();
        foreach (var entry in NfkcTables.Compositions.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = entry.IndexOf(':'), space = entry.IndexOf(' ');
            long key = ((long)Convert.ToInt32(entry[..space], 16) << 21) | (uint)Convert.ToInt32(entry[(space + 1)..colon], 16);
            d[key] = Convert.ToInt32(entry[(colon + 1)..], 16);
        }
        return d;
    });

    static int CombiningClass(int cp) => Ccc.Value.TryGetValue(cp, out var c) ? c : 0;

    /// <summary>True when no code point has a compatibility/canonical decomposition or a combining
    /// class (a fast check: most text is already NFKC).</summary>
    static bool IsTriviallyNormalized(string s)
    {
        foreach (var r in s.EnumerateRunes())
        {
            int cp = r.Value;
            if (cp < 0xA0) continue;
            if (Decomp.Value.ContainsKey(cp) || Ccc.Value.ContainsKey(cp) || (cp >= SBase && cp < SBase + SCount) || (cp >= LBase && cp < 0x1200)) return false;
        }
        return true;
    }

    public static string Normalize(string s)
    {
        if (IsTriviallyNormalized(s)) return s;
        // 1. Full compatibility decomposition.
        var cps = new List<int>(s.Length + 8);
        foreach (var r in s.EnumerateRunes())
        {
            int cp = r.Value;
            if (cp >= SBase && cp < SBase + SCount)
            {
                int si = cp - SBase;
                cps.Add(LBase + si / NCount); cps.Add(VBase + si % NCount / TCount);
                if (si % TCount != 0) cps.Add(TBase + si % TCount);
            }
            else if (Decomp.Value.TryGetValue(cp, out var d)) cps.AddRange(d);
            else cps.Add(cp);
        }
        // 2. Canonical ordering: stable sort each run of non-starters by combining class.
        for (int i = 1; i < cps.Count; i++)
        {
            int c = CombiningClass(cps[i]);
            if (c == 0) continue;
            for (int j = i; j > 0 && CombiningClass(cps[j - 1]) > c; j--) (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
        }
        // 3. Canonical composition: a mark joins the last starter unless a mark of the same or
        //    higher class stands between them (blocked).
        int starter = -1;
        var output = new List<int>(cps.Count);
        foreach (int cp in cps)
        {
            int cc = CombiningClass(cp);
            if (starter >= 0)
            {
                int lastClass = output.Count - 1 == starter ? -1 : CombiningClass(output[^1]);
                if (lastClass == -1 || lastClass < cc)
                {
                    int composed = Compose(output[starter], cp);
                    if (composed >= 0) { output[starter] = composed; continue; }
                }
            }
            if (cc == 0) starter = output.Count;
            output.Add(cp);
        }
        var sb = new StringBuilder(output.Count);
        foreach (int cp in output) sb.Append(new Rune(cp).ToString());
        return sb.ToString();
    }

    static int Compose(int a, int b)
    {
        if (a >= LBase && a < LBase + LCount && b >= VBase && b < VBase + VCount)
            return SBase + ((a - LBase) * VCount + (b - VBase)) * TCount;
        if (a >= SBase && a < SBase + SCount && (a - SBase) % TCount == 0 && b > TBase && b < TBase + TCount)
            return a + (b - TBase);
        return Comp.Value.TryGetValue(((long)a << 21) | (uint)b, out var c) ? c : -1;
    }
}
