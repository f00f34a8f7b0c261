using System.Text;

namespace Curriculum.Notebooks;

/// <summary>
/// Console.Out / Console.Error replacement that sends text to the cell being run on the current
/// async flow (AsyncLocal), and to the real console otherwise. Installed once per process, so
/// notebooks run side by side (tests in parallel) each see only their own output.
/// </summary>
sealed class ConsoleRouter : TextWriter
{
    static readonly AsyncLocal<CellRecorder?> Current = new();
    static readonly object InstallGate = new();
    static bool _installed;

    readonly TextWriter _fallback;
    readonly string _stream;

    ConsoleRouter(TextWriter fallback, string stream)
    {
        _fallback = fallback;
        _stream = stream;
    }

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Routes this async flow's console output to <paramref name="recorder"/> (null: the real console).</summary>
    public static void RouteTo(CellRecorder? recorder)
    {
        lock (InstallGate)
        {
            if (!_installed)
            {
                Console.SetOut(new ConsoleRouter(Console.Out, "stdout"));
                Console.SetError(new ConsoleRouter(Console.Error, "stderr"));
                _installed = true;
            }
        }
        Current.Value = recorder;
    }

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        if (value == null) return;
        if (Current.Value is { } r) r.Write(_stream, value);
        else _fallback.Write(value);
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value) => Write((value ?? "") + "\n");

    public override void WriteLine() => Write("\n");

    public override void Flush()
    {
        if (Current.Value == null) _fallback.Flush();
    }
}
