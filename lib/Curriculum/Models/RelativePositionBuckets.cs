namespace Curriculum.Models;

/// <summary>
/// T5's relative position buckets (Raffel et al. 2020, section 2.1; <c>_relative_position_bucket</c> in its code):
/// the offset key − query is mapped to one of <c>numBuckets</c> ids, exact for small offsets and logarithmically coarser up
/// to <c>maxDistance</c>, beyond which all offsets share the last bucket. Bidirectional (encoder) uses half of the
/// buckets for each sign; unidirectional (decoder) only looks back, so positive offsets fall in bucket 0.
/// Example (32 buckets, bidirectional): offset -3 -> 3, +3 -> 19, -100 -> 15 (max_exact 8; 8 + ⌊log(100/8)/log(16)·8⌋ = 15).
/// </summary>
public static class RelativePositionBuckets
{
    public static int Bucket(int relativePosition, bool bidirectional, int numBuckets, int maxDistance)
    {
        int bucket = 0, n = numBuckets;
        int distance;
        if (bidirectional)
        {
            n /= 2;
            if (relativePosition > 0) bucket += n;
            distance = Math.Abs(relativePosition);
        }
        else distance = Math.Max(-relativePosition, 0);
        int maxExact = n / 2;
        if (distance < maxExact) return bucket + distance;
        // Computed in float32 as the reference does: max_exact + log(d / max_exact) / log(max_distance / max_exact) · (n − max_exact).
        float large = maxExact + MathF.Log((float)distance / maxExact) / (float)Math.Log((double)maxDistance / maxExact) * (n - maxExact);
        return bucket + Math.Min((int)large, n - 1);
    }

    /// <summary>(Tq,Tk) bucket ids for query i and key j, offset j − i, flattened row-major.</summary>
    public static int[] Table(int queryLength, int keyLength, bool bidirectional, int numBuckets, int maxDistance)
    {
        var ids = new int[queryLength * keyLength];
        for (int i = 0; i < queryLength; i++)
            for (int j = 0; j < keyLength; j++) ids[i * keyLength + j] = Bucket(j - i, bidirectional, numBuckets, maxDistance);
        return ids;
    }
}
