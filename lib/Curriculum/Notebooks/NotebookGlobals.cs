namespace Curriculum.Notebooks;

/// <summary>
/// The globals every notebook cell sees, as in .NET Interactive: <c>display(x)</c> shows a value
/// below the cell. <see cref="CancellationToken"/> is cancelled when a cell runs past its time limit;
/// long loops may check it to stop early.
/// </summary>
public sealed class NotebookGlobals
{
    readonly CellRecorder _recorder;

    internal NotebookGlobals(CellRecorder recorder, CancellationToken cancellation, string notebookDirectory)
    {
        _recorder = recorder;
        CancellationToken = cancellation;
        NotebookDirectory = notebookDirectory;
    }

    public CancellationToken CancellationToken { get; }

    /// <summary>The folder of the notebook file: relative paths to data can be made from it.</summary>
    public string NotebookDirectory { get; }

    /// <summary>Shows <paramref name="value"/> below the cell as a display_data output (mime bundle).</summary>
#pragma warning disable IDE1006 // lower-case name, as in Jupyter and .NET Interactive
    public void display(object? value) => _recorder.Add(new DisplayDataOutput(ValueFormatter.Format(value)));
#pragma warning restore IDE1006
}
