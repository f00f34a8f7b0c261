using Curriculum.Tensors.Kernels;

namespace Curriculum.Tensors;

/// <summary>Element-wise arithmetic with NumPy broadcasting (<c>torch.add/sub/mul/div</c>), and scalar forms.</summary>
public static partial class F
{
    enum BinaryOp { Add, Sub, Mul, Div }

    public static Tensor Add(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Add, "Add");
    public static Tensor Sub(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Sub, "Sub");
    public static Tensor Mul(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Mul, "Mul");
    public static Tensor Div(Tensor a, Tensor b) => Binary(a, b, BinaryOp.Div, "Div");

    static Tensor Binary(Tensor a, Tensor b, BinaryOp op, string name)
    {
        int[] sa = a.ShapeArray, sb = b.ShapeArray;
        var shape = Shapes.Broadcast(sa, sb, name);
        if (a.OnDevice || b.OnDevice) return BinaryOnDevice(a, b, op, name);
        var y = Tensor.Empty(shape);
        float[] ad = a.Data, bd = b.Data, yd = y.Data;
        if (Shapes.Equal(sa, sb))
        {
            Chunks.For(yd.Length, 65536, (s, e) =>
            {
                ReadOnlySpan<float> x1 = ad.AsSpan(s, e - s), x2 = bd.AsSpan(s, e - s);
                var o = yd.AsSpan(s, e - s);
                switch (op)
                {
                    case BinaryOp.Add: Elementwise.Add(x1, x2, o); break;
                    case BinaryOp.Mul: Elementwise.Mul(x1, x2, o); break;
                    case BinaryOp.Sub: for (int i = 0; i < o.Length; i++) o[i] = x1[i] - x2[i]; break;
                    default: for (int i = 0; i < o.Length; i++) o[i] = x1[i] / x2[i]; break;
                }
            });
        }
        else
        {
            var stA = Shapes.BroadcastStrides(sa, shape);
            var stB = Shapes.BroadcastStrides(sb, shape);
            int inner = shape.Length == 0 ? 1 : shape[^1];
            int ia = stA.Length == 0 ? 0 : stA[^1], ib = stB.Length == 0 ? 0 : stB[^1];
            Broadcasting.ForEachRow(shape, stA, stB, (o, oa, ob) =>
            {
                for (int j = 0; j < inner; j++)
                {
                    float x1 = ad[oa + j * ia], x2 = bd[ob + j * ib];
                    yd[o + j] = op switch
                    {
                        BinaryOp.Add => x1 + x2,
                        BinaryOp.Sub => x1 - x2,
                        BinaryOp.Mul => x1 * x2,
                        _ => x1 / x2,
                    };
                }
            });
        }
        if (op is BinaryOp.Add or BinaryOp.Sub)
        {
            // The gradient does not depend on the values: this closure keeps neither input's data alive.
            float sign = op == BinaryOp.Sub ? -1f : 1f;
            return Autograd.Record(y, name, [a, b], g =>
            {
                var ga = Autograd.GradBuffer(a);
                var gb = Autograd.GradBuffer(b);
                if (ga != null) Broadcasting.SumInto(g, shape, sa, ga);
                if (gb != null) Broadcasting.SumInto(g, shape, sb, gb, sign);
            });
        }
        return Autograd.Record(y, name, [a, b], g => MulDivBackward(g, a, b, shape, op == BinaryOp.Mul));
    }

    // The four on a device; each backward sums dY's share over the broadcast dimensions of each input.
    static Tensor BinaryOnDevice(Tensor a, Tensor b, BinaryOp op, string name)
    {
        var k = DeviceOps.KernelsOf(name, a, b);
        if (op is BinaryOp.Mul or BinaryOp.Div)
        {
            bool divide = op == BinaryOp.Div;
            var product = new Tensor(divide ? k.Div(a.Buffer!, b.Buffer!) : k.Mul(a.Buffer!, b.Buffer!));
            return Autograd.RecordOnDevice(product, name, [a, b], g =>
            {
                var (da, db) = k.MulDivBackward(g, a.Buffer!, b.Buffer!, divide, a.RequiresGrad, b.RequiresGrad);
                Autograd.AccumulateOnDevice(a, da);
                Autograd.AccumulateOnDevice(b, db);
            });
        }
        float sign = op == BinaryOp.Sub ? -1f : 1f;
        var y = new Tensor(k.Add(a.Buffer!, b.Buffer!, sign));
        return Autograd.RecordOnDevice(y, name, [a, b], g =>
        {
            if (a.RequiresGrad) Autograd.AccumulateOnDevice(a, k.SumToShape(g, a.ShapeArray, 1f));
            if (b.RequiresGrad) Autograd.AccumulateOnDevice(b, k.SumToShape(g, b.ShapeArray, sign));
        });
    }

    // d(a*b) = g*b da + g*a db;  d(a/b) = g/b da - g*a/b^2 db, each summed over the broadcast copies.
    static void MulDivBackward(float[] g, Tensor a, Tensor b, int[] shape, bool mul)
    {
        var ga = Autograd.GradBuffer(a);
        var gb = Autograd.GradBuffer(b);
        float[] ad = a.Data, bd = b.Data;
        var stA = Shapes.BroadcastStrides(a.ShapeArray, shape);
        var stB = Shapes.BroadcastStrides(b.ShapeArray, shape);
        int inner = shape.Length == 0 ? 1 : shape[^1];
        int ia = stA.Length == 0 ? 0 : stA[^1], ib = stB.Length == 0 ? 0 : stB[^1];
        Broadcasting.ForEachRow(shape, stA, stB, (o, oa, ob) =>
        {
            for (int j = 0; j < inner; j++)
            {
                float x1 = ad[oa + j * ia], x2 = bd[ob + j * ib], gj = g[o + j];
                if (mul)
                {
                    if (ga != null) ga[oa + j * ia] += gj * x2;
                    if (gb != null) gb[ob + j * ib] += gj * x1;
                }
                else
                {
                    if (ga != null) ga[oa + j * ia] += gj / x2;
                    if (gb != null) gb[ob + j * ib] -= gj * x1 / (x2 * x2);
                }
            }
        });
    }

    /// <summary>alpha · x (<c>x * alpha</c>).</summary>
    public static Tensor Scale(Tensor x, float alpha)
    {
        if (x.OnDevice) return ScaleOnDevice(x, alpha);
        var y = Tensor.Empty(x.ShapeArray);
        Elementwise.Scale(x.Data, alpha, y.Data);
        return Autograd.Record(y, "Scale", [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx != null) Elementwise.AddScaledInPlace(gx, g, alpha);
        });
    }

    static Tensor ScaleOnDevice(Tensor x, float alpha)
    {
        var k = DeviceOps.KernelsOf("Scale", x);
        return Autograd.RecordOnDevice(new Tensor(k.Scale(x.Buffer!, alpha)), "Scale", [x],
            g => Autograd.AccumulateOnDevice(x, k.Scale(g, alpha)));
    }

    /// <summary>x + c for a scalar c.</summary>
    public static Tensor AddScalar(Tensor x, float c)
    {
        if (x.OnDevice)
        {
            var k = DeviceOps.KernelsOf("AddScalar", x);
            return Autograd.RecordOnDevice(new Tensor(k.AddScalar(x.Buffer!, c)), "AddScalar", [x],
                g => Autograd.AccumulateOnDevice(x, g.Clone()));   // the tape frees g after this node
        }
        var y = Tensor.Empty(x.ShapeArray);
        float[] xd = x.Data, yd = y.Data;
        for (int i = 0; i < yd.Length; i++) yd[i] = xd[i] + c;
        return Autograd.Record(y, "AddScalar", [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx != null) Elementwise.AddInPlace(gx, g);
        });
    }

    public static Tensor Neg(Tensor x) => Scale(x, -1f);

    /// <summary>e^x</summary>
    public static Tensor Exp(Tensor x)
    {
        if (x.OnDevice)
        {
            var k = DeviceOps.KernelsOf("Exp", x);
            var e = new Tensor(k.Exp(x.Buffer!));
            return Autograd.RecordOnDevice(e, "Exp", [x], g => Autograd.AccumulateOnDevice(x, k.Mul(g, e.Buffer!)));   // g·eˣ
        }
        var y = Tensor.Empty(x.ShapeArray);
        float[] xd = x.Data, yd = y.Data;
        for (int i = 0; i < yd.Length; i++) yd[i] = MathF.Exp(xd[i]);
        return Autograd.Record(y, "Exp", [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx != null) Elementwise.MulAddInPlace(gx, g, yd);
        });
    }

    /// <summary>Natural logarithm.</summary>
    public static Tensor Log(Tensor x)
    {
        if (x.OnDevice)
        {
            var k = DeviceOps.KernelsOf("Log", x);
            return Autograd.RecordOnDevice(new Tensor(k.Log(x.Buffer!)), "Log", [x], g => Autograd.AccumulateOnDevice(x, k.Div(g, x.Buffer!)));   // g/x
        }
        var y = Tensor.Empty(x.ShapeArray);
        float[] xd = x.Data, yd = y.Data;
        for (int i = 0; i < yd.Length; i++) yd[i] = MathF.Log(xd[i]);
        return Autograd.Record(y, "Log", [x], g =>
        {
            var gx = Autograd.GradBuffer(x);
            if (gx != null) for (int i = 0; i < gx.Length; i++) gx[i] += g[i] / xd[i];
        });
    }
}
