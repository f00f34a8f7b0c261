using System.Text.Json;
using Curriculum.Tensors;
using Curriculum.Tokenization;

namespace Curriculum.Training;

/// <summary>One encoded example: token ids (already truncated to fit the model) and its class index.</summary>
public readonly record struct LabelledExample(int[] Ids, int Label);

/// <summary>
/// A classification file, one JSON object per line with "text" and "label" (a string, e.g. "spam"/"ham"), encoded
/// with the model's tokenizer and cut into right-padded batches (B,T) with their lengths.
/// </summary>
public static class LabelledExamples
{
    /// <summary>Reads (text, label) pairs, strictly in <paramref name="encoding"/> (default UTF-8); a bad line, or bytes
    /// that do not decode, throw naming the file and line (and, for a file that is not UTF-8, what it seems to be).</summary>
    public static List<(string Text, string Label)> Read(string path, System.Text.Encoding? encoding = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file.");
        var list = new List<(string, string)>();
        int lineNo = 0;
        using var reader = new StreamReader(path, encoding ?? Data.InputEncoding.StrictUtf8, detectEncodingFromByteOrderMarks: true);
        while (true)
        {
            string? line;
            try { line = reader.ReadLine(); }
            catch (System.Text.DecoderFallbackException)
            {
                throw new InvalidDataException($"{path}: near line {lineNo + 1}: not {(encoding ?? Data.InputEncoding.StrictUtf8).WebName}; " + Data.TextEncodingDetector.Explain(path));
            }
            if (line == null) break;
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String
                    || !r.TryGetProperty("label", out var l) || l.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                    throw new InvalidDataException($"{path}: line {lineNo}: expected an object with a string \"text\" and a \"label\" (string or number).");
                list.Add((t.GetString()!, l.ValueKind == JsonValueKind.String ? l.GetString()! : l.GetRawText()));
            }
            catch (JsonException e) { throw new InvalidDataException($"{path}: line {lineNo}: invalid JSON: {e.Message}"); }
        }
        if (list.Count == 0) throw new InvalidDataException($"{path}: no examples (expected JSON lines with \"text\" and \"label\").");
        return list;
    }

    /// <summary>
    /// Token ids of each text, at most <paramref name="maxTokens"/> (the start is kept), wrapped as [CLS] … [SEP] when
    /// <paramref name="cls"/>/<paramref name="sep"/> are given (BERT).
    /// </summary>
    public static List<LabelledExample> Encode(List<(string Text, string Label)> rows, Tokenizer tokenizer, string[] labels, int maxTokens,
        string source, int? cls = null, int? sep = null)
    {
        var result = new List<LabelledExample>(rows.Count);
        int room = maxTokens - (cls != null ? 1 : 0) - (sep != null ? 1 : 0);
        for (int i = 0; i < rows.Count; i++)
        {
            int label = Array.IndexOf(labels, rows[i].Label);
            if (label < 0) throw new InvalidDataException($"{source}: example {i + 1} has label \"{rows[i].Label}\", not one of the model's labels ({string.Join(", ", labels)}).");
            var ids = tokenizer.EncodeToIds(rows[i].Text);
            var list = new List<int>(Math.Min(ids.Count, room) + 2);
            if (cls is int c) list.Add(c);
            for (int k = 0; k < ids.Count && k < room; k++) list.Add(ids[k]);
            if (sep is int s) list.Add(s);
            if (list.Count == 0) list.Add(0);
            result.Add(new LabelledExample(list.ToArray(), label));
        }
        return result;
    }

    /// <summary>Examples [start, start+count) of <paramref name="order"/> -> ids (B,T) right-padded with <paramref name="pad"/>, lengths, labels, and the (B,T) mask (1 = token).</summary>
    public static (IntTensor Ids, int[] Lengths, int[] Labels, IntTensor Mask) Batch(List<LabelledExample> examples, int[] order, int start, int count, int pad)
    {
        int t = 0;
        for (int i = 0; i < count; i++) t = Math.Max(t, examples[order[start + i]].Ids.Length);
        var ids = new int[count * t];
        var mask = new int[count * t];
        var lengths = new int[count];
        var labels = new int[count];
        Array.Fill(ids, pad);
        for (int i = 0; i < count; i++)
        {
            var e = examples[order[start + i]];
            e.Ids.CopyTo(ids, i * t);
            for (int k = 0; k < e.Ids.Length; k++) mask[i * t + k] = 1;
            lengths[i] = e.Ids.Length;
            labels[i] = e.Label;
        }
        return (new IntTensor(ids, count, t), lengths, labels, new IntTensor(mask, count, t));
    }
}
