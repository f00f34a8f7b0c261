using Curriculum.Models;
using Curriculum.Tensors;

namespace Curriculum.Tests.Models;

/// <summary>Forward and backward of each model against an independent PyTorch implementation (float64 there, float32 here).</summary>
public class ModelsAgainstTorchTests
{
    const int D = 48, H = 3, T = 19, V = 97, L = 2, FF = 80;

    [Fact]
    public void Bert_mlm_and_nsp_losses_and_every_gradient_match_pytorch()
    {
        var f = ModelFixtures.Load("bert.safetensors");
        var model = new BertForPreTraining(new BertConfig(V, T, D, L, H, FF));
        model.LoadStateDict(ModelFixtures.Parameters(f), "bert.safetensors");
        var i = f.IntTensors;
        var output = model.Forward(i["input.ids"], i["input.types"], i["input.keep"], i["input.mlm_labels"], i["input.nsp_labels"].Data);
        ModelFixtures.AssertScalar(f, "loss.mlm", output.MlmLoss);
        ModelFixtures.AssertScalar(f, "loss.nsp", output.NspLoss);
        output.Loss.Backward();
        ModelFixtures.AssertGradients(f, model);
    }

    [Fact]
    public void Gpt_causal_loss_and_every_gradient_match_pytorch_and_the_prefix_lm_loss_too()
    {
        var f = ModelFixtures.Load("gpt.safetensors");
        var model = new GptModel(new GptConfig(V, T + 5, D, L, H, FF));
        model.LoadStateDict(ModelFixtures.Parameters(f), "gpt.safetensors");
        var i = f.IntTensors;
        var loss = model.Loss(i["input.ids"], i["input.targets"]);
        ModelFixtures.AssertScalar(f, "loss.causal", loss);
        loss.Backward();
        ModelFixtures.AssertGradients(f, model);
        using (Autograd.NoGrad())
        {
            var mask = AttentionMasks.PrefixLm(i["input.prefix"].Data, T);
            ModelFixtures.AssertScalar(f, "loss.prefix", model.Loss(i["input.ids"], i["input.targets"], attnMask: mask, isCausal: false));
        }
    }

    [Theory]
    [InlineData("nano")]
    [InlineData("tiny")]
    [InlineData("small")]
    [InlineData("base")]
    public void Parameter_counts_of_the_named_configs_equal_pytorchs(string name)
    {
        var counts = ModelFixtures.Load("counts.safetensors").IntTensors;
        var bert = BertConfig.Named(name);
        var gpt = GptConfig.Named(name);
        Assert.Equal(counts[$"count.bert.{name}"].Data[0], bert.ParameterCount());
        Assert.Equal(counts[$"count.gpt.{name}"].Data[0], gpt.ParameterCount());
        Assert.Equal(bert.ParameterCount(), new BertForPreTraining(bert).NumParameters());
        Assert.Equal(gpt.ParameterCount(), new GptModel(gpt).NumParameters());
    }
}
