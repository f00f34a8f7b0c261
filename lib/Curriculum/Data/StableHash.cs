namespace Curriculum.Data;

/// <summary>Hashes that are the same on every run and machine (string.GetHashCode is randomised
/// per process, so it cannot be used for dedup indexes that are saved or compared across runs).</summary>
public static class StableHash
{
    /// <summary>FNV-1a over UTF-16 code units, finished with <see cref="Mix"/>.</summary>
    public static ulong Of(ReadOnlySpan<char> s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s) { h ^= c; h *= 1099511628211UL; }
        return Mix(h);
    }

    /// <summary>The splitmix64 finaliser: every input bit affects every output bit.</summary>
    public static ulong Mix(ulong x)
    {
        x ^= x >> 30; x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27; x *= 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>Order-dependent combination of two hashes (for n-grams of word hashes).</summary>
    public static ulong Combine(ulong h, ulong next) => Mix(h * 0x9E3779B97F4A7C15UL + next);
}
