using Curriculum.Models;
using Curriculum.Optim;
using Curriculum.Tensors;

namespace Curriculum.Tests.Engine;

/// <summary>
/// One and two full training steps of the anchor's encoder (d=48, 3 heads, T=19, V=97, 2 layers, ffn 80, batch 2)
/// against PyTorch: logits, loss, every parameter's gradient, and the parameters after AdamW.
/// </summary>
public class EncoderStepTests
{
    static readonly BenchmarkEncoderConfig Config = new(97, 19, 48, 2, 3, 80, 2);

    static Dictionary<string, Tensor> WithPrefix(string prefix) => EngineFixtures.EncoderStep.Tensors
        .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
        .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    [Fact]
    public void ParameterNamesMatchPyTorchStateDict()
    {
        var model = new BenchmarkEncoder(Config);
        Assert.Equal(WithPrefix("param.").Keys.Order(StringComparer.Ordinal), model.NamedParameters().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("tok.weight", model.NamedParameters().First().Name);
        Assert.Contains(model.NamedParameters(), p => p.Name == "blocks.1.qkv.weight" && p.Parameter.Shape.SequenceEqual([144, 48]));
    }

    [Fact]
    public void TrainingStepMatchesPyTorch()
    {
        var f = EngineFixtures.EncoderStep;
        var model = new BenchmarkEncoder(Config);
        model.LoadStateDict(WithPrefix("param."));
        var opt = new AdamW(model.Parameters(), lr: 1e-3f, weightDecay: 0.01f);
        IntTensor x = f.IntTensors["x"], y = f.IntTensors["y"];
        for (int step = 1; step <= 2; step++)
        {
            var logits = model.Forward(x);
            var loss = F.CrossEntropy(logits.Reshape(-1, Config.Vocab), y.Reshape(-1));
            opt.ZeroGrad();
            loss.Backward();
            if (step == 1)
            {
                EngineFixtures.AssertClose(f.Tensors["logits"], logits, "logits");
                EngineFixtures.AssertClose(f.Tensors["loss"].Data, [loss.Item()], "loss");
                foreach (var (n, p) in model.NamedParameters())
                    EngineFixtures.AssertClose(f.Tensors["grad." + n], p.Grad!, "grad " + n);
            }
            opt.Step();
            foreach (var (n, p) in model.NamedParameters())
            {
                if (!n.EndsWith("qkv.bias", StringComparison.Ordinal))
                {
                    EngineFixtures.AssertClose(f.Tensors[$"after{step}.{n}"], p, $"step {step} {n}");
                    continue;
                }
                // The key bias adds q·b_k to a whole row of scores, which softmax ignores: its gradient is zero in
                // exact arithmetic (PyTorch's float64: ~1e-18), so AdamW's m/(√v+ε) step on it is set by rounding
                // noise. Compare the query and value biases at 1e-4; the key bias may only have moved by at most lr.
                int d = Config.Dim;
                var expected = f.Tensors[$"after{step}.{n}"].Data;
                EngineFixtures.AssertClose(expected[..d], p.Data[..d], $"step {step} {n} (query part)");
                EngineFixtures.AssertClose(expected[(2 * d)..], p.Data[(2 * d)..], $"step {step} {n} (value part)");
                for (int i = d; i < 2 * d; i++)
                    Assert.True(Math.Abs(p.Data[i] - expected[i]) <= step * 1e-3 * 1.01, $"step {step} {n}[{i}] moved more than lr");
            }
        }
    }

    [Fact]
    public void FusedHeadAndLossMatchesPyTorch()
    {
        // BenchmarkEncoder.Loss fuses the tied head into the cross-entropy (F.LinearCrossEntropy).
        var f = EngineFixtures.EncoderStep;
        var model = new BenchmarkEncoder(Config);
        model.LoadStateDict(WithPrefix("param."));
        var loss = model.Loss(f.IntTensors["x"], f.IntTensors["y"]);
        loss.Backward();
        EngineFixtures.AssertClose(f.Tensors["loss"].Data, [loss.Item()], "loss");
        foreach (var (n, p) in model.NamedParameters())
            EngineFixtures.AssertClose(f.Tensors["grad." + n], p.Grad!, "grad " + n);
    }
}
