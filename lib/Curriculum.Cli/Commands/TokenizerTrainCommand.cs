using System.CommandLine;
using System.Diagnostics;
using Curriculum.Tokenization;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum tokenizer train --type bpe|wordpiece --vocab-size N --input FILE... --out tokenizer.json</c>.</summary>
static class TokenizerTrainCommand
{
    public static Command Create()
    {
        var type = new Option<string>("--type") { Description = "bpe (byte-level BPE) or wordpiece (BERT)", DefaultValueFactory = _ => "bpe" };
        type.AcceptOnlyFromAmong("bpe", "wordpiece");
        var vocabSize = new Option<int>("--vocab-size") { Description = "Target vocabulary size", Required = true };
        var input = new Option<string[]>("--input") { Description = "UTF-8 text files", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "tokenizer.json to write", Required = true };
        var minFrequency = new Option<long>("--min-frequency") { Description = "Never merge a pair seen fewer times", DefaultValueFactory = _ => 2 };
        var pattern = new Option<string>("--pattern") { Description = "BPE pre-tokenizer: gpt2, cl100k or o200k", DefaultValueFactory = _ => "gpt2" };
        pattern.AcceptOnlyFromAmong("gpt2", "cl100k", "o200k");
        var specials = new Option<string[]?>("--special-tokens") { Description = "Special tokens (default: <|endoftext|> for bpe; [PAD] [UNK] [CLS] [SEP] [MASK] for wordpiece)", AllowMultipleArgumentsPerToken = true };
        var cased = new Option<bool>("--cased") { Description = "WordPiece: keep case and accents (default: lower-case, strip accents)" };
        var vocabTxt = new Option<string?>("--vocab-txt") { Description = "WordPiece: also write a BERT vocab.txt" };

        var command = new Command("train", "Train a byte-level BPE or WordPiece tokenizer; writes a Hugging Face tokenizer.json.");
        foreach (var o in new Option[] { type, vocabSize, input, output, minFrequency, pattern, specials, cased, vocabTxt }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var files = parse.GetValue(input)!;
            var specialTokens = parse.GetValue(specials) is { Length: > 0 } given ? given : null;
            foreach (var f in files)
                if (!File.Exists(f)) { Console.Error.WriteLine($"{f}: no such file"); return 2; }
            var progress = new Progress<TrainingProgress>(p => Console.Error.Write($"\r{p.Stage} {p.Done:N0}/{p.Total:N0}   "));
            var watch = Stopwatch.StartNew();
            string outPath = parse.GetValue(output)!;
            int vocabularySize;
            int invalid;
            try
            {
                if (parse.GetValue(type) == "bpe")
                {
                    var p = parse.GetValue(pattern) switch { "cl100k" => PreTokenizerPattern.Cl100k, "o200k" => PreTokenizerPattern.O200k, _ => PreTokenizerPattern.Gpt2 };
                    var trainer = new BpeTrainer(new BpeTrainerOptions(parse.GetValue(vocabSize), parse.GetValue(minFrequency),
                        specialTokens ?? ["<|endoftext|>"], p), progress);
                    trainer.AddFiles(files);
                    var tok = trainer.Train();
                    TokenizerJson.Save(tok, outPath);
                    (vocabularySize, invalid) = (tok.VocabularySize, trainer.InvalidUtf8Sequences);
                }
                else
                {
                    var trainer = new WordPieceTrainer(new WordPieceTrainerOptions(parse.GetValue(vocabSize), parse.GetValue(minFrequency),
                        specialTokens, new BertNormalizer(Lowercase: !parse.GetValue(cased))), progress);
                    trainer.AddFiles(files);
                    var tok = trainer.Train();
                    TokenizerJson.Save(tok, outPath);
                    if (parse.GetValue(vocabTxt) is { } vt) tok.SaveVocabTxt(vt);
                    (vocabularySize, invalid) = (tok.VocabularySize, trainer.InvalidUtf8Sequences);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                Console.Error.WriteLine($"\n{e.Message}");
                return e is ArgumentException ? 2 : 1;
            }
            Console.Error.WriteLine();
            if (invalid > 0) Console.Error.WriteLine($"{invalid} invalid UTF-8 sequence(s) in the input replaced by U+FFFD");
            Console.Error.WriteLine($"wrote {outPath}: vocabulary {vocabularySize} in {watch.Elapsed.TotalSeconds:F1} s");
            return 0;
        });
        return command;
    }
}
