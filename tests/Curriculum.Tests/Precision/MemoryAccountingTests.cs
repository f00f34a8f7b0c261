using Curriculum.Precision;

namespace Curriculum.Tests.Precision;

/// <summary>
/// Memory accounting against PyTorch (parameter counts and the bytes autograd saves for backward, fixture
/// memory.json), against Korthikanti et al. 2022 section 4.1, and against a hand-worked example.
/// </summary>
public class MemoryAccountingTests
{
    static readonly Dictionary<string, TransformerShape> Benchmarks = new()
    {
        ["tiny"] = TransformerShape.Tiny, ["small"] = TransformerShape.Small, ["base"] = TransformerShape.Base,
    };

    [Theory]
    [InlineData("tiny")]
    [InlineData("small")]
    [InlineData("base")]
    public void Parameters_and_saved_activations_match_torch(string name)
    {
        var t = PrecisionFixtures.Load("memory.json").GetProperty("configs").GetProperty(name);
        var shape = Benchmarks[name];
        var c = t.GetProperty("config").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(new TransformerShape(c[0], c[1], c[2], c[3], c[4], c[5], c[6]), shape);
        Assert.Equal(t.GetProperty("params").GetInt64(), shape.ParameterCount);

        // fp32 model: every tensor autograd saved, in bytes.
        var fp32 = MemoryAccounting.Estimate(shape, PrecisionPolicy.Fp32);
        Assert.Equal(t.GetProperty("saved_fp32").GetProperty("float32").GetInt64(), fp32.Activations);
        Assert.Equal(0, fp32.RecomputedActivations);

        // torch.utils.checkpoint around each block: the block inputs and the head's tensors.
        var ckpt = MemoryAccounting.Estimate(shape, PrecisionPolicy.Fp32, checkpointing: true);
        Assert.Equal(t.GetProperty("saved_fp32_checkpointed").GetProperty("float32").GetInt64(), ckpt.Activations);

        // model.bfloat16() with the loss in fp32: the split by format as well as the total.
        var bf16 = MemoryAccounting.Estimate(shape, PrecisionPolicy.Bf16Everywhere);
        var saved = t.GetProperty("saved_bf16_model");
        Assert.Equal(saved.GetProperty("bfloat16").GetInt64(), bf16.ActivationBytesIn(FloatFormat.Bf16));
        Assert.Equal(saved.GetProperty("float32").GetInt64(), bf16.ActivationBytesIn(FloatFormat.Fp32));
    }

    [Fact]
    public void Korthikanti_formula_worked_by_hand()
    {
        // tiny: s = 128, b = 16, h = 128, a = 4: sbh = 262144; 34·262144 + 5·4·128²·16 = 8912896 + 5242880
        Assert.Equal(14_155_776, MemoryAccounting.KorthikantiBytesPerLayer(128, 16, 128, 4));
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("small")]
    [InlineData("base")]
    public void All_16_bit_block_is_the_paper_formula_less_dropout(string name)
    {
        var shape = Benchmarks[name];
        Assert.Equal(4 * shape.Dim, shape.Ffn); // the paper's 4h MLP
        long s = shape.Context, b = shape.Batch, h = shape.Dim, a = shape.Heads;
        long ours = 0;
        foreach (var item in MemoryAccounting.BlockItems(shape, PrecisionPolicy.Uniform(FloatFormat.Fp16)))
            if (!item.Name.Contains("mean")) ours += item.Bytes; // the paper leaves out layer-norm statistics
        // Paper, section 4.1, counts what this model lacks: dropout masks after attention softmax (as²b bytes), after the
        // attention projection and after the MLP (sbh each), and attention dropout's 16-bit output (2as²b).
        long dropout = a * s * s * b + 2 * s * b * h + 2 * a * s * s * b;
        Assert.Equal(MemoryAccounting.KorthikantiBytesPerLayer(s, b, h, a), ours + dropout);
    }

    [Fact]
    public void Hand_worked_bf16_autocast_step()
    {
        // V 10, T 4, d 8, 1 layer, 2 heads, ffn 16, batch 2.
        // Parameters: tok 80 + pos 32 + block (LN 32 + QKV 216 + proj 72 + MLP 280 = 600) + final LN 16 = 728;
        // in matrix products: 80 + 600 - 32 = 648.
        var shape = new TransformerShape(10, 4, 8, 1, 2, 16, 2);
        Assert.Equal(728, shape.ParameterCount);
        Assert.Equal(648, shape.MatMulParameterCount);
        var e = MemoryAccounting.Estimate(shape, PrecisionPolicy.Bf16Autocast);
        Assert.Equal(728 * 4, e.Parameters);
        Assert.Equal(648 * 2, e.ParameterCopies);      // bf16 copies of the matrix-product weights
        Assert.Equal(728 * 4, e.Gradients);
        Assert.Equal(2 * 728 * 4, e.OptimizerState);   // AdamW exp_avg + exp_avg_sq in fp32
        // sb 8, sbh 64, sbf 128, as²b 64. Block: LN inputs 2·64·4 + LN stats 2·16·4 + QKV input 64·2 + Q,K,V 192·2
        // + P fp32 64·4 + P bf16 copy 64·2 + projection input 64·2 + MLP input 64·2 + GELU input 128·2 + fc2 input 128·2 = 2304.
        // Head: final LN input 64·4 + stats 16·4 + head input 64·2 + log-probs 80·4 = 768.
        Assert.Equal(2304 + 768, e.Activations);
        Assert.Equal(2912 + 1296 + 2912 + 5824 + 3072, e.Total);

        var ckpt = MemoryAccounting.Estimate(shape, PrecisionPolicy.Bf16Autocast, checkpointing: true);
        Assert.Equal(64 * 4 + 768, ckpt.Activations); // fp32 block input + head
        Assert.Equal(2304, ckpt.RecomputedActivations); // one block rebuilt in backward
        Assert.Equal(e.ModelState, ckpt.ModelState);
    }

    [Fact]
    public void Model_state_per_parameter_by_precision()
    {
        var shape = TransformerShape.Small;
        long p = shape.ParameterCount;
        Assert.Equal(16 * p, MemoryAccounting.Estimate(shape, PrecisionPolicy.Fp32).ModelState);        // 4 + 4 + 2·4
        Assert.Equal(8 * p, MemoryAccounting.Estimate(shape, PrecisionPolicy.Fp16Everywhere).ModelState); // 2 + 2 + 2·2
        Assert.Equal(16 * p + 2 * shape.MatMulParameterCount, MemoryAccounting.Estimate(shape, PrecisionPolicy.Bf16Autocast).ModelState);
    }

    [Fact]
    public void Bad_shapes_name_the_field()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => MemoryAccounting.Estimate(TransformerShape.Tiny with { Batch = 0 }, PrecisionPolicy.Fp32));
        Assert.Contains("Batch", e.Message);
        var h = Assert.Throws<ArgumentException>(() => MemoryAccounting.Estimate(TransformerShape.Tiny with { Heads = 3 }, PrecisionPolicy.Fp32));
        Assert.Contains("Heads", h.Message);
    }
}
