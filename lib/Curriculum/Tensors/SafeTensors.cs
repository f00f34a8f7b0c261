using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Curriculum.Json;

namespace Curriculum.Tensors;

/// <summary>The contents of a safetensors file: float32 and int32 tensors by name, and the free-form metadata.</summary>
public sealed record SafeTensorsFile(
    IReadOnlyDictionary<string, Tensor> Tensors,
    IReadOnlyDictionary<string, IntTensor> IntTensors,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// The safetensors format (Hugging Face): 8-byte little-endian header length N, N bytes of JSON
/// <c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}</c>,
/// then the raw little-endian data. Files written here are read by <c>safetensors.torch.load_file</c> and back.
/// </summary>
public static class SafeTensors
{
    /// <summary>Writes the tensors (sorted by name) to a temporary file, then renames it over <paramref name="path"/>.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, IntTensor>? intTensors = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        string full = Path.GetFullPath(path);
        string tmp = full + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write)) Write(fs, tensors, intTensors, metadata);
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Writes the tensors (sorted by name) in the safetensors layout to <paramref name="stream"/> (not closed here).</summary>
    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, IntTensor>? intTensors = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("SafeTensors: big-endian machines are not supported.");
        var entries = new List<(string Name, string Dtype, int[] Shape, Tensor? F, IntTensor? I)>();
        foreach (var (name, t) in tensors) entries.Add((name, "F32", t.ShapeArray, t, null));
        if (intTensors != null) foreach (var (name, t) in intTensors) entries.Add((name, "I32", t.ShapeArray, null, t));
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));

        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (metadata != null && metadata.Count > 0)
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long at = 0;
            foreach (var e in entries)
            {
                long len = 4L * Shapes.Numel(e.Shape);
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", e.Dtype);
                w.WriteStartArray("shape");
                foreach (int s in e.Shape) w.WriteNumberValue(s);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(at);
                w.WriteNumberValue(at + len);
                w.WriteEndArray();
                w.WriteEndObject();
                at += len;
            }
            w.WriteEndObject();
        }
        // Pad the header with spaces so the data starts 8-byte aligned.
        int headerLen = (int)((json.Length + 7) / 8 * 8);
        Span<byte> len8 = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len8, (ulong)headerLen);
        stream.Write(len8);
        stream.Write(json.GetBuffer().AsSpan(0, (int)json.Length));
        for (long i = json.Length; i < headerLen; i++) stream.WriteByte((byte)' ');
        foreach (var e in entries)
            // A tensor on a device is copied to the host to be written.
            stream.Write(e.F != null ? MemoryMarshal.AsBytes(e.F.HostData().AsSpan()) : MemoryMarshal.AsBytes(e.I!.Data.AsSpan()));
    }

    /// <summary>Reads a file, checking the header and every entry; errors name the file and the offending entry.</summary>
    public static SafeTensorsFile Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new InvalidDataException($"{path}: cannot read: {e.Message}", e); }
        if (bytes.Length < 8) throw new InvalidDataException($"{path}: {bytes.Length} bytes, too short for the 8-byte header length.");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > (ulong)(bytes.Length - 8))
            throw new InvalidDataException($"{path}: header length {n} at offset 0 exceeds the {bytes.Length - 8} bytes after it (truncated file or not safetensors).");
        int dataStart = 8 + (int)n;
        JsonDocument doc;
        try { doc = StrictJson.ParseDocument(bytes.AsMemory(8, (int)n)); }
        catch (JsonTextException e) { throw new InvalidDataException($"{path}: header is not valid JSON (it starts at file byte 8): {e.Message}", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: header must be a JSON object.");
            var floats = new Dictionary<string, Tensor>();
            var ints = new Dictionary<string, IntTensor>();
            var meta = new Dictionary<string, string>();
            var spans = new List<(long Begin, long End, string Name)>();
            long dataLen = bytes.Length - dataStart;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__")
                {
                    if (p.Value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: __metadata__ must be an object of strings.");
                    foreach (var m in p.Value.EnumerateObject()) meta[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                var (dtype, shape, begin, end) = ParseEntry(path, p);
                int elem = dtype switch { "F32" or "I32" => 4, "F64" or "I64" => 8, _ => throw new InvalidDataException($"{path}: tensor '{p.Name}' has dtype {dtype}; supported: F32, I32 (F64, I64 are converted).") };
                long numel = Shapes.Numel(shape);
                if (end - begin != numel * elem)
                    throw new InvalidDataException($"{path}: tensor '{p.Name}' has data_offsets [{begin},{end}] ({end - begin} bytes) but shape {Shapes.Text(shape)} of {dtype} needs {numel * elem}.");
                if (end > dataLen)
                    throw new InvalidDataException($"{path}: tensor '{p.Name}' ends at data byte {end} but only {dataLen} bytes of data follow the header (truncated file).");
                spans.Add((begin, end, p.Name));
                var src = bytes.AsSpan(dataStart + (int)begin, (int)(end - begin));
                if (dtype[0] == 'F')
                {
                    var d = new float[numel];
                    if (dtype == "F32") MemoryMarshal.Cast<byte, float>(src).CopyTo(d);
                    else { var s64 = MemoryMarshal.Cast<byte, double>(src); for (int i = 0; i < d.Length; i++) d[i] = (float)s64[i]; }
                    floats[p.Name] = new Tensor(d, shape);
                }
                else
                {
                    var d = new int[numel];
                    if (dtype == "I32") MemoryMarshal.Cast<byte, int>(src).CopyTo(d);
                    else
                    {
                        var s64 = MemoryMarshal.Cast<byte, long>(src);
                        for (int i = 0; i < d.Length; i++)
                            d[i] = s64[i] is >= int.MinValue and <= int.MaxValue ? (int)s64[i]
                                : throw new InvalidDataException($"{path}: tensor '{p.Name}' element {i} is {s64[i]}, outside the int32 range it is converted to.");
                    }
                    ints[p.Name] = new IntTensor(d, shape);
                }
            }
            spans.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            for (int i = 1; i < spans.Count; i++)
                if (spans[i].Begin < spans[i - 1].End)
                    throw new InvalidDataException($"{path}: tensors '{spans[i - 1].Name}' and '{spans[i].Name}' overlap in the data.");
            return new SafeTensorsFile(floats, ints, meta);
        }
    }

    static (string Dtype, int[] Shape, long Begin, long End) ParseEntry(string path, JsonProperty p)
    {
        var v = p.Value;
        string Where(string field) => $"{path}: header entry '{p.Name}', field '{field}'";
        if (v.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: header entry '{p.Name}' must be an object.");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw new InvalidDataException($"{Where("dtype")}: missing or not a string.");
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{Where("shape")}: missing or not an array.");
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new InvalidDataException($"{Where("data_offsets")}: missing or not [begin, end].");
        var shape = new int[sh.GetArrayLength()];
        int k = 0;
        foreach (var e in sh.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out shape[k]) || shape[k] < 0) throw new InvalidDataException($"{Where("shape")}: {sh.GetRawText()} is not a list of sizes.");
            k++;
        }
        if (off[0].ValueKind != JsonValueKind.Number || off[1].ValueKind != JsonValueKind.Number
            || !off[0].TryGetInt64(out long b) || !off[1].TryGetInt64(out long e2) || b < 0 || e2 < b)
            throw new InvalidDataException($"{Where("data_offsets")}: {off.GetRawText()} is not a valid [begin, end].");
        try { checked { long n = 1; foreach (int s in shape) n *= s * 8L; } }   // sizes whose byte count a long cannot hold
        catch (OverflowException) { throw new InvalidDataException($"{Where("shape")}: {sh.GetRawText()} has more elements than any file can hold."); }
        return (dt.GetString()!, shape, b, e2);
    }
}
