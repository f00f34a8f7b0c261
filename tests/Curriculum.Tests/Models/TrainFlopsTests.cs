using Curriculum.Models;

namespace Curriculum.Tests.Models;

/// <summary>
/// The benchmark's FLOPs formula, 6·N·B·T + 12·L·B·T²·d, against a hand count of every matrix product in one
/// training step of the encoder: a product (m x k)(k x n) costs 2mkn forward and 4mkn backward (the input's and the
/// weight's gradient). The formula also counts 6 FLOPs per token for each parameter that is in no product
/// (position embeddings, biases, LayerNorms), and nothing else.
/// </summary>
public class TrainFlopsTests
{
    static double ForwardAndBackward(double m, double n, double k) => 3 * 2 * m * n * k;

    /// <summary>Every product of one step, written out from the model's structure.</summary>
    static double HandCount(BenchmarkEncoderConfig c)
    {
        double rows = (double)c.Batch * c.Context, dh = c.Dim / c.Heads;
        double block =
            ForwardAndBackward(rows, 3 * c.Dim, c.Dim)                            // qkv: (B·T, d) x (d, 3d)
            + c.Batch * c.Heads * ForwardAndBackward(c.Context, c.Context, dh)   // scores Q Kᵀ per head: (T, dh) x (dh, T)
            + c.Batch * c.Heads * ForwardAndBackward(c.Context, dh, c.Context)   // P V per head: (T, T) x (T, dh)
            + ForwardAndBackward(rows, c.Dim, c.Dim)                             // proj
            + ForwardAndBackward(rows, c.Ffn, c.Dim)                             // fc1
            + ForwardAndBackward(rows, c.Dim, c.Ffn);                            // fc2
        return c.Layers * block + ForwardAndBackward(rows, c.Vocab, c.Dim);      // + the tied output head
    }

    static readonly string[] ProductWeights = ["tok.weight", "qkv.weight", "proj.weight", "fc1.weight", "fc2.weight"];

    [Theory]
    [InlineData("tiny")]
    [InlineData("small")]
    [InlineData("base")]
    public void FormulaIsTheHandCountPlusSixFlopsPerTokenForParametersOutsideProducts(string name)
    {
        var c = BenchmarkEncoderConfig.Named(name);
        var model = new BenchmarkEncoder(c);
        long outside = model.NamedParameters().Where(p => !ProductWeights.Any(w => p.Name.EndsWith(w, StringComparison.Ordinal)))
            .Sum(p => (long)p.Parameter.Numel);
        double tokens = (double)c.Batch * c.Context;
        Assert.Equal(HandCount(c) + 6 * tokens * outside, c.TrainFlopsPerStep(model.NumParameters()));
        Assert.InRange(6 * tokens * outside / c.TrainFlopsPerStep(model.NumParameters()), 0, 0.025);   // the formula's overcount
    }

    [Fact]
    public void TinyHandCountIsTheArithmeticWrittenOut()
    {
        // By hand for tiny (V 4096, T 128, d 128, 2 layers, ffn 512, batch 16): products 917,504 weights x 6 x 2,048 tokens
        // = 11.27 GFLOP, attention 12 x 2 x 16 x 128² x 128 = 0.81 GFLOP.
        var c = BenchmarkEncoderConfig.Tiny;
        Assert.Equal(6.0 * 917_504 * 2048 + 12.0 * 2 * 16 * 128 * 128 * 128, HandCount(c));
    }
}
