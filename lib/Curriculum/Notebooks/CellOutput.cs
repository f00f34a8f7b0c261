namespace Curriculum.Notebooks;

/// <summary>A Jupyter output of a code cell (nbformat 4 <c>output_type</c>s).</summary>
public abstract record CellOutput;

/// <summary><c>stream</c>: text written to stdout or stderr.</summary>
public sealed record StreamOutput(string Name, string Text) : CellOutput;

/// <summary><c>display_data</c>: a value shown with <c>display(x)</c>.</summary>
public sealed record DisplayDataOutput(MimeBundle Data) : CellOutput;

/// <summary><c>execute_result</c>: the value of the cell's trailing expression.</summary>
public sealed record ExecuteResultOutput(int ExecutionCount, MimeBundle Data) : CellOutput;

/// <summary><c>error</c>: the exception (or compile error) that stopped the cell.</summary>
public sealed record ErrorOutput(string EName, string EValue, IReadOnlyList<string> Traceback) : CellOutput;
