namespace Curriculum.Cli;

/// <summary>
/// A working folder of its own for one submission, shaped like the key's surroundings: the notebook sits in a folder named
/// as the key's, beside links to what is beside the key's folder (<c>../artifacts/lib/Curriculum.dll</c>, <c>../data</c>,
/// the repository root's marker files) and with links to the key folder's other files. So relative paths in the chapter
/// mean what they mean in the repository, while files a submission creates in its folder land in the sandbox, and
/// concurrent submissions do not see each other's. Not a security boundary: the links lead to the real files.
/// </summary>
sealed class SubmissionSandbox : IDisposable
{
    public string Root { get; }

    /// <summary>Where the notebook to run is written.</summary>
    public string NotebookPath { get; }

    public SubmissionSandbox(string keyPath, string name)
    {
        string keyFull = Path.GetFullPath(keyPath);
        string keyDir = Path.GetDirectoryName(keyFull)!;
        Root = Path.Combine(Path.GetTempPath(), $"curriculum-grade-{Environment.ProcessId}-{name}");
        if (Directory.Exists(Root)) Delete(Root);
        string work = Path.Combine(Root, Path.GetFileName(keyDir));
        Directory.CreateDirectory(work);
        if (Path.GetDirectoryName(keyDir) is { } above)
            foreach (var entry in Directory.EnumerateFileSystemEntries(above))
                if (!string.Equals(entry, keyDir, StringComparison.Ordinal)) Link(Path.Combine(Root, Path.GetFileName(entry)), entry);
        foreach (var entry in Directory.EnumerateFileSystemEntries(keyDir))
            if (!string.Equals(entry, keyFull, StringComparison.Ordinal)) Link(Path.Combine(work, Path.GetFileName(entry)), entry);
        NotebookPath = Path.Combine(work, Path.GetFileName(keyFull));
    }

    static void Link(string at, string target)
    {
        if (Directory.Exists(target)) Directory.CreateSymbolicLink(at, target);
        else File.CreateSymbolicLink(at, target);
    }

    /// <summary>Removes the sandbox: its links, never what they point to, then its own files.</summary>
    static void Delete(string path)
    {
        var info = new DirectoryInfo(path);
        foreach (var entry in info.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget != null) { if (entry is DirectoryInfo d) d.Delete(); else entry.Delete(); }
            else if (entry is DirectoryInfo d) Delete(d.FullName);
            else entry.Delete();
        }
        info.Delete();
    }

    public void Dispose()
    {
        try { Delete(Root); }
        catch (IOException) { }   // a file still held open: the temporary folder is cleaned later
        catch (UnauthorizedAccessException) { }
    }
}
