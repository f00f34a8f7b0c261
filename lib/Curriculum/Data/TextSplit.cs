namespace Curriculum.Data;

/// <summary>How a plain-text file is cut into documents.</summary>
public enum TextSplit
{
    /// <summary>The whole file is one document.</summary>
    File,
    /// <summary>Each non-empty line is one document.</summary>
    Line,
    /// <summary>Documents are separated by lines that hold only the separator (fortune files use "%").</summary>
    Separator,
}
