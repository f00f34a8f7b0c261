using System.Diagnostics;
using System.Globalization;

namespace Curriculum.Training;

/// <summary>
/// The leftovers of atomic writes that a killed process never finished: every atomic writer here (safetensors,
/// metrics log, checkpoints, notebooks, tokenizer files, the book's staging folder) writes to
/// <c>NAME.tmp-PID</c> beside its target and renames it when complete. Such a file whose process is no longer running
/// is garbage; one whose process runs may be a write in progress and is left alone.
/// </summary>
public static class StaleTempFiles
{
    const string Marker = ".tmp-";

    /// <summary>Deletes the stale temporary files and folders directly in <paramref name="folder"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Remove(string folder)
    {
        var removed = new List<string>();
        if (!Directory.Exists(folder)) return removed;
        foreach (var path in Directory.EnumerateFileSystemEntries(folder, "*" + Marker + "*"))
        {
            if (WriterId(Path.GetFileName(path)) is not int pid || IsRunning(pid)) continue;
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else File.Delete(path);
                removed.Add(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // another process got there first, or not ours to delete
        }
        return removed;
    }

    /// <summary>The writer's process id in "NAME.tmp-PID", or null for any other name.</summary>
    public static int? WriterId(string name)
    {
        int i = name.LastIndexOf(Marker, StringComparison.Ordinal);
        return i > 0 && int.TryParse(name.AsSpan(i + Marker.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
    }

    static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }   // no such process
        catch (InvalidOperationException) { return false; }
    }
}
