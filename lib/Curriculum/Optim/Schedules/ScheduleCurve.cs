namespace Curriculum.Optim;

/// <summary>A schedule sampled for a figure: <c>fig.Line(curve.X, curve.Y)</c>.</summary>
public sealed record ScheduleCurve(double[] X, double[] Y);

public static class ScheduleSampling
{
    /// <summary>The LR at <paramref name="points"/> evenly spaced whole steps from 0 to <paramref name="lastStep"/> (both included).</summary>
    public static ScheduleCurve Sample(this ILearningRateSchedule schedule, long lastStep, int points = 201)
    {
        long[] steps = EvenlySpaced(lastStep, points, nameof(lastStep));
        var x = new double[steps.Length];
        var y = new double[steps.Length];
        for (int i = 0; i < steps.Length; i++) { x[i] = steps[i]; y[i] = schedule.LearningRate(steps[i]); }
        return new ScheduleCurve(x, y);
    }

    /// <summary>The batch size at <paramref name="points"/> evenly spaced token counts from 0 to <paramref name="lastTokens"/>.</summary>
    public static ScheduleCurve Sample(this IBatchSizeSchedule schedule, long lastTokens, int points = 201)
    {
        long[] tokens = EvenlySpaced(lastTokens, points, nameof(lastTokens));
        var x = new double[tokens.Length];
        var y = new double[tokens.Length];
        for (int i = 0; i < tokens.Length; i++) { x[i] = tokens[i]; y[i] = schedule.BatchSize(tokens[i]); }
        return new ScheduleCurve(x, y);
    }

    // Whole numbers 0..last, at most `points` of them, rounded, without repeats.
    static long[] EvenlySpaced(long last, int points, string lastName)
    {
        ScheduleArguments.NonNegative(last, lastName);
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), points, $"{nameof(points)} must be >= 2.");
        var values = new List<long>(points);
        for (int i = 0; i < points; i++)
        {
            long v = (long)Math.Round((double)last * i / (points - 1));
            if (values.Count == 0 || values[^1] != v) values.Add(v);
        }
        return values.ToArray();
    }
}
