namespace Curriculum.Tensors;

/// <summary>Method and operator forms of the ops in <see cref="F"/>, as PyTorch offers them on tensors.</summary>
public sealed partial class Tensor
{
    public Tensor Add(Tensor other) => F.Add(this, other);
    public Tensor Sub(Tensor other) => F.Sub(this, other);
    public Tensor Mul(Tensor other) => F.Mul(this, other);
    public Tensor Div(Tensor other) => F.Div(this, other);
    public Tensor Mul(float alpha) => F.Scale(this, alpha);
    public Tensor MatMul(Tensor other) => F.MatMul(this, other);
    public Tensor Reshape(params int[] shape) => F.Reshape(this, shape);
    public Tensor View(params int[] shape) => F.Reshape(this, shape);
    public Tensor Transpose(int dim0, int dim1) => F.Transpose(this, dim0, dim1);
    public Tensor Permute(params int[] dims) => F.Permute(this, dims);
    public Tensor Sum() => F.Sum(this);
    public Tensor Sum(int dim, bool keepDim = false) => F.Sum(this, dim, keepDim);
    public Tensor Mean() => F.Mean(this);
    public Tensor Mean(int dim, bool keepDim = false) => F.Mean(this, dim, keepDim);
    public Tensor Softmax(int dim) => F.Softmax(this, dim);
    public Tensor LogSoftmax(int dim) => F.LogSoftmax(this, dim);
    public Tensor Relu() => F.Relu(this);
    public Tensor Tanh() => F.Tanh(this);
    public Tensor Exp() => F.Exp(this);
    public Tensor Log() => F.Log(this);
    public Tensor[] Split(int splitSize, int dim = 0) => F.Split(this, splitSize, dim);
    public Tensor IndexSelect(int dim, IntTensor index) => F.IndexSelect(this, dim, index);
    public Tensor Gather(int dim, IntTensor index) => F.Gather(this, dim, index);

    public static Tensor operator +(Tensor a, Tensor b) => F.Add(a, b);
    public static Tensor operator -(Tensor a, Tensor b) => F.Sub(a, b);
    public static Tensor operator *(Tensor a, Tensor b) => F.Mul(a, b);
    public static Tensor operator /(Tensor a, Tensor b) => F.Div(a, b);
    public static Tensor operator -(Tensor a) => F.Neg(a);
    public static Tensor operator *(Tensor a, float s) => F.Scale(a, s);
    public static Tensor operator *(float s, Tensor a) => F.Scale(a, s);
    public static Tensor operator /(Tensor a, float s) => F.Scale(a, 1f / s);
    public static Tensor operator +(Tensor a, float c) => F.AddScalar(a, c);
    public static Tensor operator -(Tensor a, float c) => F.AddScalar(a, -c);
}
