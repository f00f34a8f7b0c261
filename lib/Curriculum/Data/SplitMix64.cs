namespace Curriculum.Data;

/// <summary>A small seeded generator (splitmix64, Steele et al. 2014) so that sampling here gives
/// the same sequence on every machine and .NET version, without depending on the tensor RNG.</summary>
public sealed class SplitMix64(ulong seed)
{
    ulong _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        return StableHash.Mix(z);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) (Lemire's multiply-shift; the bias is below 2^-32 for n < 2^32).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), "must be > 0");
        return (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);
    }
}
