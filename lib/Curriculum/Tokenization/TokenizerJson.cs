using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Curriculum.Json;

namespace Curriculum.Tokenization;

/// <summary>
/// Hugging Face <c>tokenizer.json</c> (the `tokenizers` library's format), for the three pipelines this library has:
/// byte-level BPE (model BPE, pre-tokenizer ByteLevel or Split+ByteLevel, decoder ByteLevel),
/// BERT WordPiece (model WordPiece, BertNormalizer, BertPreTokenizer, decoder WordPiece) and
/// SentencePiece-style Unigram (model Unigram, see <see cref="UnigramJson"/>).
/// </summary>
public static class TokenizerJson
{
    static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Loads a tokenizer.json; a malformed or unsupported file throws <see cref="FormatException"/>
    /// naming the file and the line/byte (syntax) or the JSON path (content).</summary>
    public static Tokenizer Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new FormatException($"{path}: cannot read: {e.Message}", e); }
        JsonDocument doc;
        try { doc = StrictJson.ParseDocument(bytes); }
        catch (JsonTextException e) { throw new FormatException($"{path}: {e.Message}", e); }
        using (doc)
        {
            var root = new Reader(path, doc.RootElement, "$");
            var model = root.Object("model");
            string type = model.String("type");
            return type switch
            {
                "BPE" => LoadBpe(root, model),
                "WordPiece" => WordPieceJson.Load(root, model),
                "Unigram" => UnigramJson.Load(root, model),
                _ => throw model.Error("type", $"model type '{type}' is not supported (expected BPE, WordPiece or Unigram)"),
            };
        }
    }

    static BpeTokenizer LoadBpe(Reader root, Reader model)
    {
        if (!root.IsNull("normalizer")) throw root.Error("normalizer", "a byte-level BPE tokenizer.json with a normalizer is not supported (expected null)");
        if (!model.IsNull("dropout")) throw model.Error("dropout", "is not supported (expected null)");
        foreach (var option in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (!model.IsNull(option) && model.String(option) != "") throw model.Error(option, "is not supported (expected null or \"\")");
        if (model.OptionalBool("byte_fallback")) throw model.Error("byte_fallback", "is not supported (expected false)");
        var preTokenizer = ReadByteLevelPreTokenizer(root.Object("pre_tokenizer"));

        var vocabEl = model.Object("vocab");
        var vocabulary = new List<byte[]?>();
        var specialTokens = new Dictionary<string, int>();
        foreach (var added in root.Array("added_tokens"))
        {
            string content = added.String("content");
            int id = added.Int("id");
            if (!added.OptionalBool("special")) throw added.Error("special", "non-special added tokens are not supported");
            specialTokens[content] = id;
        }
        foreach (var (token, idEl) in vocabEl.Properties())
        {
            int id = idEl.AsInt();
            if (specialTokens.TryGetValue(token, out int sid) && sid == id) continue;
            var bytes = ByteLevelAlphabet.Decode(token) ?? throw idEl.Error(null, $"token '{token}' has a character outside the byte-level alphabet");
            while (vocabulary.Count <= id) vocabulary.Add(null);
            if (vocabulary[id] != null) throw idEl.Error(null, $"id {id} is given to two tokens");
            vocabulary[id] = bytes;
        }
        var tokenIds = new Dictionary<string, int>();
        foreach (var (token, idEl) in vocabEl.Properties()) tokenIds[token] = idEl.AsInt();
        var merges = new List<(int, int)>();
        foreach (var m in model.Array("merges"))
        {
            string left, right;
            if (m.Kind == JsonValueKind.Array && m.Items().ToList() is { Count: 2 } pair) { left = pair[0].AsString(); right = pair[1].AsString(); }
            else if (m.Kind == JsonValueKind.String && m.AsString().Split(' ') is { Length: 2 } parts) { left = parts[0]; right = parts[1]; }
            else throw m.Error(null, "expected a merge [\"left\", \"right\"] or \"left right\"");
            if (!tokenIds.TryGetValue(left, out int a)) throw m.Error(null, $"merge token '{left}' is not in model.vocab");
            if (!tokenIds.TryGetValue(right, out int b)) throw m.Error(null, $"merge token '{right}' is not in model.vocab");
            if (!tokenIds.ContainsKey(left + right)) throw m.Error(null, $"merge result '{left + right}' is not in model.vocab");
            merges.Add((a, b));
        }
        try { return BpeTokenizer.FromMerges(preTokenizer, vocabulary, merges, specialTokens, model.OptionalBool("ignore_merges")); }
        catch (ArgumentException e) { throw model.Error(null, e.Message); }
    }

    static PreTokenizer ReadByteLevelPreTokenizer(Reader pre)
    {
        string type = pre.String("type");
        if (type == "ByteLevel")
        {
            if (pre.OptionalBool("add_prefix_space")) throw pre.Error("add_prefix_space", "true is not supported (expected false)");
            if (!pre.OptionalBool("use_regex", true)) throw pre.Error("use_regex", "false without a Split before it is not supported");
            return Gpt2PreTokenizer.Instance;
        }
        if (type == "Sequence")
        {
            var items = pre.Array("pretokenizers").ToList();
            if (items.Count == 2 && items[0].String("type") == "Split" && items[1].String("type") == "ByteLevel")
            {
                string regex = items[0].Object("pattern").String("Regex");
                if (items[0].String("behavior") != "Isolated") throw items[0].Error("behavior", "expected Isolated");
                if (items[1].OptionalBool("add_prefix_space")) throw items[1].Error("add_prefix_space", "true is not supported (expected false)");
                return PreTokenizer.ForRegex(regex) ?? throw items[0].Error("pattern", "the regex is none of the gpt2, cl100k, o200k patterns");
            }
        }
        throw pre.Error("type", "expected a ByteLevel pre-tokenizer, or a Sequence of Split and ByteLevel");
    }

    /// <summary>Writes a byte-level BPE tokenizer (atomically). A tiktoken-rule one is written with the
    /// equivalent merges (<see cref="BpeTokenizer.DeriveMerges"/>) and <c>ignore_merges: true</c>.</summary>
    public static void Save(BpeTokenizer tokenizer, string path)
    {
        var merges = tokenizer.Merges ?? tokenizer.DeriveMerges();
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
        {
            WriteHead(w, tokenizer.SpecialTokens.OrderBy(kv => kv.Value).Select(kv => (kv.Key, kv.Value)));
            w.WriteNull("normalizer");
            w.WritePropertyName("pre_tokenizer");
            if (tokenizer.PreTokenizer.Kind == PreTokenizerPattern.Gpt2) WriteByteLevel(w, useRegex: true);
            else
            {
                w.WriteStartObject();
                w.WriteString("type", "Sequence");
                w.WriteStartArray("pretokenizers");
                w.WriteStartObject();
                w.WriteString("type", "Split");
                w.WriteStartObject("pattern");
                w.WriteString("Regex", tokenizer.PreTokenizer.Pattern);
                w.WriteEndObject();
                w.WriteString("behavior", "Isolated");
                w.WriteBoolean("invert", false);
                w.WriteEndObject();
                WriteByteLevel(w, useRegex: false);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WritePropertyName("post_processor");
            WriteByteLevel(w, useRegex: true, trimOffsets: false);
            w.WritePropertyName("decoder");
            WriteByteLevel(w, useRegex: true);
            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteNull("dropout");
            w.WriteNull("unk_token");
            w.WriteNull("continuing_subword_prefix");
            w.WriteNull("end_of_word_suffix");
            w.WriteBoolean("fuse_unk", false);
            w.WriteBoolean("byte_fallback", false);
            w.WriteBoolean("ignore_merges", tokenizer.IgnoresMerges);
            w.WriteStartObject("vocab");
            var specialById = tokenizer.SpecialTokens.ToDictionary(kv => kv.Value, kv => kv.Key);
            for (int id = 0; id < tokenizer.VocabularySize; id++)
            {
                if (specialById.TryGetValue(id, out var s)) w.WriteNumber(s, id);
                else if (tokenizer.Vocabulary.Count > id && tokenizer.Vocabulary[id] is { } b) w.WriteNumber(ByteLevelAlphabet.Encode(b), id);
            }
            w.WriteEndObject();
            w.WriteStartArray("merges");
            foreach (var (a, b) in merges)
            {
                w.WriteStartArray();
                w.WriteStringValue(tokenizer.IdToToken(a));
                w.WriteStringValue(tokenizer.IdToToken(b));
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        AtomicFile.WriteAllText(path, Encoding.UTF8.GetString(ms.ToArray()));
    }

    /// <summary>Writes a WordPiece tokenizer (atomically).</summary>
    public static void Save(WordPieceTokenizer tokenizer, string path) => WordPieceJson.Save(tokenizer, path);

    /// <summary>Writes a Unigram tokenizer (atomically).</summary>
    public static void Save(UnigramTokenizer tokenizer, string path) => UnigramJson.Save(tokenizer, path);

    /// <summary>Opens the file's object and writes what every pipeline's file starts with: version, no truncation or padding, the added tokens.</summary>
    internal static void WriteHead(Utf8JsonWriter w, IEnumerable<(string Content, int Id)> addedTokens)
    {
        w.WriteStartObject();
        w.WriteString("version", "1.0");
        w.WriteNull("truncation");
        w.WriteNull("padding");
        w.WriteStartArray("added_tokens");
        foreach (var (content, id) in addedTokens) WriteAddedToken(w, content, id);
        w.WriteEndArray();
    }

    static void WriteAddedToken(Utf8JsonWriter w, string content, int id)
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteString("content", content);
        w.WriteBoolean("single_word", false);
        w.WriteBoolean("lstrip", false);
        w.WriteBoolean("rstrip", false);
        w.WriteBoolean("normalized", false);
        w.WriteBoolean("special", true);
        w.WriteEndObject();
    }

    static void WriteByteLevel(Utf8JsonWriter w, bool useRegex, bool trimOffsets = true)
    {
        w.WriteStartObject();
        w.WriteString("type", "ByteLevel");
        w.WriteBoolean("add_prefix_space", false);
        w.WriteBoolean("trim_offsets", trimOffsets);
        w.WriteBoolean("use_regex", useRegex);
        w.WriteEndObject();
    }

    internal static string Serialize(Action<Utf8JsonWriter> write)
    {
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions)) write(w);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>A JSON value with the file and JSON path it came from, for errors that say where.</summary>
    internal readonly struct Reader(string file, JsonElement element, string path)
    {
        public JsonValueKind Kind => element.ValueKind;

        public FormatException Error(string? property, string message) =>
            new($"{file}: {(property == null ? path : path + "." + property)}: {message}");

        JsonElement Get(string name)
        {
            if (element.ValueKind != JsonValueKind.Object) throw Error(null, "expected an object");
            return element.TryGetProperty(name, out var v) ? v : throw Error(name, "missing");
        }

        public bool IsNull(string name) =>
            element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null;

        public Reader Object(string name)
        {
            var v = Get(name);
            return v.ValueKind == JsonValueKind.Object ? new Reader(file, v, path + "." + name) : throw Error(name, $"expected an object, found {v.ValueKind}");
        }

        public IEnumerable<Reader> Array(string name)
        {
            var v = Get(name);
            if (v.ValueKind != JsonValueKind.Array) throw Error(name, $"expected an array, found {v.ValueKind}");
            return new Reader(file, v, path + "." + name).Items();
        }

        public IEnumerable<Reader> Items()
        {
            var (f, p) = (file, path);
            return element.EnumerateArray().Select((e, i) => new Reader(f, e, $"{p}[{i}]"));
        }

        public IEnumerable<(string Name, Reader Value)> Properties()
        {
            var (f, p) = (file, path);
            return element.EnumerateObject().Select(prop => (prop.Name, new Reader(f, prop.Value, $"{p}[{JsonSerializer.Serialize(prop.Name)}]")));
        }

        public string String(string name) => Get(name) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw Error(name, "expected a string");
        public int Int(string name) => Get(name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out int i) && i >= 0 ? i : throw Error(name, "expected a non-negative integer");
        public bool OptionalBool(string name, bool absent = false)
        {
            if (IsNull(name)) return absent;
            var v = Get(name);
            return v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Error(name, "expected true or false") };
        }
        public string AsString() => element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Error(null, "expected a string");
        public double AsDouble() => element.ValueKind == JsonValueKind.Number ? element.GetDouble() : throw Error(null, "expected a number");
        public int AsInt() => element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int i) && i >= 0 ? i : throw Error(null, "expected a non-negative integer");
    }
}
