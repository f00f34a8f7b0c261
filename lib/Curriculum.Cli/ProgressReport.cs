using System.Diagnostics;

namespace Curriculum.Cli;

/// <summary>A progress line on stderr, rewritten in place on a terminal: done/total, the last loss, elapsed and ETA.</summary>
sealed class ProgressReport(string what, long total)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly bool _inPlace = !Console.IsErrorRedirected;
    long _lastPrinted = -1;

    public double ElapsedSeconds => _clock.Elapsed.TotalSeconds;

    public void Update(long done, string detail)
    {
        long every = Math.Max(1, total / 20);
        if (!_inPlace && done != total && done - _lastPrinted < every) return;   // a log file gets about 20 lines
        _lastPrinted = done;
        double elapsed = ElapsedSeconds, eta = done > 0 ? elapsed / done * (total - done) : double.NaN;
        int width = 20, filled = (int)(width * done / Math.Max(1, total));
        string line = $"{what} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} {detail} elapsed {Duration(elapsed)} eta {Duration(eta)}";
        if (_inPlace) Console.Error.Write("\r" + line.PadRight(Console.IsErrorRedirected ? 0 : Math.Min(Console.BufferWidth - 1, 120)));
        else Console.Error.WriteLine(line);
        if (_inPlace && done == total) Console.Error.WriteLine();
    }

    public static string Duration(double seconds) =>
        double.IsNaN(seconds) ? "?" : seconds < 60 ? $"{seconds:F0}s" : seconds < 3600 ? $"{(int)seconds / 60}m{(int)seconds % 60:D2}s" : $"{(int)seconds / 3600}h{(int)seconds % 3600 / 60:D2}m";
}
