namespace Curriculum.Data;

/// <summary>
/// The seeded random numbers of data sampling and the collators: SplitMix64 (Steele, Lea &amp; Flood 2014), one 64-bit word of state, so a
/// checkpoint can save <see cref="State"/> and a resumed run draws the same masks. Seed 0 gives
/// 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, ... (the published test vector).
/// </summary>
public sealed class SplitMix64
{
    public ulong State { get; set; }

    public SplitMix64(ulong seed) => State = seed;

    public ulong NextUInt64()
    {
        ulong z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1), 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="n"/>), without modulo bias (draws again above the last whole multiple of n).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong limit = ulong.MaxValue - ulong.MaxValue % (ulong)n;
        ulong x;
        do x = NextUInt64(); while (x >= limit);
        return (int)(x % (ulong)n);
    }

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>] (both included, as Python's random.randint).</summary>
    public int NextIntInclusive(int min, int max) => min + NextInt(max - min + 1);

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
