using System.CommandLine;
using System.Diagnostics;
using Curriculum.Data;
using Curriculum.Tokenization;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum tokenizer train --type bpe|wordpiece|unigram --vocab-size N --input FILE|FOLDER... --out tokenizer.json</c>.
/// Reads its input as the data commands do (<see cref="CorpusReader"/>: <c>.jsonl</c> by its "text" field, folders
/// recursively, plain text cut by --split, strict about the encoding), so it trains on the documents the pipeline
/// wrote, not on JSON syntax.</summary>
static class TokenizerTrainCommand
{
    public static Command Create()
    {
        var type = new Option<string>("--type") { Description = "bpe (byte-level BPE), wordpiece (BERT) or unigram (SentencePiece-style, byte fallback)", DefaultValueFactory = _ => "bpe" };
        type.AcceptOnlyFromAmong("bpe", "wordpiece", "unigram");
        var vocabSize = new Option<int>("--vocab-size") { Description = "Target vocabulary size", Required = true };
        var input = DataCommand.InputOption();
        var split = DataCommand.SplitOption();
        var separator = DataCommand.SeparatorOption();
        var encoding = DataCommand.EncodingOption();
        var output = new Option<string>("--out") { Description = "tokenizer.json to write", Required = true };
        var minFrequency = new Option<long>("--min-frequency") { Description = "Never merge a pair seen fewer times", DefaultValueFactory = _ => 2 };
        var pattern = new Option<string>("--pattern") { Description = "BPE pre-tokenizer: gpt2, cl100k or o200k", DefaultValueFactory = _ => "gpt2" };
        pattern.AcceptOnlyFromAmong("gpt2", "cl100k", "o200k");
        var specials = new Option<string[]?>("--special-tokens") { Description = "Special tokens (default: <|endoftext|> for bpe; [PAD] [UNK] [CLS] [SEP] [MASK] for wordpiece)", AllowMultipleArgumentsPerToken = true };
        var cased = new Option<bool>("--cased") { Description = "WordPiece: keep case and accents (default: lower-case, strip accents)" };
        var limitAlphabet = new Option<int?>("--limit-alphabet") { Description = "WordPiece: keep only the N most frequent characters (the rest become [UNK]); Chinese text has thousands, and each needs a start and a ## entry." };
        var vocabTxt = new Option<string?>("--vocab-txt") { Description = "WordPiece: also write a BERT vocab.txt" };

        var command = new Command("train", "Train a byte-level BPE, WordPiece or Unigram tokenizer on files, folders or .jsonl (the \"text\" field); writes a Hugging Face tokenizer.json.");
        foreach (var o in new Option[] { type, vocabSize, input, split, separator, encoding, output, minFrequency, pattern, specials, cased, limitAlphabet, vocabTxt }) command.Options.Add(o);
        command.SetAction(parse => DataCommand.Guard(() =>
        {
            var inputs = parse.GetValue(input)!;
            string outPath = OutputLocation.File(parse.GetValue(output)!, "--out", inputs);
            string? vocabTxtPath = parse.GetValue(vocabTxt) is { } vt ? OutputLocation.File(vt, "--vocab-txt", inputs) : null;
            int asked = parse.GetValue(vocabSize);
            if (asked < 1) throw new UsageException("--vocab-size must be positive.");
            var specialTokens = parse.GetValue(specials) is { Length: > 0 } given ? given : null;
            var progress = new Progress<TrainingProgress>(p => Console.Error.Write($"\r{p.Stage} {p.Done:N0}/{p.Total:N0}   "));
            var watch = Stopwatch.StartNew();
            var report = new ReadReport();
            var docs = DataCommand.NonEmpty(CorpusReader.Read(inputs, parse.GetValue(split), parse.GetValue(separator)!, report, InputEncoding.Get(parse.GetValue(encoding)!)), inputs, report);
            Tokenizer tok;
            string? explanation = null;
            if (parse.GetValue(type) == "bpe")
            {
                var p = parse.GetValue(pattern) switch { "cl100k" => PreTokenizerPattern.Cl100k, "o200k" => PreTokenizerPattern.O200k, _ => PreTokenizerPattern.Gpt2 };
                var trainer = new BpeTrainer(new BpeTrainerOptions(asked, parse.GetValue(minFrequency), specialTokens ?? ["<|endoftext|>"], p), progress);
                foreach (var d in docs) trainer.AddText(d.Text);
                var bpe = trainer.Train();
                TokenizerJson.Save(bpe, outPath);
                tok = bpe;
            }
            else if (parse.GetValue(type) == "unigram")
            {
                if (specialTokens != null) throw new UsageException("--special-tokens: a Unigram tokenizer has <unk> <s> </s> only.");
                var trainer = new UnigramTrainer(new UnigramTrainerOptions(asked), progress);
                foreach (var d in docs) trainer.AddText(d.Text);
                UnigramTokenizer unigram;
                try { unigram = trainer.Train(); }
                catch (ArgumentException e) { throw new UsageException(e.Message); }
                TokenizerJson.Save(unigram, outPath);
                tok = unigram;
            }
            else
            {
                var trainer = new WordPieceTrainer(new WordPieceTrainerOptions(asked, parse.GetValue(minFrequency),
                    specialTokens, new BertNormalizer(Lowercase: !parse.GetValue(cased)), parse.GetValue(limitAlphabet)), progress);
                foreach (var d in docs) trainer.AddText(d.Text);
                var wp = trainer.Train();
                TokenizerJson.Save(wp, outPath);
                if (vocabTxtPath != null) wp.SaveVocabTxt(vocabTxtPath);
                tok = wp;
                if (wp.VocabularySize > asked)
                    explanation = $"the vocabulary has {wp.VocabularySize:N0} entries, more than the {asked:N0} asked: WordPiece keeps every character of the text "
                        + $"(and a ## form of each that occurs inside a word) before it merges anything, {trainer.AlphabetEntries:N0} entries here. "
                        + $"Pass --limit-alphabet N to keep only the N most frequent characters (the rest become [UNK]), or ask for a larger vocabulary.";
            }
            Console.Error.WriteLine();
            DataCommand.PrintSkipped(report);
            if (explanation != null) Console.Error.WriteLine("note: " + explanation);
            Console.Error.WriteLine($"wrote {outPath}: vocabulary {tok.VocabularySize} from {report.Documents:N0} documents in {report.FilesRead} files in {watch.Elapsed.TotalSeconds:F1} s");
            return 0;
        }));
        return command;
    }
}
