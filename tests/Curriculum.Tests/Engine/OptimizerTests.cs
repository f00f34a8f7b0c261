using Curriculum.Optim;
using Curriculum.Tensors;

namespace Curriculum.Tests.Engine;

/// <summary>SGD, AdamW (parameter groups) and global-norm clipping over three steps against torch.optim.</summary>
public class OptimizerTests
{
    static Tensor[] Params() => [EngineFixtures.Optim.Tensors["p0"].Clone().RequiresGrad_(), EngineFixtures.Optim.Tensors["p1"].Clone().RequiresGrad_()];

    static void Run(string name, Tensor[] ps, Optimizer opt, float? clip = null)
    {
        var f = EngineFixtures.Optim.Tensors;
        for (int k = 0; k < 3; k++)
        {
            for (int i = 0; i < ps.Length; i++) ps[i].Grad = f[$"g{k}.p{i}"].Clone();
            if (clip != null)
            {
                float norm = GradientClipping.ClipGradNorm(ps, clip.Value);
                EngineFixtures.AssertClose(f[$"{name}.norm{k}"].Data, [norm], $"{name} norm {k}");
            }
            opt.Step();
            for (int i = 0; i < ps.Length; i++) EngineFixtures.AssertClose(f[$"{name}.step{k}.p{i}"], ps[i], $"{name} step {k} p{i}");
        }
    }

    [Fact]
    public void SgdWithMomentumAndWeightDecayMatchesPyTorch()
    {
        var ps = Params();
        Run("sgd", ps, new SGD(ps, lr: 0.1f, momentum: 0.9f, weightDecay: 0.01f));
    }

    [Fact]
    public void SgdNesterovMatchesPyTorch()
    {
        var ps = Params();
        Run("sgd_nesterov", ps, new SGD(ps, lr: 0.1f, momentum: 0.9f, nesterov: true));
    }

    [Fact]
    public void AdamWWithParameterGroupsMatchesPyTorch()
    {
        var ps = Params();
        var opt = new AdamW([new ParamGroup([ps[0]]), new ParamGroup([ps[1]]) { WeightDecay = 0f }], lr: 0.01f, beta1: 0.9f, beta2: 0.95f, weightDecay: 0.1f);
        Run("adamw_groups", ps, opt);
    }

    [Fact]
    public void ClipGradNormMatchesPyTorch()
    {
        var ps = Params();
        Run("adamw_clip", ps, new AdamW(ps, lr: 0.01f), clip: 1.5f);
    }

    [Fact]
    public void ClipGradNormOnNonFiniteReturnsItAndLeavesGradients()
    {
        var p = Tensor.Zeros(3).RequiresGrad_();
        p.Grad = Tensor.FromArray([1f, float.NaN, 2f]);
        Assert.True(float.IsNaN(GradientClipping.ClipGradNorm([p], 1f)));
        Assert.Equal(1f, p.Grad.Data[0]);
        Assert.False(GradientClipping.GradientsFinite([p]));
    }

    [Fact]
    public void StateDictRoundTripContinuesIdentically()
    {
        // Three steps straight vs. one step, save state (model and optimizer) to files, load into fresh objects, two more.
        var f = EngineFixtures.Optim.Tensors;
        var a = Params();
        var optA = new AdamW(a, lr: 0.01f);
        var b = Params();
        var optB = new AdamW(b, lr: 0.01f);
        void Step(Tensor[] ps, Optimizer o, int k) { for (int i = 0; i < ps.Length; i++) ps[i].Grad = f[$"g{k}.p{i}"].Clone(); o.Step(); }
        for (int k = 0; k < 3; k++) Step(a, optA, k);
        Step(b, optB, 0);
        string path = Path.Combine(Path.GetTempPath(), $"adamw-{Guid.NewGuid():N}.safetensors");
        try
        {
            optB.Save(path);
            var c = new[] { b[0].Clone().RequiresGrad_(), b[1].Clone().RequiresGrad_() };
            var optC = new AdamW(c, lr: 0.01f);
            optC.Load(path);
            for (int k = 1; k < 3; k++) Step(c, optC, k);
            for (int i = 0; i < 2; i++) Assert.Equal(a[i].Data, c[i].Data);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void LoadStateDictWithWrongShapeThrowsAndKeepsState()
    {
        var ps = Params();
        var opt = new AdamW(ps);
        ps[0].Grad = Tensor.Ones(4, 3); ps[1].Grad = Tensor.Ones(5);
        opt.Step();
        var state = opt.StateDict();
        var bad = new Dictionary<string, Tensor>(state) { ["state.0.exp_avg"] = Tensor.Zeros(3, 4) };
        var e = Assert.Throws<InvalidDataException>(() => opt.LoadStateDict(bad));
        Assert.Contains("state.0.exp_avg", e.Message);
        Assert.Equal(state["state.0.exp_avg"].Data, opt.StateDict()["state.0.exp_avg"].Data);
    }

    [Fact]
    public void FrozenParameterIsNotUpdated()
    {
        var ps = Params();
        ps[1].RequiresGrad = false;
        var before = ps[1].ToArray();
        var opt = new AdamW(ps, lr: 0.1f);
        var loss = (ps[0].Sum() * ps[1].Sum()).Sum();
        loss.Backward();
        Assert.Null(ps[1].Grad);
        opt.Step();
        Assert.Equal(before, ps[1].Data);
    }
}
