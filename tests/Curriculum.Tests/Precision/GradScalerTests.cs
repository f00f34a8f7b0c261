using Curriculum.Precision;

namespace Curriculum.Tests.Precision;

/// <summary>
/// Dynamic loss scaling against torch.cuda.amp.GradScaler: its own Python code run step by step on CPU with its CUDA
/// kernels transliterated (fixture grad_scaler.json), and PyTorch's documented defaults worked by hand.
/// </summary>
public class GradScalerTests
{
    [Fact]
    public void Follows_torch_GradScaler_step_by_step()
    {
        var runs = PrecisionFixtures.Load("grad_scaler.json").GetProperty("runs");
        Assert.Equal(2, runs.GetArrayLength());
        foreach (var run in runs.EnumerateArray())
        {
            var scaler = new GradScaler(run.GetProperty("init_scale").GetSingle(), run.GetProperty("growth_factor").GetSingle(),
                run.GetProperty("backoff_factor").GetSingle(), run.GetProperty("growth_interval").GetInt32());
            int step = 0;
            foreach (var s in run.GetProperty("steps").EnumerateArray())
            {
                string at = $"{run.GetProperty("pattern").GetString()} step {step++}";
                Assert.True(s.GetProperty("scale_used").GetSingle() == scaler.CurrentScale, at);
                float loss = s.GetProperty("loss").GetSingle();
                Assert.True(loss * s.GetProperty("scale_used").GetSingle() == scaler.Scale(loss), at);
                var grad = s.GetProperty("scaled_grad").EnumerateArray().Select(PrecisionFixtures.Float).ToArray();
                bool found = scaler.UnscaleAndCheck([grad.AsMemory()]);
                var unscaled = s.GetProperty("unscaled_grad").EnumerateArray().Select(PrecisionFixtures.Float).ToArray();
                Assert.True(unscaled.SequenceEqual(grad), $"{at}: unscaled [{string.Join(", ", grad)}], torch [{string.Join(", ", unscaled)}]");
                Assert.True(s.GetProperty("stepped").GetBoolean() == !found, at);
                scaler.Update();
                Assert.True(s.GetProperty("scale_after").GetSingle() == scaler.CurrentScale, $"{at}: scale {scaler.CurrentScale}");
                Assert.True(s.GetProperty("growth_tracker_after").GetInt32() == scaler.GrowthTracker, at);
            }
        }
    }

    [Fact]
    public void Default_schedule_halves_on_overflow_and_doubles_after_2000_clean_steps()
    {
        var scaler = new GradScaler(); // init_scale 2^16, growth 2, backoff 0.5, interval 2000
        Assert.Equal(65536f, scaler.CurrentScale);
        var g = new float[] { 1f, float.PositiveInfinity };
        Assert.True(scaler.UnscaleAndCheck([g.AsMemory()])); // overflow: skip the step
        scaler.Update();
        Assert.Equal(32768f, scaler.CurrentScale);
        for (int i = 1; i <= 2000; i++)
        {
            Assert.False(scaler.UnscaleAndCheck([new float[] { 3f }.AsMemory()]));
            scaler.Update();
            Assert.Equal(i < 2000 ? 32768f : 65536f, scaler.CurrentScale);
            Assert.Equal(i % 2000, scaler.GrowthTracker);
        }
    }

    [Fact]
    public void Finds_inf_and_nan_in_vector_body_and_tail_of_any_gradient()
    {
        foreach (int length in new[] { 1, 7, 64, 1001 })
            foreach (int at in new[] { 0, length / 2, length - 1 })
                foreach (float bad in new[] { float.NaN, float.NegativeInfinity })
                {
                    var scaler = new GradScaler(initScale: 4f);
                    var clean = Enumerable.Repeat(8f, 33).ToArray();
                    var g = Enumerable.Repeat(2f, length).ToArray();
                    g[at] = bad;
                    Assert.True(scaler.UnscaleAndCheck([clean.AsMemory(), g.AsMemory()]), $"length {length}, at {at}");
                    Assert.All(clean, v => Assert.Equal(2f, v));
                    for (int i = 0; i < length; i++) if (i != at) Assert.Equal(0.5f, g[i]);
                }
    }

    [Fact]
    public void Misuse_is_reported_and_state_round_trips()
    {
        var scaler = new GradScaler(growthInterval: 3);
        Assert.Throws<InvalidOperationException>(scaler.Update);
        scaler.UnscaleAndCheck([new float[] { 1f }.AsMemory()]);
        Assert.Throws<InvalidOperationException>(() => scaler.UnscaleAndCheck([new float[] { 1f }.AsMemory()]));
        scaler.Update();
        var restored = new GradScaler(growthInterval: 3);
        restored.Load(scaler.State);
        Assert.Equal(new GradScalerState(65536f, 1), restored.State);
        Assert.Throws<ArgumentOutOfRangeException>(() => restored.Load(new GradScalerState(1f, 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => restored.Load(new GradScalerState(float.PositiveInfinity, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradScaler(growthFactor: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradScaler(backoffFactor: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradScaler(initScale: 0f));
    }
}
