using Curriculum.Models;
using Curriculum.NN;
using Curriculum.Optim;
using Curriculum.Tensors;

namespace Curriculum.Tests.Adaptation;

public class LoraTests
{
    static readonly GptConfig Config = new(VocabSize: 40, MaxPositions: 16, Dim: 16, Layers: 2, Heads: 2, FfnDim: 32);
    static readonly IntTensor Ids = new([1, 5, 9, 2, 7, 3, 8, 4, 6, 1, 2, 3, 11, 13, 17, 19], 2, 8);
    static readonly IntTensor Targets = new([5, 9, 2, 7, 3, 8, 4, 6, 2, 3, 11, 13, 17, 19, 23, 29], 2, 8);

    static GptModel Gpt(ulong seed) => new(Config, new Generator(seed));

    /// <summary>Trains the LoRA parameters of <paramref name="model"/> a few steps so that B is no longer zero.</summary>
    static void TrainAdapters(GptModel model, int steps = 5)
    {
        var opt = new AdamW(FineTuning.TrainableParameters(model), lr: 1e-2f, weightDecay: 0f);
        for (int s = 0; s < steps; s++)
        {
            var loss = model.Loss(Ids, Targets);
            model.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
    }

    [Fact]
    public void With_B_zero_the_adapted_model_computes_exactly_what_the_base_model_does()
    {
        var baseModel = Gpt(1);
        var expected = baseModel.Forward(Ids).ToArray();
        var adapted = Gpt(1);
        var adapters = Lora.Apply(adapted, new LoraConfig(4, 8, ["qkv", "proj", "fc1", "fc2"]), new Generator(5));
        Assert.Equal(8, adapters.Count);
        foreach (var (_, a) in adapters)
        {
            Assert.All(a.B.Data, v => Assert.Equal(0f, v));
            Assert.Contains(a.A.Data, v => v != 0f);
        }
        Assert.Equal(expected, adapted.Forward(Ids).ToArray());   // bit for bit: the bypass adds exact zeros
    }

    [Fact]
    public void Only_A_and_B_receive_gradients_and_the_base_weights_do_not_move()
    {
        var model = Gpt(2);
        var before = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        Lora.Apply(model, new LoraConfig(2, 4, LoraConfig.AttentionTargets), new Generator(3));
        var loss = model.Loss(Ids, Targets);
        loss.Backward();
        foreach (var (name, p) in model.NamedParameters())
        {
            bool isLora = name.Contains(".lora.");
            Assert.Equal(isLora, p.RequiresGrad);
            if (!isLora) Assert.Null(p.Grad);
        }
        // B = 0, so A's gradient s·Bᵀ(gᵀx) is exactly zero on the first step while B's is not
        foreach (var (_, a) in Lora.Adapters(model))
        {
            Assert.All(a.A.Grad!.Data, v => Assert.Equal(0f, v));
            Assert.Contains(a.B.Grad!.Data, v => v != 0f);
        }
        TrainAdapters(model);
        foreach (var (name, p) in model.NamedParameters())
            if (!name.Contains(".lora.")) Assert.Equal(before[name], p.ToArray());
    }

    [Fact]
    public void Adapter_gradients_match_central_finite_differences()
    {
        // One adapted layer (W, b frozen), loss = Σ y², every entry of A and B perturbed by ±h.
        var layer = new Linear(5, 3, true, new Generator(11));
        var lora = new LoraAdapter(layer, rank: 2, alpha: 3f, LoraInit.Gaussian, generator: new Generator(12));
        layer.AttachAdapter("lora", lora);
        layer.Weight.RequiresGrad = false;
        layer.Bias!.RequiresGrad = false;
        new Generator(13).FillNormal(lora.B.Data, 0f, 0.5f);    // B ≠ 0 so both gradients are non-trivial
        var x = Tensor.Randn([4, 5], new Generator(14));
        float Loss()
        {
            using var _ = Autograd.NoGrad();
            var y = layer.Forward(x);
            return (y * y).Sum().Item();
        }
        var l = layer.Forward(x);
        (l * l).Sum().Backward();
        const float h = 1e-2f;
        foreach (var p in new[] { lora.A, lora.B })
            for (int i = 0; i < p.Numel; i++)
            {
                float keep = p.Data[i];
                p.Data[i] = keep + h; float up = Loss();
                p.Data[i] = keep - h; float down = Loss();
                p.Data[i] = keep;
                float numeric = (up - down) / (2 * h);
                Assert.True(Math.Abs(numeric - p.Grad!.Data[i]) <= 2e-2f * (1 + Math.Abs(numeric)), $"entry {i}: analytic {p.Grad!.Data[i]}, numeric {numeric}");
            }
        Assert.Null(layer.Weight.Grad);
    }

    [Fact]
    public void Merged_and_unmerged_outputs_agree_and_unmerge_restores_the_weight()
    {
        var model = Gpt(3);
        var baseWeight = model.Blocks[0].Qkv.Weight.ToArray();
        Lora.Apply(model, new LoraConfig(4, 8, LoraConfig.AttentionTargets) { Init = LoraInit.KaimingUniform }, new Generator(4));
        TrainAdapters(model);
        var unmerged = model.Forward(Ids).ToArray();
        Lora.Merge(model);
        var merged = model.Forward(Ids).ToArray();
        for (int i = 0; i < merged.Length; i++) Assert.True(Math.Abs(merged[i] - unmerged[i]) < 1e-4f, $"logit {i}: merged {merged[i]} vs {unmerged[i]}");
        // W + ΔW really differs from W: the adapters learned something
        Assert.Contains(model.Blocks[0].Qkv.Weight.Data.Zip(baseWeight), p => Math.Abs(p.First - p.Second) > 1e-4f);

        // a plain model loaded with the merged state dict gives the same logits
        var plain = Gpt(99);
        plain.LoadStateDict(Lora.MergedStateDict(model));
        var exported = plain.Forward(Ids).ToArray();
        for (int i = 0; i < merged.Length; i++) Assert.True(Math.Abs(exported[i] - unmerged[i]) < 1e-4f);

        Lora.Unmerge(model);
        var again = model.Forward(Ids).ToArray();
        for (int i = 0; i < again.Length; i++) Assert.True(Math.Abs(again[i] - unmerged[i]) < 1e-4f);
        var w = model.Blocks[0].Qkv.Weight.Data;
        for (int i = 0; i < w.Length; i++) Assert.True(Math.Abs(w[i] - baseWeight[i]) < 1e-6f);
        Assert.Throws<InvalidOperationException>(() => Lora.Unmerge(model));
    }

    [Fact]
    public void Trainable_parameter_count_is_r_times_in_plus_out_per_adapted_layer()
    {
        // qkv: 16 -> 48, proj: 16 -> 16; r = 4: 4·(16+48) + 4·(16+16) = 384 per block, 768 for two blocks
        var model = Gpt(4);
        long total = model.NumParameters();
        Lora.Apply(model, new LoraConfig(4, 8, ["qkv", "proj"]));
        Assert.Equal(768, FineTuning.TrainableParameters(model).Sum(p => (long)p.Numel));
        Assert.Equal(total + 768, model.NumParameters());

        // with a new head kept trainable (modules_to_save): + 16·2 weights + 2 biases
        var clf = new GptForSequenceClassification(Gpt(4), 2);
        Lora.Apply(clf, new LoraConfig(4, 8, ["qkv", "proj"]) { Trainable = ["classifier"] });
        Assert.Equal(768 + 34, FineTuning.TrainableParameters(clf).Sum(p => (long)p.Numel));
    }

    [Fact]
    public void Targets_by_suffix_or_wildcard_and_a_target_that_matches_nothing_is_named()
    {
        Assert.True(ModuleTree.Matches("blocks.0.qkv", "qkv"));
        Assert.True(ModuleTree.Matches("gpt.blocks.1.fc1", "blocks.1.fc1"));
        Assert.False(ModuleTree.Matches("blocks.0.xqkv", "qkv"));
        Assert.True(ModuleTree.Matches("blocks.1.fc2", "blocks.1.*"));
        Assert.False(ModuleTree.Matches("blocks.1.fc2", "*.fc?"));   // only * is special
        Assert.True(ModuleTree.Matches("gpt.blocks.0.fc1", "*fc1"));
        Assert.False(ModuleTree.Matches("blocks.0.fc1", "blocks.1.*"));

        var model = Gpt(5);
        var adapters = Lora.Apply(model, new LoraConfig(2, 2, ["blocks.1.*"]));
        Assert.Equal(["blocks.1.qkv", "blocks.1.proj", "blocks.1.fc1", "blocks.1.fc2"], adapters.Select(a => a.Name));

        var e = Assert.Throws<ArgumentException>(() => Lora.Apply(Gpt(6), new LoraConfig(2, 2, ["query"])));
        Assert.Contains("'query'", e.Message);
        Assert.Contains("blocks.0.qkv", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoraAdapter(new Linear(2, 2), 0, 1f));
    }
}
