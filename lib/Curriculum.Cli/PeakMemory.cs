namespace Curriculum.Cli;

/// <summary>
/// The most memory the process has held: Linux's resident high-water mark (VmHWM in /proc/self/status), which counts
/// the managed heap, native buffers and the runtime alike; elsewhere the current working set. Training
/// commands print it at the end so that a model's memory can be compared with its size.
/// </summary>
static class PeakMemory
{
    public static long Bytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
            foreach (var line in File.ReadLines(status))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal)
                    && long.TryParse(line["VmHWM:".Length..].Trim().Split(' ')[0], out long kib))
                    return kib * 1024;
        return Environment.WorkingSet;
    }

    /// <summary>"peak memory 312 MB (resident)".</summary>
    public static string Describe() => $"peak memory {Bytes() / (1024.0 * 1024):F0} MB ({(File.Exists("/proc/self/status") ? "resident high-water mark" : "working set")})";
}
