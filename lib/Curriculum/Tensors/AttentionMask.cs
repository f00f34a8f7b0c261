namespace Curriculum.Tensors;

/// <summary>
/// Additive attention masks: 0 where a query may look at a key, -inf where it may not. They broadcast to the
/// scores' shape (B,H,Tq,Tk), and can be added together (e.g. causal + padding).
/// </summary>
public static class AttentionMask
{
    /// <summary>(Tq,Tk): query i sees keys j ≤ i (<c>torch.ones(L,S).tril()</c>, as SDPA's is_causal).</summary>
    public static Tensor Causal(int tq, int tk)
    {
        var m = Tensor.Zeros(tq, tk);
        for (int i = 0; i < tq; i++)
            for (int j = i + 1; j < tk; j++) m.Data[i * tk + j] = float.NegativeInfinity;
        return m;
    }

    /// <summary>
    /// From a padding mask (B,Tk) with 1 for real tokens and 0 for padding (Hugging Face's <c>attention_mask</c>)
    /// to (B,1,1,Tk): every query ignores padded keys.
    /// </summary>
    public static Tensor FromPadding(IntTensor keep)
    {
        if (keep.Rank != 2) throw new ArgumentException($"AttentionMask.FromPadding: need a (B,Tk) mask, got {Shapes.Text(keep.ShapeArray)}.");
        int b = keep.ShapeArray[0], t = keep.ShapeArray[1];
        var m = Tensor.Zeros(b, 1, 1, t);
        for (int i = 0; i < keep.Numel; i++) if (keep.Data[i] == 0) m.Data[i] = float.NegativeInfinity;
        return m;
    }

    /// <summary>From a boolean keep-mask of any shape that broadcasts to (B,H,Tq,Tk): true keeps, false blocks.</summary>
    public static Tensor FromBool(bool[] keep, params int[] shape)
    {
        var m = Tensor.Zeros(shape);
        if (keep.Length != m.Numel) throw new ArgumentException($"AttentionMask.FromBool: {keep.Length} values do not fill shape {Shapes.Text(shape)}.");
        for (int i = 0; i < keep.Length; i++) if (!keep[i]) m.Data[i] = float.NegativeInfinity;
        return m;
    }
}
