using System.Globalization;

namespace Curriculum.Training;

/// <summary>
/// A folder of checkpoints <c>ckpt-00000120.safetensors</c> (the number is the step), the newest
/// <see cref="KeepLast"/> kept. Saving is atomic: the file is written to a hidden temporary name, flushed to disk,
/// then renamed over the final name, so a crash or a full disk during a save leaves every earlier checkpoint intact
/// and no partial file under a checkpoint name. Loading falls back to older checkpoints when the newest is unreadable.
/// </summary>
public sealed class CheckpointStore
{
    const string Prefix = "ckpt-", Extension = ".safetensors", TempMarker = ".tmp-";
    readonly Func<string, Stream> _openWrite;

    public string Directory { get; }
    public int KeepLast { get; }

    /// <param name="directory">Created if absent; leftover temporary files of an interrupted save (by a process no longer running) are removed.</param>
    /// <param name="keepLast">How many of the newest checkpoints to keep (older ones are deleted after each save).</param>
    /// <param name="openWrite">Opens a file for writing; the default creates it. A stream that throws (a full disk) can be injected.</param>
    public CheckpointStore(string directory, int keepLast = 3, Func<string, Stream>? openWrite = null)
    {
        if (keepLast < 1) throw new ArgumentOutOfRangeException(nameof(keepLast), keepLast, "CheckpointStore: keepLast must be at least 1.");
        Directory = Path.GetFullPath(directory);
        KeepLast = keepLast;
        _openWrite = openWrite ?? (p => new FileStream(p, FileMode.CreateNew, FileAccess.Write, FileShare.None));
        System.IO.Directory.CreateDirectory(Directory);
        StaleTempFiles.Remove(Directory);
    }

    public string PathFor(long step) => Path.Combine(Directory, $"{Prefix}{step:D8}{Extension}");

    /// <summary>The checkpoints present, oldest first, with their steps.</summary>
    public IReadOnlyList<(long Step, string Path)> List()
    {
        var found = new List<(long, string)>();
        foreach (var f in System.IO.Directory.EnumerateFiles(Directory, Prefix + "*" + Extension))
        {
            string stem = Path.GetFileNameWithoutExtension(f)[Prefix.Length..];
            if (long.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out long step)) found.Add((step, f));
        }
        found.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return found;
    }

    /// <summary>Writes the checkpoint atomically, then deletes all but the newest <see cref="KeepLast"/>; returns its path.</summary>
    public string Save(TrainingCheckpoint checkpoint)
    {
        string final = PathFor(checkpoint.Step);
        string tmp = Path.Combine(Directory, "." + Path.GetFileName(final) + TempMarker + Environment.ProcessId);
        try
        {
            using (var stream = _openWrite(tmp))
            {
                CheckpointFile.Write(stream, checkpoint);
                if (stream is FileStream fs) fs.Flush(flushToDisk: true);
                else stream.Flush();
            }
            File.Move(tmp, final, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            var previous = List();
            string kept = previous.Count == 0 ? "there is no earlier checkpoint" : $"the latest intact checkpoint is {previous[^1].Path}";
            throw new IOException($"{final}: checkpoint not saved ({e.Message}); {kept}.", e);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
        var all = List();
        for (int i = 0; i < all.Count - KeepLast; i++) TryDelete(all[i].Path);
        return final;
    }

    /// <summary>
    /// The newest checkpoint that reads and verifies, or null when the folder has none. Unreadable newer ones are
    /// skipped and listed in <see cref="LoadedCheckpoint.Unreadable"/>; when none can be read, the error lists them all.
    /// </summary>
    public LoadedCheckpoint? LoadLatest()
    {
        var all = List();
        var unreadable = new List<string>();
        for (int i = all.Count - 1; i >= 0; i--)
        {
            try { return new LoadedCheckpoint(CheckpointFile.Read(all[i].Path), all[i].Path, unreadable); }
            catch (InvalidDataException e) { unreadable.Add(e.Message); }
        }
        if (unreadable.Count > 0)
            throw new InvalidDataException($"{Directory}: no readable checkpoint:{Environment.NewLine}{string.Join(Environment.NewLine, unreadable)}");
        return null;
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
    }
}

/// <summary>A checkpoint read from <see cref="Path"/>, and the error of each newer one that could not be read.</summary>
public sealed record LoadedCheckpoint(TrainingCheckpoint Checkpoint, string Path, IReadOnlyList<string> Unreadable);
