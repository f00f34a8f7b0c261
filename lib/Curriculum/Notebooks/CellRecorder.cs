namespace Curriculum.Notebooks;

/// <summary>
/// Collects the outputs of the cell being run, in the order they happen: text written to the
/// console (merged into one stream output while the stream name stays the same) and displayed values.
/// Thread-safe: cells may write from parallel loops.
/// </summary>
sealed class CellRecorder
{
    readonly List<CellOutput> _outputs = new();
    readonly object _gate = new();

    public void Write(string stream, string text)
    {
        if (text.Length == 0) return;
        lock (_gate)
        {
            if (_outputs.Count > 0 && _outputs[^1] is StreamOutput last && last.Name == stream)
                _outputs[^1] = last with { Text = last.Text + text };
            else _outputs.Add(new StreamOutput(stream, text));
        }
    }

    public void Add(CellOutput output)
    {
        lock (_gate) _outputs.Add(output);
    }

    public List<CellOutput> Take()
    {
        lock (_gate)
        {
            var copy = new List<CellOutput>(_outputs);
            _outputs.Clear();
            return copy;
        }
    }
}
