namespace Curriculum.Data;

/// <summary>What a reader skipped and why: files that are binary (a NUL byte), not UTF-8, or
/// empty are counted here by name instead of stopping the run.</summary>
public sealed class ReadReport
{
    public List<string> BinaryFiles { get; } = [];
    public List<string> NonUtf8Files { get; } = [];
    public List<string> EmptyFiles { get; } = [];
    public int FilesRead { get; internal set; }
    public long Documents { get; internal set; }

    public int Skipped => BinaryFiles.Count + NonUtf8Files.Count + EmptyFiles.Count;

    public override string ToString() =>
        $"{FilesRead} files read, {Documents} documents; skipped {BinaryFiles.Count} binary"
        + (BinaryFiles.Count > 0 ? $" ({string.Join(", ", BinaryFiles)})" : "")
        + $", {NonUtf8Files.Count} not UTF-8" + (NonUtf8Files.Count > 0 ? $" ({string.Join(", ", NonUtf8Files)})" : "")
        + $", {EmptyFiles.Count} empty" + (EmptyFiles.Count > 0 ? $" ({string.Join(", ", EmptyFiles)})" : "");
}
