using System.Runtime.InteropServices;

namespace Curriculum.Cli;

/// <summary>
/// Ctrl-C (SIGINT) or SIGTERM during a long command: the first one cancels <see cref="Token"/>, which the work checks
/// at its next safe point (the trainer between steps) so that it can save and say how to continue; a second one exits
/// at once with code 130, as an unhandled Ctrl-C does. Whatever was written atomically before stays intact.
/// </summary>
sealed class InterruptRequest : IDisposable
{
    /// <summary>The shell's exit code for a command ended by SIGINT (128 + 2).</summary>
    public const int ExitCode = 130;

    readonly CancellationTokenSource _stop = new();
    readonly PosixSignalRegistration[] _registrations;
    readonly string? _whatHappensNow;

    /// <param name="whatHappensNow">Printed at the first signal, e.g. "finishing the current step, then saving a checkpoint";
    /// null for a process whose parent speaks for it (a notebook's kernel process, whose console the kernel captures).</param>
    public InterruptRequest(string? whatHappensNow)
    {
        _whatHappensNow = whatHappensNow;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public CancellationToken Token => _stop.Token;
    public bool Requested => _stop.IsCancellationRequested;

    void Handle(PosixSignalContext context)
    {
        context.Cancel = true;   // the runtime would end the process; the work stops itself instead
        if (_stop.IsCancellationRequested)
        {
            if (_whatHappensNow != null)
                Console.Error.WriteLine($"{Environment.NewLine}{context.Signal} again: stopping at once; what was saved before is intact.");
            Environment.Exit(ExitCode);
        }
        if (_whatHappensNow != null)
            Console.Error.WriteLine($"{Environment.NewLine}{context.Signal}: {_whatHappensNow} (send it again to stop at once).");
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _stop.Dispose();
    }
}
