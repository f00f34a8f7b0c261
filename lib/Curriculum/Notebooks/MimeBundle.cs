namespace Curriculum.Notebooks;

/// <summary>
/// The representations of one displayed value, keyed by mime type, as in a Jupyter
/// <c>display_data</c> / <c>execute_result</c> output. Text types hold the text; JSON types
/// (<c>application/json</c>, <c>*+json</c>) hold JSON text, which the notebook writer embeds as a
/// JSON object, as nbformat requires.
/// </summary>
public sealed class MimeBundle : Dictionary<string, string>
{
    public const string PlainText = "text/plain";
    public const string Html = "text/html";

    public MimeBundle() : base(StringComparer.Ordinal) { }

    public MimeBundle(IDictionary<string, string> copy) : base(copy, StringComparer.Ordinal) { }

    /// <summary>True for mime types whose data nbformat stores as JSON rather than a string.</summary>
    public static bool IsJson(string mimeType) =>
        mimeType == "application/json" || mimeType.EndsWith("+json", StringComparison.Ordinal);
}

/// <summary>
/// A value that knows how to show itself in a notebook (a figure, a table). The executor calls
/// <see cref="ToMimeBundle"/> for <c>display(x)</c> and for a cell's trailing expression.
/// </summary>
public interface IMimeRenderable
{
    MimeBundle ToMimeBundle();
}
