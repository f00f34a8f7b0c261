using System.Text.Json;

namespace Curriculum.Tokenization;

/// <summary>tokenizer.json for BERT WordPiece: WordPiece model, BertNormalizer, BertPreTokenizer,
/// BertProcessing ([CLS] A [SEP] B [SEP]) and the WordPiece decoder.</summary>
static class WordPieceJson
{
    internal static WordPieceTokenizer Load(TokenizerJson.Reader root, TokenizerJson.Reader model)
    {
        var norm = root.Object("normalizer");
        if (norm.String("type") != "BertNormalizer") throw norm.Error("type", "expected BertNormalizer");
        var normalizer = new BertNormalizer(norm.OptionalBool("clean_text", true), norm.OptionalBool("handle_chinese_chars", true),
            norm.IsNull("strip_accents") ? null : norm.OptionalBool("strip_accents"), norm.OptionalBool("lowercase", true));
        var pre = root.Object("pre_tokenizer");
        if (pre.String("type") != "BertPreTokenizer") throw pre.Error("type", "expected BertPreTokenizer");
        var vocabulary = new List<string?>();
        foreach (var (token, idEl) in model.Object("vocab").Properties())
        {
            int id = idEl.AsInt();
            while (vocabulary.Count <= id) vocabulary.Add(null);
            if (vocabulary[id] != null) throw idEl.Error(null, $"id {id} is given to both '{vocabulary[id]}' and '{token}'");
            vocabulary[id] = token;
        }
        for (int id = 0; id < vocabulary.Count; id++)
            if (vocabulary[id] == null) throw model.Error("vocab", $"no token has id {id}; ids must be 0..{vocabulary.Count - 1}");
        var specials = new List<string>();
        foreach (var added in root.Array("added_tokens"))
        {
            string content = added.String("content");
            int id = added.Int("id");
            if (id >= vocabulary.Count || vocabulary[id] != content) throw added.Error("id", $"added token '{content}' must have its id in model.vocab");
            specials.Add(content);
        }
        try
        {
            return new WordPieceTokenizer(vocabulary!, normalizer, model.String("unk_token"),
                model.IsNull("continuing_subword_prefix") ? "##" : model.String("continuing_subword_prefix"),
                model.IsNull("max_input_chars_per_word") ? 100 : model.Int("max_input_chars_per_word"), specials);
        }
        catch (ArgumentException e) { throw model.Error(null, e.Message); }
    }

    internal static void Save(WordPieceTokenizer tokenizer, string path)
    {
        string json = TokenizerJson.Serialize(w =>
        {
            TokenizerJson.WriteHead(w, tokenizer.SpecialTokens.Select(t => (t, tokenizer.TokenToId(t)!.Value)));
            var n = tokenizer.Normalizer;
            w.WriteStartObject("normalizer");
            w.WriteString("type", "BertNormalizer");
            w.WriteBoolean("clean_text", n.CleanText);
            w.WriteBoolean("handle_chinese_chars", n.HandleChineseChars);
            if (n.StripAccents is bool strip) w.WriteBoolean("strip_accents", strip); else w.WriteNull("strip_accents");
            w.WriteBoolean("lowercase", n.Lowercase);
            w.WriteEndObject();
            w.WriteStartObject("pre_tokenizer");
            w.WriteString("type", "BertPreTokenizer");
            w.WriteEndObject();
            w.WriteStartObject("post_processor");
            w.WriteString("type", "BertProcessing");
            WritePair(w, "sep", WordPieceTokenizer.Sep, tokenizer.TokenToId(WordPieceTokenizer.Sep));
            WritePair(w, "cls", WordPieceTokenizer.Cls, tokenizer.TokenToId(WordPieceTokenizer.Cls));
            w.WriteEndObject();
            w.WriteStartObject("decoder");
            w.WriteString("type", "WordPiece");
            w.WriteString("prefix", tokenizer.ContinuingSubwordPrefix);
            w.WriteBoolean("cleanup", true);
            w.WriteEndObject();
            w.WriteStartObject("model");
            w.WriteString("type", "WordPiece");
            w.WriteString("unk_token", tokenizer.UnknownToken);
            w.WriteString("continuing_subword_prefix", tokenizer.ContinuingSubwordPrefix);
            w.WriteNumber("max_input_chars_per_word", tokenizer.MaxInputCharsPerWord);
            w.WriteStartObject("vocab");
            for (int id = 0; id < tokenizer.VocabularySize; id++) w.WriteNumber(tokenizer.IdToToken(id)!, id);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
        AtomicFile.WriteAllText(path, json);
    }

    static void WritePair(Utf8JsonWriter w, string name, string token, int? id)
    {
        w.WriteStartArray(name);
        w.WriteStringValue(token);
        w.WriteNumberValue(id ?? throw new InvalidOperationException($"{token} is not in the vocabulary"));
        w.WriteEndArray();
    }
}
