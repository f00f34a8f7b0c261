namespace Curriculum.Plotting;

/// <summary>What training curves are drawn against.</summary>
public enum CurveAxis { Step, Tokens }

/// <summary>
/// Figures of training runs from their metrics logs: loss, learning rate and gradient norm against
/// step or tokens seen, several runs compared (one colour per run in every subplot), with optional
/// EMA smoothing (the raw curve stays, faint, behind the smoothed one).
/// <code>
/// var runs = new[] { RunMetrics.Load("runs/cosine/metrics.jsonl"), RunMetrics.Load("runs/wsd/metrics.jsonl") };
/// display(TrainingCurves.Overview(runs, CurveAxis.Tokens, smoothing: 0.9));
/// </code>
/// </summary>
public static class TrainingCurves
{
    public const string Loss = "loss";
    public const string LearningRate = "lr";
    public const string GradNorm = "grad_norm";

    /// <summary>One metric of every run, e.g. <c>Plot(runs, "loss/mlm")</c>.</summary>
    public static Figure Plot(IReadOnlyList<RunMetrics> runs, string metric, CurveAxis x = CurveAxis.Step,
        double smoothing = 0, bool logY = false)
    {
        var fig = Figure.Subplots(1, 1);
        for (int i = 0; i < runs.Count; i++) AddRun(fig, runs[i], i, metric, x, smoothing, 1, showLegend: true);
        return fig.Title(Describe(metric) + (runs.Count == 1 ? " of " + runs[0].Name : ""))
            .XAxis(AxisTitle(x)).YAxis(metric, log: logY)
            .Legend(LegendPosition.TopRight);
    }

    /// <summary>
    /// Stacked subplots sharing the x axis, one per metric that some run logs, in the order given
    /// (loss, learning rate, gradient norm by default). Loss is smoothed; the learning rate, a
    /// schedule, never is.
    /// </summary>
    public static Figure Overview(IReadOnlyList<RunMetrics> runs, CurveAxis x = CurveAxis.Step, double smoothing = 0,
        IReadOnlyList<string>? metrics = null)
    {
        metrics ??= [Loss, LearningRate, GradNorm];
        var present = metrics.Where(m => runs.Any(r => r.Has(m))).ToList();
        if (present.Count == 0)
            throw new ArgumentException($"None of the runs logs any of: {string.Join(", ", metrics)}.", nameof(metrics));
        var fig = Figure.Subplots(present.Count, 1, shareX: true, titles: present.Select(Describe).ToList());
        for (int m = 0; m < present.Count; m++)
        {
            for (int i = 0; i < runs.Count; i++)
                AddRun(fig, runs[i], i, present[m], x, present[m] == LearningRate ? 0 : smoothing, m + 1, showLegend: m == 0);
            fig.YAxis(present[m], log: present[m] == GradNorm, row: m + 1);
        }
        return fig.XAxis(AxisTitle(x), row: present.Count).Legend(LegendPosition.Below);
    }

    /// <summary>Overview of a single run.</summary>
    public static Figure Overview(RunMetrics run, CurveAxis x = CurveAxis.Step, double smoothing = 0) =>
        Overview([run], x, smoothing);

    static void AddRun(Figure fig, RunMetrics run, int index, string metric, CurveAxis x, double smoothing, int row, bool showLegend)
    {
        var (xs, ys) = run.Series(x == CurveAxis.Step ? "step" : "tokens", metric);
        string color = Palette.Color(index);
        if (smoothing > 0)
        {
            fig.Line(xs, ys, run.Name + " (raw)", row: row, color: color, opacity: 0.25, legendGroup: run.Name, showLegend: false);
            fig.Line(xs, Smoothing.Ema(ys, smoothing), run.Name, row: row, color: color, legendGroup: run.Name, showLegend: showLegend);
        }
        else
            fig.Line(xs, ys, run.Name, row: row, color: color, legendGroup: run.Name, showLegend: showLegend);
    }

    static string AxisTitle(CurveAxis x) => x == CurveAxis.Step ? "step" : "tokens";

    static string Describe(string metric) => metric switch
    {
        Loss => "training loss",
        LearningRate => "learning rate",
        GradNorm => "gradient norm (before clipping)",
        _ => metric,
    };
}
