namespace Curriculum.Cli;

/// <summary>
/// Checks where a command will write before it does any work, so that a long run never ends in
/// "could not save": the parent folder is created (or must be creatable), must be writable, the
/// target must not be a folder when a file is wanted (or a file when a folder is), and it must not
/// be one of the command's inputs. Every failure is a <see cref="UsageException"/> (exit code 2)
/// that names the path and the reason. Temporary files that an interrupted earlier write left in the folder
/// (<see cref="Training.StaleTempFiles"/>) are removed.
/// </summary>
static class OutputLocation
{
    /// <summary>Checks a file to be written; <paramref name="inputs"/> are files or folders the command reads.</summary>
    public static string File(string path, string option, params IEnumerable<string>[] inputs)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException($"{option} {path}: is a folder; expected a file name");
        foreach (var group in inputs)
            foreach (var input in group)
                if (full == Path.GetFullPath(input))
                    throw new UsageException($"{option} {path}: is also an input ({input}); write the output to another file");
        Writable(Path.GetDirectoryName(full)!, option, path);
        return full;
    }

    /// <summary>
    /// Checks a folder to be written into (created if missing); <paramref name="inputs"/> are files or folders the
    /// command reads, which must be neither the folder nor inside it.
    /// </summary>
    public static string Folder(string path, string option, params IEnumerable<string>[] inputs)
    {
        string full = Path.GetFullPath(path);
        if (System.IO.File.Exists(full)) throw new UsageException($"{option} {path}: is a file; expected a folder");
        string inside = Path.TrimEndingDirectorySeparator(full) + Path.DirectorySeparatorChar;
        foreach (var group in inputs)
            foreach (var input in group)
            {
                string read = Path.GetFullPath(input);
                if (read == full || read.StartsWith(inside, StringComparison.Ordinal))
                    throw new UsageException($"{option} {path}: holds an input ({input}); write the output to another folder");
            }
        Writable(full, option, path);
        return full;
    }

    /// <summary>Creates <paramref name="folder"/> if needed and proves it writable by creating and deleting a probe file.</summary>
    static void Writable(string folder, string option, string given)
    {
        for (string? up = folder; up != null; up = Path.GetDirectoryName(up))
            if (System.IO.File.Exists(up)) throw new UsageException($"{option} {given}: {up} is a file, not a folder");
        try
        {
            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, $".write-probe-{Environment.ProcessId}");
            using (System.IO.File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
            Training.StaleTempFiles.Remove(folder);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"{option} {given}: cannot write in {folder} ({e.Message})");
        }
    }
}
