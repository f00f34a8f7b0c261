namespace Curriculum.Tensors;

/// <summary>Copies between devices (<c>tensor.to(device)</c>), recorded on the tape: the gradient is copied back.</summary>
public static partial class F
{
    /// <summary>x copied to <paramref name="device"/>, same shape; x itself when it is already there.</summary>
    public static Tensor To(Tensor x, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var from = x.Device;
        if (device == from) return x;
        int[] shape = x.ShapeArray;
        if (device.Kernels is { } kernels)
        {
            // cpu or another device -> device; dY arrives on the device and goes back to where x lives.
            var y = new Tensor(kernels.FromHost(x.HostData(), shape));
            return Autograd.RecordOnDevice(y, "To", [x], g =>
            {
                if (x.OnDevice) Autograd.AccumulateOnDevice(x, from.Kernels!.FromHost(g.ToArray(), shape));
                else Autograd.AccumulateOwned(x, g.ToArray());
            });
        }
        // device -> cpu: dY is a host array, copied to x's device.
        var host = new Tensor(x.ToArray(), shape);
        return Autograd.Record(host, "To", [x], g => Autograd.AccumulateOnDevice(x, from.Kernels!.FromHost(g, shape)));
    }
}
