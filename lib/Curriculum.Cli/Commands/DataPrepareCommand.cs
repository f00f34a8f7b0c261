using System.CommandLine;
using System.Text;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum data prepare --config data.json --out DIR</c>: the whole pipeline from a config (see
/// <see cref="DataConfig"/>, samples/data.json): each source cleaned, deduplicated, decontaminated, encoded and packed
/// into OUT/&lt;name&gt;/, with OUT/report.json. <c>curriculum data prepare --input IN... --out DIR [--tokenizer
/// tokenizer.json] [--shard-tokens N] [--clean ...]</c>: encodes one source (cleaned first with --clean) and writes int32 token shards + index.json
/// (see <see cref="TokenShards"/>). With a tokenizer the ids are the trained tokenizer's, documents separated by its
/// end-of-text token (&lt;|endoftext|&gt;, or [SEP] for WordPiece); without, byte-level: token id = UTF-8 byte
/// (0..255), EOS = 256.</summary>
static class DataPrepareCommand
{
    public const int ByteEos = 256;

    public static Command Create()
    {
        var config = new Option<string?>("--config", "-c") { Description = "A data.json (see samples/data.json): sources and the clean, dedup, decontaminate steps; writes OUT/<source>/ and OUT/report.json." };
        var input = DataCommand.InputOption();
        input.Required = false;
        input.Description += " (Without --config.)";
        var split = DataCommand.SplitOption();
        var separator = DataCommand.SeparatorOption();
        var encoding = DataCommand.EncodingOption();
        encoding.Description += " (Without --config.)";
        var output = new Option<string>("--out", "-o") { Description = "With --config: the folder that receives one shard folder per source and report.json; with --input: the folder for shard-NNNNN.bin files and index.json.", Required = true };
        var shardTokens = new Option<long>("--shard-tokens") { Description = "Token ids per shard file (with --config: \"shard_tokens\").", DefaultValueFactory = _ => 1L << 24 };
        var clean = new Option<bool>("--clean") { Description = "Clean the documents first, with the thresholds below (as `data clean`), and record the cleaning in the shards so that `eval` cleans held-out text the same way. Without --config." };
        var cleaning = new CleaningFlags();
        var tokenizer = new Option<string?>("--tokenizer") { Description = "A tokenizer.json (from `curriculum tokenizer train`) to encode with; default: UTF-8 bytes (with --config: \"tokenizer\")." };
        var cmd = new Command("prepare", "Clean, deduplicate, decontaminate, encode and shard every source of a data.json (--config), or encode one source as it is (--input; tokenizer from --tokenizer, default byte-level: UTF-8 bytes, EOS = 256) into int32 token shards for pre-training.")
        {
            config, input, split, separator, encoding, output, shardTokens, tokenizer, clean,
        };
        cleaning.AddTo(cmd);
        cmd.SetAction(p => DataCommand.Guard(() =>
        {
            if (p.GetValue(config) is { } file)
            {
                foreach (var flag in new Option[] { input, split, separator, encoding, shardTokens, tokenizer, clean }.Concat(cleaning.Given(p)))
                    if (p.GetResult(flag) is { Implicit: false })
                        throw new ArgumentException($"{flag.Name} cannot be combined with --config; give it in {file} instead.");
                var cfg = DataConfig.Load(file);
                OutputLocation.Folder(p.GetValue(output)!, "--out");
                return DataPreparation.Run(cfg, p.GetValue(output)!);
            }
            if (p.GetValue(input) is not { Length: > 0 } inputs)
                throw new ArgumentException("give --config data.json, or --input with the files or folders to encode.");
            string outDir = OutputLocation.Folder(p.GetValue(output)!, "--out");
            foreach (var i in inputs)
                if (Path.GetFullPath(i) == outDir) throw new UsageException($"--out {p.GetValue(output)}: is also an input; write the shards to another folder");
            string? tokenizerPath = null, tokenizerSha = null;
            var report = new ReadReport();
            TextEncoder encode = text => Array.ConvertAll(Encoding.UTF8.GetBytes(text), b => (int)b);
            int eos = ByteEos;
            string encodingName = "byte-level";
            if (p.GetValue(tokenizer) is { } path)
            {
                Tokenization.Tokenizer tok;
                try { tok = Tokenization.TokenizerJson.Load(path); }
                catch (FormatException e) { throw new ArgumentException(e.Message, e); }   // unreadable input: exit code 2
                encode = text => [.. tok.EncodeToIds(text)];
                eos = TextEncoders.EosId(tok);
                encodingName = $"{Path.GetFileName(path)}, {tok.VocabularySize} tokens";
                (tokenizerPath, tokenizerSha) = (Path.GetFullPath(path), TokenizerFingerprint.Of(path));
            }
            if (!p.GetValue(clean) && cleaning.Given(p).FirstOrDefault() is { } stray)
                throw new UsageException($"{stray.Name} sets a cleaning threshold; add --clean to clean with it.");
            var options = p.GetValue(clean) ? cleaning.Read(p) : null;
            var cleaner = options != null ? Cleaner.Default(options) : null;
            var docs = DataCommand.NonEmpty(CorpusReader.Read(inputs, p.GetValue(split), p.GetValue(separator)!, report, InputEncoding.Get(p.GetValue(encoding)!)), inputs, report);
            var index = TokenShards.Write(cleaner != null ? cleaner.Clean(docs) : docs, encode, eos, outDir, p.GetValue(shardTokens), tokenizerPath, tokenizerSha, options);
            DataCommand.PrintSkipped(report);
            if (cleaner != null) Console.WriteLine($"clean: {cleaner.Report.DocumentsIn - cleaner.Report.DocumentsOut} of {cleaner.Report.DocumentsIn} documents removed (`data clean` with the same options shows why)");
            Console.WriteLine($"{index.Documents} documents, {index.Tokens} tokens in {index.Shards.Length} shards under {p.GetValue(output)} ({encodingName}, EOS {eos})");
            return 0;
        }));
        return cmd;
    }
}
