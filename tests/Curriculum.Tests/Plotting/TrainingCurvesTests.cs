using System.Text.Json;
using Curriculum.Plotting;

namespace Curriculum.Tests.Plotting;

public class TrainingCurvesTests
{
    [Fact]
    public void Ema_matches_tensorboard_debiased_smoothing_worked_by_hand()
    {
        // w = 0.5: m = 0.5, 1.25, 2.125; debiased by 1 - 0.5^n = 0.5, 0.75, 0.875 -> 1, 5/3, 17/7.
        var s = Smoothing.Ema(new[] { 1.0, 2, 3 }, 0.5);
        Assert.Equal(1.0, s[0], 12);
        Assert.Equal(5.0 / 3, s[1], 12);
        Assert.Equal(17.0 / 7, s[2], 12);
        // A NaN is skipped: it stays a gap and the next value continues from the state before it.
        var g = Smoothing.Ema(new[] { 1.0, double.NaN, 2, 3 }, 0.5);
        Assert.True(double.IsNaN(g[1]));
        Assert.Equal(5.0 / 3, g[2], 12);
        Assert.Equal([1.0, 2, 3], Smoothing.Ema(new[] { 1.0, 2, 3 }, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Smoothing.Ema(new[] { 1.0 }, 1));
    }

    static string WriteLog(string dir, string run, string text)
    {
        string folder = Path.Combine(dir, run);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "metrics.jsonl");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Metrics_log_is_read_with_gaps_sparse_fields_and_a_partial_last_line()
    {
        string dir = Directory.CreateTempSubdirectory("metrics").FullName;
        try
        {
            string path = WriteLog(dir, "cosine",
                "{\"step\":0,\"tokens\":0,\"loss\":10.5,\"lr\":0.0,\"grad_norm\":3.0,\"phase\":\"warmup\"}\n" +
                "{\"step\":1,\"tokens\":512,\"loss\":null,\"lr\":1e-4,\"grad_norm\":\"Infinity\",\"loss/mlm\":9.1}\n" +
                "\n" +
                "{\"step\":2,\"tokens\":1024,\"loss\":8.25,\"lr\":2e-4}\n" +
                "{\"step\":3,\"tok");
            var run = RunMetrics.Load(path);
            Assert.Equal("cosine", run.Name);
            Assert.Equal(3, run.Count);
            Assert.False(run[0].ContainsKey("phase"));
            var (x, y) = run.Series("tokens", "loss");
            Assert.Equal([0.0, 512, 1024], x);
            Assert.True(double.IsNaN(y[1]));
            Assert.Equal(double.PositiveInfinity, run[1]["grad_norm"]);
            var (mx, my) = run.Series("step", "loss/mlm");
            Assert.Equal([1.0], mx);
            Assert.Equal([9.1], my);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_bad_line_in_the_middle_names_the_file_and_line()
    {
        string dir = Directory.CreateTempSubdirectory("metrics").FullName;
        try
        {
            string path = WriteLog(dir, "bad", "{\"step\":0,\"loss\":1}\n[1,2]\n{\"step\":2,\"loss\":1}\n");
            var e = Assert.Throws<InvalidDataException>(() => RunMetrics.Load(path));
            Assert.StartsWith(path + ":2:", e.Message);
            Assert.Contains("array, not an object", e.Message);
            File.WriteAllText(path, "{\"step\":0}\n{oops\n{\"step\":2}\n");
            e = Assert.Throws<InvalidDataException>(() => RunMetrics.Load(path));
            Assert.StartsWith(path + ":2:", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    static RunMetrics Run(string name, double scale) => new(name, Enumerable.Range(0, 5).Select(i =>
        (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
        {
            ["step"] = i, ["tokens"] = i * 100, ["loss"] = scale * (5 - i), ["lr"] = 1e-3, ["grad_norm"] = 1 + i,
        }));

    [Fact]
    public void Overview_compares_runs_in_stacked_subplots_one_colour_and_one_legend_entry_per_run()
    {
        var fig = TrainingCurves.Overview([Run("a", 1), Run("b", 2)], CurveAxis.Tokens, smoothing: 0.5);
        Assert.Equal(3, fig.Rows);
        var root = JsonDocument.Parse(fig.ToJson()).RootElement;
        var data = root.GetProperty("data").EnumerateArray().ToList();
        // loss: raw + smoothed per run (4), lr: one per run, never smoothed (2), grad norm: raw + smoothed (4).
        Assert.Equal(10, data.Count);
        Assert.Equal(2, data.Count(d => !d.TryGetProperty("showlegend", out _)));
        Assert.All(data.Where(d => d.GetProperty("legendgroup").GetString() == "b"),
            d => Assert.Equal(Palette.Color(1), d.GetProperty("line").GetProperty("color").GetString()));
        var smoothedB = data.Single(d => d.GetProperty("name").GetString() == "b" && !d.TryGetProperty("xaxis", out _));
        Assert.Equal([0.0, 100, 200, 300, 400], smoothedB.GetProperty("x").EnumerateArray().Select(e => e.GetDouble()));
        // EMA(w=0.5) of 10, 8 -> 10, (0.25*10 + 0.5*8)/0.75 = 8.6667.
        Assert.Equal(26.0 / 3, smoothedB.GetProperty("y")[1].GetDouble(), 9);
        var layout = root.GetProperty("layout");
        Assert.Equal("tokens", layout.GetProperty("xaxis3").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("log", layout.GetProperty("yaxis3").GetProperty("type").GetString());
        Assert.Equal("x3", layout.GetProperty("xaxis").GetProperty("matches").GetString());
    }

    [Fact]
    public void Overview_of_runs_without_those_metrics_is_an_error_listing_them()
    {
        var run = new RunMetrics("r", [new Dictionary<string, double> { ["step"] = 0 }]);
        var e = Assert.Throws<ArgumentException>(() => TrainingCurves.Overview(run));
        Assert.Contains("loss, lr, grad_norm", e.Message);
    }
}
