using System.Text;

namespace Curriculum.Precision;

/// <summary>
/// Which format each class of values is computed and stored in (PyTorch: <c>torch.autocast</c>'s op lists and the
/// parameters' dtype). Immutable; <see cref="With"/> switches one op class so a demonstration can show what breaks.
/// <code>
/// var p = PrecisionPolicy.Bf16Autocast;
/// p.FormatFor(OpClass.MatMulInput);           // Bf16
/// p.Round(activations, OpClass.MatMulInput);  // values as bf16 would hold them
/// var broken = p.With(OpClass.LayerNorm, FloatFormat.Bf16);
/// </code>
/// </summary>
public sealed class PrecisionPolicy
{
    static readonly OpClass[] AllOpClasses = Enum.GetValues<OpClass>();
    readonly FloatFormat[] formats;

    public string Name { get; }

    PrecisionPolicy(string name, FloatFormat[] formats)
    {
        Name = name;
        this.formats = formats;
    }

    /// <summary>A policy with every op class in <paramref name="format"/>.</summary>
    public static PrecisionPolicy Uniform(FloatFormat format, string? name = null)
    {
        var f = new FloatFormat[AllOpClasses.Length];
        Array.Fill(f, format);
        return new PrecisionPolicy(name ?? "all " + FloatFormatInfo.Of(format).Name, f);
    }

    /// <summary>Everything in fp32: the reference run.</summary>
    public static PrecisionPolicy Fp32 { get; } = Uniform(FloatFormat.Fp32, "fp32");

    /// <summary>
    /// <c>torch.autocast(dtype=torch.bfloat16)</c> on fp32 parameters: matrix products take bf16 inputs, accumulate in fp32
    /// and return bf16; layer norm, softmax and the loss in fp32; fp32 residual stream, master weights and gradients.
    /// </summary>
    public static PrecisionPolicy Bf16Autocast { get; } = Autocast(FloatFormat.Bf16, "bf16 autocast");

    /// <summary>The same with fp16 (<c>torch.autocast(dtype=torch.float16)</c>): needs a <see cref="GradScaler"/>.</summary>
    public static PrecisionPolicy Fp16Autocast { get; } = Autocast(FloatFormat.Fp16, "fp16 autocast");

    /// <summary>Every value in bf16 (PyTorch: <c>model.bfloat16()</c>), except the loss in fp32.</summary>
    public static PrecisionPolicy Bf16Everywhere { get; } =
        Uniform(FloatFormat.Bf16).With(OpClass.MatMulAccumulator, FloatFormat.Fp32).With(OpClass.Loss, FloatFormat.Fp32).Named("bf16 everywhere");

    /// <summary>Every value in fp16, accumulation included: the failure demonstration (updates below half an ulp vanish, gradients underflow, sums stall).</summary>
    public static PrecisionPolicy Fp16Everywhere { get; } = Uniform(FloatFormat.Fp16, "fp16 everywhere");

    static PrecisionPolicy Autocast(FloatFormat low, string name) => Fp32
        .With(OpClass.MatMulInput, low)
        .With(OpClass.MatMulOutput, low)
        .Named(name);

    /// <summary>The format values of <paramref name="op"/> are computed and stored in.</summary>
    public FloatFormat FormatFor(OpClass op) => formats[Index(op)];

    /// <summary>A copy with <paramref name="op"/> switched to <paramref name="format"/>; its name says what changed.</summary>
    public PrecisionPolicy With(OpClass op, FloatFormat format)
    {
        var f = (FloatFormat[])formats.Clone();
        f[Index(op)] = format;
        return new PrecisionPolicy($"{Name}, {op} {FloatFormatInfo.Of(format).Name}", f);
    }

    /// <summary>A copy under another name.</summary>
    public PrecisionPolicy Named(string name) => new(name, formats);

    /// <summary>Rounds <paramref name="values"/> in place to what <paramref name="op"/>'s format holds (fp32: unchanged).</summary>
    public void Round(Span<float> values, OpClass op) => FloatRounding.Round(values, FormatFor(op));

    /// <summary>One value rounded to <paramref name="op"/>'s format.</summary>
    public float Round(float value, OpClass op) => FloatRounding.Round(value, FormatFor(op));

    /// <summary>
    /// True when gradients pass through fp16 (matrix products or stored gradients), where small gradients underflow
    /// (below 2^-24 they are zero) and a <see cref="GradScaler"/> is needed; bf16 shares fp32's range and does not need one.
    /// </summary>
    public bool NeedsLossScaling =>
        FormatFor(OpClass.MatMulInput) == FloatFormat.Fp16 || FormatFor(OpClass.MatMulOutput) == FloatFormat.Fp16 ||
        FormatFor(OpClass.Gradients) == FloatFormat.Fp16;

    /// <summary>Bytes of one value of <paramref name="op"/>.</summary>
    public int BytesFor(OpClass op) => FloatFormatInfo.Of(FormatFor(op)).Bytes;

    /// <summary>The policy as a two-column table: op class, format.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Name).Append('\n');
        foreach (var op in AllOpClasses) sb.Append($"  {op,-18} {FloatFormatInfo.Of(FormatFor(op)).Name}\n");
        return sb.ToString();
    }

    static int Index(OpClass op) => (uint)op < (uint)AllOpClasses.Length
        ? (int)op
        : throw new ArgumentOutOfRangeException(nameof(op), op, "not an OpClass");
}
