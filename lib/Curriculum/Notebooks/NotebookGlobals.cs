namespace Curriculum.Notebooks;

/// <summary>
/// The globals every notebook cell sees, as in .NET Interactive: <c>display(x)</c> shows a value
/// below the cell. <see cref="CancellationToken"/> is cancelled when a cell runs past its time limit;
/// long loops may check it to stop early. Cells run with the notebook's folder as the working
/// folder, as in .NET Interactive, so relative paths ("../data/...") mean the same everywhere.
/// </summary>
public sealed class NotebookGlobals
{
    readonly CellRecorder _recorder;

    internal NotebookGlobals(CellRecorder recorder, CancellationToken cancellation)
    {
        _recorder = recorder;
        CancellationToken = cancellation;
    }

    public CancellationToken CancellationToken { get; }

    /// <summary>Shows <paramref name="value"/> below the cell as a display_data output (mime bundle).</summary>
#pragma warning disable IDE1006 // lower-case name, as in Jupyter and .NET Interactive
    public void display(object? value) => _recorder.Add(new DisplayDataOutput(ValueFormatter.Format(value)));
#pragma warning restore IDE1006
}
