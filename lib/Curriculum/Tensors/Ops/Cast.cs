using Curriculum.Precision;

namespace Curriculum.Tensors;

/// <summary>A value stored in the format an <see cref="Autocast"/> policy gives a class of values (<c>x.to(dtype)</c>).</summary>
public static partial class F
{
    /// <summary>
    /// x rounded to <paramref name="op"/>'s format under the current policy, e.g. the residual stream after each add
    /// (<see cref="OpClass.Residual"/>); its gradient is rounded to the same format, as a 16-bit tensor's gradient is 16-bit.
    /// When that format is fp32, x itself.
    /// </summary>
    public static Tensor Cast(Tensor x, OpClass op)
    {
        var format = Autocast.Policy.FormatFor(op);
        if (format == FloatFormat.Fp32) return x;
        if (x.OnDevice) return CastOnDevice(x, format);
        var y = new Tensor(Rounding.Copy(x.Data, format), x.ShapeArray);
        return Autograd.Record(y, "Cast", [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx != null) Rounding.AddRounded(gx, g, format);
        });
    }

    static Tensor CastOnDevice(Tensor x, FloatFormat format)
    {
        var k = DeviceOps.KernelsOf("Cast", x);
        var y = new Tensor(DeviceOps.Rounded(k, x.Buffer!, format));
        return Autograd.RecordOnDevice(y, "Cast", [x], g => Autograd.AccumulateOnDevice(x, DeviceOps.Rounded(k, g, format)));
    }
}
