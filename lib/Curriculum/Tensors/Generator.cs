namespace Curriculum.Tensors;

/// <summary>
/// A seeded random number generator (<c>torch.Generator</c>): xoshiro256** seeded through SplitMix64.
/// Samples are drawn in order on the calling thread, so a seed gives the same numbers on every machine
/// and for every thread count. (It does not reproduce PyTorch's own random streams.)
/// </summary>
public sealed class Generator
{
    ulong _s0, _s1, _s2, _s3;

    /// <summary>The generator used when an op is given none (<c>torch.manual_seed</c> sets it).</summary>
    public static Generator Default { get; } = new(0);

    public Generator(ulong seed) => ManualSeed(seed);

    /// <summary>Restarts the stream from <paramref name="seed"/>.</summary>
    public Generator ManualSeed(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
        return this;
    }

    /// <summary>The stream's position (<c>get_state()</c>): restoring it with <see cref="SetState"/> replays the same numbers.</summary>
    public GeneratorState GetState() => new(_s0, _s1, _s2, _s3);

    /// <summary>Rewinds or forwards the stream to a position taken by <see cref="GetState"/> (<c>set_state()</c>).</summary>
    public void SetState(GeneratorState state) => (_s0, _s1, _s2, _s3) = (state.S0, state.S1, state.S2, state.S3);

    static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "NextInt: n must be positive.");
        return (int)((NextUInt64() >> 33) * (ulong)n >> 31);
    }

    public void FillUniform(Span<float> dst, float low, float high)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = (float)(low + (high - low) * NextDouble());
    }

    /// <summary>Normal samples by the Box-Muller transform, two per pair of uniforms.</summary>
    public void FillNormal(Span<float> dst, float mean, float std)
    {
        for (int i = 0; i < dst.Length; i += 2)
        {
            double u1 = 1.0 - NextDouble(), u2 = NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1)), a = 2.0 * Math.PI * u2;
            dst[i] = (float)(mean + std * r * Math.Cos(a));
            if (i + 1 < dst.Length) dst[i + 1] = (float)(mean + std * r * Math.Sin(a));
        }
    }
}
