using System.Text.Json;

namespace Curriculum.Tokenization;

/// <summary>tokenizer.json for a SentencePiece-style Unigram tokenizer, laid out as Hugging Face writes Llama's:
/// model Unigram (vocab [[piece, score]...], unk_id, byte_fallback), normalizer Prepend("▁") + Replace(" ", "▁"),
/// no pre-tokenizer (the lattice reads the whole text, as SentencePiece does), decoder Replace("▁", " ") +
/// ByteFallback + Fuse + Strip(one leading space).</summary>
static class UnigramJson
{
    static readonly string Boundary = UnigramTokenizer.WordBoundary.ToString();

    internal static UnigramTokenizer Load(TokenizerJson.Reader root, TokenizerJson.Reader model)
    {
        CheckNormalizer(root);
        if (!root.IsNull("pre_tokenizer")) throw root.Error("pre_tokenizer", "a Unigram pre-tokenizer is not supported (expected null: the normalizer writes the spaces as ▁)");
        bool byteFallback = model.OptionalBool("byte_fallback");
        int unkId = model.Int("unk_id");
        var controls = new HashSet<int>();
        foreach (var added in root.Array("added_tokens"))
            if (added.OptionalBool("special")) controls.Add(added.Int("id"));
        var pieces = new List<UnigramPiece>();
        foreach (var entry in model.Array("vocab"))
        {
            var pair = entry.Kind == JsonValueKind.Array ? entry.Items().ToList() : null;
            if (pair is not { Count: 2 }) throw entry.Error(null, "expected [piece, score]");
            string piece = pair[0].AsString();
            double score = pair[1].AsDouble();
            int id = pieces.Count;
            var kind = id == unkId ? UnigramPieceKind.Unknown
                : controls.Contains(id) ? UnigramPieceKind.Control
                : byteFallback && IsBytePiece(piece) ? UnigramPieceKind.Byte
                : UnigramPieceKind.Normal;
            pieces.Add(new UnigramPiece(piece, score, kind));
        }
        if (unkId >= pieces.Count) throw model.Error("unk_id", $"{unkId} is not an id of model.vocab (0..{pieces.Count - 1})");
        try { return new UnigramTokenizer(pieces, byteFallback); }
        catch (ArgumentException e) { throw model.Error(null, e.Message); }
    }

    static bool IsBytePiece(string piece) =>
        piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>' && Uri.IsHexDigit(piece[3]) && Uri.IsHexDigit(piece[4])
        && piece == UnigramTokenizer.BytePiece(Convert.ToByte(piece[3..5], 16));

    static void CheckNormalizer(TokenizerJson.Reader root)
    {
        const string expected = "expected a Sequence of Prepend(\"▁\") and Replace(\" \", \"▁\")";
        var norm = root.Object("normalizer");
        if (norm.String("type") != "Sequence") throw norm.Error("type", expected);
        var items = norm.Array("normalizers").ToList();
        if (items.Count != 2) throw norm.Error("normalizers", expected);
        if (items[0].String("type") != "Prepend" || items[0].String("prepend") != Boundary) throw items[0].Error(null, expected);
        if (items[1].String("type") != "Replace" || items[1].Object("pattern").String("String") != " " || items[1].String("content") != Boundary)
            throw items[1].Error(null, expected);
    }

    internal static void Save(UnigramTokenizer tokenizer, string path)
    {
        string json = TokenizerJson.Serialize(w =>
        {
            TokenizerJson.WriteHead(w, Enumerable.Range(0, tokenizer.VocabularySize)
                .Where(id => tokenizer.Pieces[id].Kind is UnigramPieceKind.Unknown or UnigramPieceKind.Control).Select(id => (tokenizer.Pieces[id].Piece, id)));
            w.WriteStartObject("normalizer");
            w.WriteString("type", "Sequence");
            w.WriteStartArray("normalizers");
            w.WriteStartObject();
            w.WriteString("type", "Prepend");
            w.WriteString("prepend", Boundary);
            w.WriteEndObject();
            WriteReplace(w, " ", Boundary);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteNull("pre_tokenizer");
            w.WriteNull("post_processor");
            w.WriteStartObject("decoder");
            w.WriteString("type", "Sequence");
            w.WriteStartArray("decoders");
            WriteReplace(w, Boundary, " ");
            w.WriteStartObject();
            w.WriteString("type", "ByteFallback");
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("type", "Fuse");
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("type", "Strip");
            w.WriteString("content", " ");
            w.WriteNumber("start", 1);
            w.WriteNumber("stop", 0);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("model");
            w.WriteString("type", "Unigram");
            w.WriteNumber("unk_id", tokenizer.UnknownId);
            w.WriteStartArray("vocab");
            foreach (var p in tokenizer.Pieces)
            {
                w.WriteStartArray();
                w.WriteStringValue(p.Piece);
                w.WriteNumberValue(p.Score);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteBoolean("byte_fallback", tokenizer.ByteFallback);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        AtomicFile.WriteAllText(path, json);
    }

    static void WriteReplace(Utf8JsonWriter w, string pattern, string content)
    {
        w.WriteStartObject();
        w.WriteString("type", "Replace");
        w.WriteStartObject("pattern");
        w.WriteString("String", pattern);
        w.WriteEndObject();
        w.WriteString("content", content);
        w.WriteEndObject();
    }
}
