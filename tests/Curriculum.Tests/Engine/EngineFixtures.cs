using Curriculum.Tensors;

namespace Curriculum.Tests.Engine;

/// <summary>The PyTorch reference files (tools/torch_fixtures/make_engine_fixtures.py) and comparisons against them.</summary>
static class EngineFixtures
{
    static readonly Lazy<SafeTensorsFile> _ops = new(() => Load("ops.safetensors"));
    static readonly Lazy<SafeTensorsFile> _encoder = new(() => Load("encoder_step.safetensors"));
    static readonly Lazy<SafeTensorsFile> _optim = new(() => Load("optim.safetensors"));

    public static SafeTensorsFile Ops => _ops.Value;
    public static SafeTensorsFile EncoderStep => _encoder.Value;
    public static SafeTensorsFile Optim => _optim.Value;

    static SafeTensorsFile Load(string name) => SafeTensors.Load(Path.Combine(RepoPaths.Fixtures, "engine", name));

    /// <summary>
    /// Element-wise |actual - expected| ≤ rtol·(|expected| + 0.01·max|expected|): 1e-4 relative, with a floor at
    /// 1% of the tensor's largest magnitude for elements that are near zero by cancellation.
    /// </summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what, double rtol = 1e-4)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {Shapes.Text(actual.Shape)} != expected {Shapes.Text(expected.Shape)}");
        AssertClose(expected.Data, actual.Data, what, rtol);
    }

    public static void AssertClose(float[] expected, float[] actual, string what, double rtol = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        foreach (var v in expected) if (float.IsFinite(v)) max = Math.Max(max, Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsInfinity(e)) { Assert.True(e == a, $"{what}[{i}]: {a} != {e}"); continue; }
            double tol = rtol * (Math.Abs(e) + 0.01 * max);
            Assert.True(Math.Abs(a - e) <= tol, $"{what}[{i}]: {a} vs PyTorch {e} (|diff| {Math.Abs(a - e):G3} > {tol:G3})");
        }
    }
}
