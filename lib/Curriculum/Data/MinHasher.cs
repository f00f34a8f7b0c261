namespace Curriculum.Data;

/// <summary>MinHash signatures (Broder 1997): for each of k hash functions h_i, the signature keeps
/// min over shingles x of h_i(x). Two documents agree at position i with probability equal to the
/// Jaccard similarity of their shingle sets, so the fraction of agreeing positions estimates it
/// (standard error sqrt(J(1-J)/k)). h_i(x) = (a_i x + b_i) >> 32 with random odd a_i
/// (multiply-shift hashing) over the 64-bit shingle hash x.</summary>
public sealed class MinHasher
{
    readonly ulong[] _a;
    readonly ulong[] _b;

    public int NumPermutations { get; }
    public int ShingleSize { get; }

    public MinHasher(int numPermutations = 128, int shingleSize = 3, ulong seed = 42)
    {
        if (numPermutations < 1) throw new ArgumentOutOfRangeException(nameof(numPermutations), "must be >= 1");
        if (shingleSize < 1) throw new ArgumentOutOfRangeException(nameof(shingleSize), "must be >= 1");
        NumPermutations = numPermutations;
        ShingleSize = shingleSize;
        _a = new ulong[numPermutations];
        _b = new ulong[numPermutations];
        var rng = new SplitMix64(seed);
        for (int i = 0; i < numPermutations; i++) { _a[i] = rng.NextUInt64() | 1UL; _b[i] = rng.NextUInt64(); }
    }

    /// <summary>Writes the signature of a set of shingle hashes into <paramref name="signature"/>
    /// (length <see cref="NumPermutations"/>); an empty set gives all uint.MaxValue.</summary>
    public void Signature(ReadOnlySpan<ulong> shingles, Span<uint> signature)
    {
        if (signature.Length != NumPermutations) throw new ArgumentException($"signature length {signature.Length} != {NumPermutations}", nameof(signature));
        signature.Fill(uint.MaxValue);
        var a = _a.AsSpan(0, NumPermutations);
        var b = _b.AsSpan(0, NumPermutations);
        foreach (ulong x in shingles)
        {
            for (int i = 0; i < signature.Length; i++)
            {
                uint h = (uint)((a[i] * x + b[i]) >> 32);
                if (h < signature[i]) signature[i] = h;
            }
        }
    }

    public uint[] Signature(string text)
    {
        var words = new List<ulong>();
        var grams = new List<ulong>();
        WordNgrams.WordHashes(text, words);
        WordNgrams.Ngrams(words, ShingleSize, grams);
        var sig = new uint[NumPermutations];
        Signature(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(grams), sig);
        return sig;
    }

    /// <summary>The fraction of positions where two signatures agree: the MinHash estimate of Jaccard.</summary>
    public static double EstimatedJaccard(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"signature lengths differ: {a.Length} vs {b.Length}");
        int same = 0;
        for (int i = 0; i < a.Length; i++) if (a[i] == b[i]) same++;
        return (double)same / a.Length;
    }
}
