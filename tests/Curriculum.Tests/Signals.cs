using System.Runtime.InteropServices;

namespace Curriculum.Tests;

/// <summary>Sends a POSIX signal to a process, as a terminal's Ctrl-C (SIGINT) or a service manager (SIGTERM) would.</summary>
static class Signals
{
    public const int Interrupt = 2, Terminate = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    /// <summary>0 when sent.</summary>
    public static int Send(int pid, int signal) => Kill(pid, signal);
}
