namespace Curriculum.Tensors;

/// <summary>Inverted dropout (<c>F.dropout</c>): zero each element with probability p, scale the rest by 1/(1-p).</summary>
public static partial class F
{
    /// <summary>Identity when not training or p = 0; the mask comes from <paramref name="generator"/> (or the default).</summary>
    public static Tensor Dropout(Tensor x, float p, bool training = true, Generator? generator = null)
    {
        if (p < 0f || p >= 1f) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1).");
        if (!training || p == 0f) return x;
        if (x.OnDevice) return DropoutOnDevice(x, p, generator ?? Generator.Default);
        var mask = DropoutMask(x.Numel, p, generator ?? Generator.Default);
        var y = Tensor.Empty(x.ShapeArray);
        Kernels.Elementwise.Mul(x.Data, mask, y.Data);
        return Autograd.Record(y, "Dropout", [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx != null) Kernels.Elementwise.MulAddInPlace(gx, g, mask);
        });
    }

    /// <summary>
    /// On a device the mask comes from the device's own random stream, seeded with one draw from
    /// <paramref name="generator"/>: the same seed gives the same masks on that device, but not the masks of cpu.
    /// </summary>
    static Tensor DropoutOnDevice(Tensor x, float p, Generator generator)
    {
        var k = DeviceOps.KernelsOf("Dropout", x);
        var mask = k.DropoutMask(x.ShapeArray, p, generator.NextUInt64());
        var y = new Tensor(k.Mul(x.Buffer!, mask));
        return Autograd.RecordOnDevice(y, "Dropout", [x], g => Autograd.AccumulateOnDevice(x, k.Mul(g, mask)));
    }

    /// <summary>n factors, each 0 with probability p and 1/(1-p) otherwise, drawn in order.</summary>
    internal static float[] DropoutMask(int n, float p, Generator generator)
    {
        var mask = GC.AllocateUninitializedArray<float>(n);
        float keep = 1f / (1f - p);
        // Two 32-bit uniforms per 64-bit draw; an element is dropped when u < p.
        uint threshold = (uint)Math.Min(uint.MaxValue, p * 4294967296.0);
        for (int i = 0; i < n; i += 2)
        {
            ulong r = generator.NextUInt64();
            mask[i] = (uint)r < threshold ? 0f : keep;
            if (i + 1 < n) mask[i + 1] = (uint)(r >> 32) < threshold ? 0f : keep;
        }
        return mask;
    }
}
