using System.Diagnostics;

namespace Curriculum.Kernel;

/// <summary>
/// Says that a long cell is still working: after <see cref="QuietFor"/> a line "cell N of M: S s".
/// On a terminal the line is rewritten in place every second; elsewhere (CI logs) a new line comes
/// every <see cref="LogInterval"/>, so a log never goes silent for long and never floods.
/// </summary>
public sealed class CellProgress(TextWriter writer, bool terminal)
{
    public static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(30);

    /// <summary>Reports on the cell until the returned scope is disposed.</summary>
    public IDisposable Track(string notebook, int cell, int cells)
    {
        var clock = Stopwatch.StartNew();
        bool wrote = false, stopped = false;
        TimeSpan next = QuietFor;
        var timer = new Timer(_ =>
        {
            var elapsed = clock.Elapsed;
            if (elapsed < next) return;
            string line = $"  {notebook}: cell {cell} of {cells}, {elapsed.TotalSeconds:F0} s";
            lock (writer)
            {
                if (stopped) return;
                if (terminal) writer.Write("\r" + line + "\u001b[K");
                else writer.WriteLine(line);
                writer.Flush();
            }
            wrote = true;
            next = elapsed + (terminal ? TimeSpan.FromSeconds(1) : LogInterval);
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return new Scope(() =>
        {
            timer.Dispose();
            lock (writer)
            {
                stopped = true;
                if (terminal && wrote) { writer.Write("\r\u001b[K"); writer.Flush(); }
            }
        });
    }

    sealed class Scope(Action end) : IDisposable
    {
        public void Dispose() => end();
    }
}
