using System.Diagnostics;
using Curriculum.Notebooks;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Curriculum.Kernel;

/// <summary>
/// Turns the kernel's events for the running cell into nbformat outputs, in the order they came:
/// console text as streams (consecutive writes merged), displays as display_data (an update
/// replaces the display it names, as Jupyter stores it), the cell's value as execute_result, and a
/// failure as an error output with the cell's line where the kernel or the stack trace gives one.
/// With a limit, a cell's outputs keep at most that many characters (a cell printing megabytes in a loop
/// must not fill the memory or the notebook), and a note says that the rest was dropped.
/// </summary>
sealed class KernelEventRecorder(int? maxOutputChars = null)
{
    readonly Lock gate = new();
    readonly List<CellOutput> outputs = [];
    readonly Dictionary<string, int> displays = new(StringComparer.Ordinal);
    readonly List<Diagnostic> errors = [];
    CommandFailed? failed;
    int executionCount;
    long kept;
    bool truncated;

    public void Start(int count)
    {
        lock (gate)
        {
            outputs.Clear();
            displays.Clear();
            errors.Clear();
            failed = null;
            executionCount = count;
            kept = 0;
            truncated = false;
        }
    }

    public void Add(CellOutput output)
    {
        lock (gate) outputs.Add(output);
    }

    public void Add(KernelEvent e)
    {
        lock (gate)
        {
            switch (e)
            {
                case StandardOutputValueProduced o: Stream("stdout", o.FormattedValues); break;
                case StandardErrorValueProduced o: Stream("stderr", o.FormattedValues); break;
                case DisplayedValueUpdated u when u.ValueId != null && displays.TryGetValue(u.ValueId, out int at):
                    outputs[at] = new DisplayDataOutput(Limit(Bundle(u.FormattedValues)));
                    break;
                case ReturnValueProduced r: outputs.Add(new ExecuteResultOutput(executionCount, Limit(Bundle(r.FormattedValues)))); break;
                case DisplayEvent d:
                    if (d.ValueId != null) displays[d.ValueId] = outputs.Count;
                    outputs.Add(new DisplayDataOutput(Limit(Bundle(d.FormattedValues))));
                    break;
                case DiagnosticsProduced p:
                    errors.AddRange(p.Diagnostics.Where(x => x.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
                    break;
                case CommandFailed f when failed == null: failed = f; break;
            }
        }
    }

    /// <summary>The outputs recorded since <see cref="Start"/>.</summary>
    public List<CellOutput> Take()
    {
        lock (gate) return [.. outputs];
    }

    /// <summary>If the cell failed: records its error output and returns (cell, line, message) for the summary line.</summary>
    public (int Cell, int? Line, string Message)? Failure(int cell)
    {
        lock (gate)
        {
            if (failed == null) return null;
            if (failed.Exception is { } exception and not CodeSubmissionCompilationErrorException)
            {
                int? line = CellLine(exception);
                var trace = new List<string> { $"cell {cell}{(line is { } l ? $", line {l}" : "")}: {exception.GetType().FullName}: {exception.Message}" };
                trace.AddRange(Frames(exception));
                for (var inner = exception.InnerException; inner != null; inner = inner.InnerException)
                    trace.Add($" ---> {inner.GetType().FullName}: {inner.Message}");
                outputs.Add(new ErrorOutput(exception.GetType().Name, exception.Message, trace));
                return (cell, line, $"{exception.GetType().Name}: {exception.Message}");
            }
            // A compile error or a magic command the kernel refused: its diagnostics give the line.
            if (errors.Count == 0)
            {
                outputs.Add(new ErrorOutput("KernelError", failed.Message, [$"cell {cell}: {failed.Message}"]));
                return (cell, null, failed.Message);
            }
            var first = errors[0];
            int firstLine = first.LinePositionSpan.Start.Line + 1;
            string message = $"{first.Code}: {first.Message}";
            outputs.Add(new ErrorOutput("CompilationError", message,
                errors.Select(d => $"cell {cell}, line {d.LinePositionSpan.Start.Line + 1}: {d.Code}: {d.Message}").ToList()));
            return (cell, firstLine, message);
        }
    }

    void Stream(string name, IReadOnlyCollection<FormattedValue> values)
    {
        string text = Keep(string.Concat(values.Where(v => v.MimeType == "text/plain").Select(v => v.Value)));
        if (text.Length == 0) return;
        if (outputs.Count > 0 && outputs[^1] is StreamOutput last && last.Name == name)
            outputs[^1] = last with { Text = last.Text + text };
        else outputs.Add(new StreamOutput(name, text));
    }

    /// <summary>The part of <paramref name="text"/> that fits the cell's limit, with the note when it is first reached.</summary>
    string Keep(string text)
    {
        if (maxOutputChars is not { } max || kept + text.Length <= max) { kept += text.Length; return text; }
        int room = (int)Math.Max(0, max - kept);
        kept = max;
        if (truncated) return "";
        truncated = true;
        return text[..room] + $"\n[output truncated: the cell wrote more than {max:N0} characters; the rest was not kept]\n";
    }

    /// <summary>A displayed value whose forms together pass the cell's limit is kept as the note alone.</summary>
    MimeBundle Limit(MimeBundle bundle)
    {
        if (maxOutputChars is not { } max) return bundle;
        long size = bundle.Values.Sum(v => (long)v.Length);
        if (kept + size <= max) { kept += size; return bundle; }
        kept = max;
        return new MimeBundle { [MimeBundle.PlainText] = $"[output truncated: a displayed value of {size:N0} characters passes the cell's limit of {max:N0}]" };
    }

    static MimeBundle Bundle(IReadOnlyCollection<FormattedValue> values)
    {
        var bundle = new MimeBundle();
        foreach (var v in values) bundle[v.MimeType] = v.Value;
        return bundle;
    }

    /// <summary>The kernel compiles each cell as a script submission: frames of those are the notebook's own code.</summary>
    static bool IsCellFrame(StackFrame frame) =>
        frame.GetMethod()?.DeclaringType?.FullName?.StartsWith("Submission#", StringComparison.Ordinal) == true;

    static int? CellLine(Exception e)
    {
        foreach (var frame in new StackTrace(e, true).GetFrames())
            if (IsCellFrame(frame) && frame.GetFileLineNumber() > 0) return frame.GetFileLineNumber();
        return null;
    }

    static IEnumerable<string> Frames(Exception e)
    {
        foreach (var frame in new StackTrace(e, true).GetFrames())
        {
            var method = frame.GetMethod();
            string ns = method?.DeclaringType?.Namespace ?? "";
            // The kernel's, Roslyn's and the runtime's own frames say nothing about the notebook.
            if (ns.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || ns.StartsWith("Microsoft.DotNet.Interactive", StringComparison.Ordinal)
                || ns.StartsWith("System.Runtime", StringComparison.Ordinal) || ns.StartsWith("System.Threading", StringComparison.Ordinal)) continue;
            string where = IsCellFrame(frame) ? frame.GetFileLineNumber() > 0 ? $" (this cell, line {frame.GetFileLineNumber()})" : " (this cell)"
                : frame.GetFileName() is { } file ? $" ({Path.GetFileName(file)}:{frame.GetFileLineNumber()})" : "";
            yield return $"   at {method?.DeclaringType?.Name}.{method?.Name}{where}";
        }
    }
}
