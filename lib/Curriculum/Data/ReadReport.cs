namespace Curriculum.Data;

/// <summary>What a reader skipped and why: files that are binary (a NUL byte) or empty are counted here by name
/// instead of stopping the run (a file in the wrong encoding stops it: <see cref="CorpusReader"/>).</summary>
public sealed class ReadReport
{
    public List<string> BinaryFiles { get; } = [];
    public List<string> EmptyFiles { get; } = [];
    public int FilesRead { get; internal set; }
    public long Documents { get; internal set; }

    public int Skipped => BinaryFiles.Count + EmptyFiles.Count;

    public override string ToString() =>
        $"{FilesRead} files read, {Documents} documents; skipped {BinaryFiles.Count} binary"
        + (BinaryFiles.Count > 0 ? $" ({string.Join(", ", BinaryFiles)})" : "")
        + $", {EmptyFiles.Count} empty" + (EmptyFiles.Count > 0 ? $" ({string.Join(", ", EmptyFiles)})" : "");
}
