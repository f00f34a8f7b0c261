using System.Text;

namespace Curriculum.Data;

/// <summary>Reads documents from files and folders: <c>.jsonl</c> files line by line (the <c>text</c> field),
/// other files as plain text cut by <see cref="TextSplit"/>; every command that reads text reads it here. Streams
/// (one line or one document held at a time, except <see cref="TextSplit.File"/>, which holds one file). Files are
/// UTF-8 unless <c>encoding</c> names another (<see cref="InputEncoding"/>); a file that does not decode is a
/// <see cref="DataFormatException"/> naming it and the encoding it seems to be in (<see cref="TextEncodingDetector"/>),
/// never skipped. Binary (a NUL byte) and empty files are skipped and recorded in the <see cref="ReadReport"/>;
/// missing paths are an error naming all of them, raised before anything is read.</summary>
public static class CorpusReader
{
    static readonly Encoding StrictUtf8 = InputEncoding.StrictUtf8;

    public static IEnumerable<Document> Read(IEnumerable<string> paths, TextSplit split = TextSplit.File,
        string separator = "%", ReadReport? report = null, Encoding? encoding = null)
    {
        var files = ExpandFiles(paths);
        return ReadFiles(files, split, separator, report ?? new ReadReport(), encoding ?? StrictUtf8);
    }

    public static IEnumerable<Document> Read(string path, TextSplit split = TextSplit.File,
        string separator = "%", ReadReport? report = null, Encoding? encoding = null) => Read([path], split, separator, report, encoding);

    /// <summary>Files named, and files under folders named (recursively, in ordinal order).
    /// Throws <see cref="FileNotFoundException"/> listing every path that does not exist.</summary>
    public static List<string> ExpandFiles(IEnumerable<string> paths)
    {
        var list = paths.ToList();
        var missing = list.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException($"not found: {string.Join(", ", missing)}", missing[0]);
        var files = new List<string>();
        foreach (var p in list)
        {
            if (File.Exists(p)) { files.Add(p); continue; }
            var under = Directory.GetFiles(p, "*", SearchOption.AllDirectories);
            Array.Sort(under, StringComparer.Ordinal);
            files.AddRange(under);
        }
        return files;
    }

    static IEnumerable<Document> ReadFiles(List<string> files, TextSplit split, string separator, ReadReport report, Encoding encoding)
    {
        bool utf8 = InputEncoding.IsUtf8(encoding);
        foreach (var file in files)
        {
            switch (utf8 ? Inspect(file) : InspectDecoded(file, encoding))
            {
                case FileKind.Empty: report.EmptyFiles.Add(file); continue;
                case FileKind.Binary: report.BinaryFiles.Add(file); continue;
                case FileKind.NotUtf8: throw new DataFormatException(file, 0, "not UTF-8; " + TextEncodingDetector.Explain(file));
            }
            report.FilesRead++;
            var docs = !file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? ReadText(file, split, separator, encoding)
                : utf8 ? JsonlReader.Read(file)
                : ReadJsonl(file, encoding);
            foreach (var d in docs)
            {
                report.Documents++;
                yield return d;
            }
        }
    }

    enum FileKind { Text, Empty, Binary, NotUtf8 }

    /// <summary>One streaming pass: empty, binary (a NUL byte, unless the file is UTF-16), not UTF-8 (the strict
    /// decoder fails), or text.</summary>
    static FileKind Inspect(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (stream.Length == 0) return FileKind.Empty;
        var decoder = StrictUtf8.GetDecoder();
        var buffer = new byte[1 << 16];
        var chars = new char[StrictUtf8.GetMaxCharCount(buffer.Length)];
        bool anyNonWhitespace = false;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var span = buffer.AsSpan(0, read);
            if (span.IndexOf((byte)0) >= 0)      // UTF-16 text has NULs too: it is in the wrong encoding, not binary
                return TextEncodingDetector.Detect(file) is { Option: "utf-16" or "utf-16be" } ? FileKind.NotUtf8 : FileKind.Binary;
            int n;
            try { n = decoder.GetChars(buffer, 0, read, chars, 0, flush: false); }
            catch (DecoderFallbackException) { return FileKind.NotUtf8; }
            if (!anyNonWhitespace && !chars.AsSpan(0, n).Trim(" \t\r\n\uFEFF").IsEmpty) anyNonWhitespace = true;
        }
        try { decoder.GetChars([], 0, 0, chars, 0, flush: true); }
        catch (DecoderFallbackException) { return FileKind.NotUtf8; }
        return anyNonWhitespace ? FileKind.Text : FileKind.Empty;
    }

    /// <summary>A file in a named encoding: decodes strictly (a failure names the file and the encoding), then empty or text.</summary>
    static FileKind InspectDecoded(string file, Encoding encoding)
    {
        if (new FileInfo(file).Length == 0) return FileKind.Empty;
        return string.IsNullOrWhiteSpace(ReadAll(file, encoding)) ? FileKind.Empty : FileKind.Text;
    }

    static string ReadAll(string file, Encoding encoding)
    {
        try { return File.ReadAllText(file, encoding); }
        catch (DecoderFallbackException e)
        {
            throw new DataFormatException(file, 0, $"not valid {encoding.WebName} (bytes {BitConverter.ToString(e.BytesUnknown ?? [])} at byte {e.Index} of a read); "
                + (TextEncodingDetector.Detect(file) is { } g ? $"it looks like {g.Description}: --encoding {g.Option}" : "check the file's encoding"));
        }
    }

    /// <summary>A JSONL file in a named encoding, line by line through <see cref="JsonlReader.Parse"/>.</summary>
    static IEnumerable<Document> ReadJsonl(string file, Encoding encoding)
    {
        long lineNumber = 0;
        foreach (var line in ReadAll(file, encoding).Split('\n'))
        {
            lineNumber++;
            var trimmed = line.TrimEnd('\r').TrimStart('\uFEFF');
            if (!string.IsNullOrWhiteSpace(trimmed)) yield return JsonlReader.Parse(trimmed, file, lineNumber);
        }
    }

    /// <summary>Plain text (already checked to decode) cut into documents; ids are
    /// <c>file</c>, <c>file:line</c> or <c>file#k</c> (k-th separated entry, from 0).</summary>
    public static IEnumerable<Document> ReadText(string file, TextSplit split, string separator = "%", Encoding? encoding = null)
    {
        encoding ??= StrictUtf8;
        if (split == TextSplit.File)
        {
            var all = ReadAll(file, encoding).Replace("\r\n", "\n");
            if (!string.IsNullOrWhiteSpace(all)) yield return new Document(file, all.Trim('\n'));
            yield break;
        }
        using var reader = new StreamReader(file, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        long lineNumber = 0;
        if (split == TextSplit.Line)
        {
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                lineNumber++;
                if (!string.IsNullOrWhiteSpace(line)) yield return new Document($"{file}:{lineNumber}", line);
            }
            yield break;
        }
        var current = new StringBuilder();
        int entry = 0;
        string? l;
        while ((l = reader.ReadLine()) != null)
        {
            if (l == separator)
            {
                if (current.Length > 0 && !string.IsNullOrWhiteSpace(current.ToString()))
                    yield return new Document($"{file}#{entry++}", current.ToString().Trim('\n'));
                current.Clear();
                continue;
            }
            current.Append(l).Append('\n');
        }
        if (current.Length > 0 && !string.IsNullOrWhiteSpace(current.ToString()))
            yield return new Document($"{file}#{entry}", current.ToString().Trim('\n'));
    }
}
