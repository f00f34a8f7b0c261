using System.Diagnostics;
using System.Globalization;

namespace Curriculum.Training;

/// <summary>
/// A one-line progress display for a terminal, rewritten in place with '\r' (or one line per report when
/// <c>inPlace</c> is false, for logs):
/// <c>step 120/1000 (12.0%)  loss 3.2104  lr 6.00e-04  |g| 0.812  25.3k tok/s  ETA 1m28s</c>.
/// ETA = steps left × wall seconds per step so far in this run (evaluations and checkpoints included).
/// With <c>everySeconds</c>, a line is written only when that long has passed since the run started or since the last
/// line (a log, a notebook's output: a long run says how far it is every so often, a short one stays quiet), and the
/// last step's line only when an earlier one was written; evaluations follow the same cadence.
/// </summary>
public sealed class ProgressLine : ITrainingReporter
{
    readonly TextWriter _out;
    readonly bool _inPlace;
    readonly int _every;
    readonly Func<double> _clock;
    readonly double _everySeconds;
    long _startStep, _endStep;
    double _startTime, _lastLineTime;
    bool _wroteLine;
    int _lastWidth;

    /// <param name="output">Where to write, e.g. <c>Console.Error</c>.</param>
    /// <param name="every">Report every this many steps.</param>
    /// <param name="inPlace">Rewrite one line with '\r' (a terminal) or write a line per report.</param>
    /// <param name="clock">Seconds from any origin; the default is a stopwatch.</param>
    /// <param name="everySeconds">Write at most one line per this many seconds (0: every report).</param>
    public ProgressLine(TextWriter output, int every = 1, bool inPlace = true, Func<double>? clock = null, double everySeconds = 0)
    {
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), every, "ProgressLine: every must be at least 1.");
        if (!(everySeconds >= 0)) throw new ArgumentOutOfRangeException(nameof(everySeconds), everySeconds, "ProgressLine: everySeconds must be at least 0.");
        _everySeconds = everySeconds;
        _out = output;
        _every = every;
        _inPlace = inPlace;
        _clock = clock ?? (() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency);
    }

    public void Started(long startStep, long endStep)
    {
        (_startStep, _endStep) = (startStep, endStep);
        _startTime = _lastLineTime = _clock();
        _wroteLine = false;
    }

    public void StepCompleted(StepMetrics m)
    {
        if (m.Step % _every != 0 && m.Step != _endStep) return;
        double now = _clock(), elapsed = now - _startTime;
        bool due = now - _lastLineTime >= _everySeconds || (m.Step == _endStep && _wroteLine);
        if (!due) return;
        (_lastLineTime, _wroteLine) = (now, true);
        long done = m.Step - _startStep;
        double eta = done > 0 ? (_endStep - m.Step) * elapsed / done : double.NaN;
        Write(Format(m, _endStep, eta));
    }

    public void Incident(TrainingIncident incident)
    {
        EndLine();
        _out.WriteLine(incident.ToString());
    }

    public void Evaluated(EvalMetrics e)
    {
        double now = _clock();
        if (now - _lastLineTime < _everySeconds) return;   // evaluations keep the same cadence; incidents are always written
        _lastLineTime = now;
        EndLine();
        var parts = new List<string>();
        foreach (var (k, v) in e.Values) parts.Add($"{k} {v.ToString("F4", CultureInfo.InvariantCulture)}");
        _out.WriteLine($"eval at step {e.Step}: {string.Join("  ", parts)}");
    }

    public void Finished(long step) => EndLine();

    /// <summary>The progress text for one step with <paramref name="etaSeconds"/> left.</summary>
    public static string Format(StepMetrics m, long endStep, double etaSeconds)
    {
        var c = CultureInfo.InvariantCulture;
        double pct = endStep > 0 ? 100.0 * m.Step / endStep : 0;
        string tps = m.TokensPerSecond >= 1e3 ? (m.TokensPerSecond / 1e3).ToString("F1", c) + "k" : m.TokensPerSecond.ToString("F0", c);
        string skipped = m.Updated ? "" : "  (update skipped)";
        return $"step {m.Step}/{endStep} ({pct.ToString("F1", c)}%)  loss {m.Loss.ToString("F4", c)}  lr {m.Lr.ToString("0.00e+00", c)}  " +
               $"|g| {m.GradNorm.ToString("F3", c)}  {tps} tok/s  ETA {Duration(etaSeconds)}{skipped}";
    }

    /// <summary>Seconds as "42s", "1m28s" or "2h05m"; "?" when unknown.</summary>
    public static string Duration(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "?";
        long s = (long)Math.Round(seconds);
        if (s < 60) return $"{s}s";
        if (s < 3600) return $"{s / 60}m{s % 60:00}s";
        return $"{s / 3600}h{s % 3600 / 60:00}m";
    }

    void Write(string line)
    {
        if (!_inPlace) { _out.WriteLine(line); return; }
        // Pad over the previous, possibly longer, line.
        _out.Write('\r' + line.PadRight(_lastWidth));
        _lastWidth = line.Length;
        _out.Flush();
    }

    void EndLine()
    {
        if (_inPlace && _lastWidth > 0) _out.WriteLine();
        _lastWidth = 0;
    }
}
