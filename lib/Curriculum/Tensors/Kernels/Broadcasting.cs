namespace Curriculum.Tensors.Kernels;

/// <summary>
/// Walks the rows (all dimensions but the last) of a broadcast result, giving each operand's offset
/// for that row; the caller loops over the last dimension with each operand's last stride (0 or 1).
/// </summary>
internal static class Broadcasting
{
    public delegate void RowBody(int outOffset, int aOffset, int bOffset);

    public static void ForEachRow(int[] shape, int[] sa, int[] sb, RowBody body)
    {
        int rank = shape.Length;
        if (rank == 0) { body(0, 0, 0); return; }
        int inner = shape[rank - 1];
        int rows = Shapes.Prod(shape, 0, rank - 1);
        var idx = new int[rank];
        int oa = 0, ob = 0;
        for (int r = 0; r < rows; r++)
        {
            body(r * inner, oa, ob);
            // Advance the counter over dimensions rank-2 .. 0, updating offsets incrementally.
            for (int d = rank - 2; d >= 0; d--)
            {
                idx[d]++;
                oa += sa[d]; ob += sb[d];
                if (idx[d] < shape[d]) break;
                oa -= sa[d] * shape[d]; ob -= sb[d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    /// <summary>
    /// Sums a gradient of the broadcast shape <paramref name="outShape"/> down to <paramref name="shape"/>
    /// (the input's), adding into <paramref name="dst"/>: dst[j] += Σ factor·g over the broadcast copies of j.
    /// </summary>
    public static void SumInto(float[] g, int[] outShape, int[] shape, float[] dst, float factor = 1f)
    {
        if (Shapes.Equal(outShape, shape) || Shapes.Numel(shape) == g.Length)
        {
            Elementwise.AddScaledInPlace(dst, g, factor);
            return;
        }
        var s = Shapes.BroadcastStrides(shape, outShape);
        int inner = outShape.Length == 0 ? 1 : outShape[^1];
        int si = s.Length == 0 ? 0 : s[^1];
        ForEachRow(outShape, s, s, (o, a, _) =>
        {
            if (si == 1) Elementwise.AddScaledInPlace(dst.AsSpan(a, inner), g.AsSpan(o, inner), factor);
            else
            {
                float acc = 0;
                for (int j = 0; j < inner; j++) acc += g[o + j];
                dst[a] += factor * acc;
            }
        });
    }
}
