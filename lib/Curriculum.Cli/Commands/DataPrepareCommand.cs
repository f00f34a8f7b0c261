using System.CommandLine;
using System.Text;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum data prepare --config data.json --out DIR</c>: the whole pipeline from a config (see
/// <see cref="DataConfig"/>, samples/data.json): each source cleaned, deduplicated, decontaminated, encoded and packed
/// into OUT/&lt;name&gt;/, with OUT/report.json. <c>curriculum data prepare --input IN... --out DIR [--tokenizer
/// tokenizer.json] [--shard-tokens N]</c>: encodes one source as it is and writes int32 token shards + index.json
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
        var output = new Option<string>("--out", "-o") { Description = "With --config: the folder that receives one shard folder per source and report.json; with --input: the folder for shard-NNNNN.bin files and index.json.", Required = true };
        var shardTokens = new Option<long>("--shard-tokens") { Description = "Token ids per shard file (with --config: \"shard_tokens\").", DefaultValueFactory = _ => 1L << 24 };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "A tokenizer.json (from `curriculum tokenizer train`) to encode with; default: UTF-8 bytes (with --config: \"tokenizer\")." };
        var cmd = new Command("prepare", "Clean, deduplicate, decontaminate, encode and shard every source of a data.json (--config), or encode one source as it is (--input; tokenizer from --tokenizer, default byte-level: UTF-8 bytes, EOS = 256) into int32 token shards for pre-training.")
        {
            config, input, split, separator, output, shardTokens, tokenizer,
        };
        cmd.SetAction(p => DataCommand.Guard(() =>
        {
            if (p.GetValue(config) is { } file)
            {
                foreach (var flag in new Option[] { input, split, separator, shardTokens, tokenizer })
                    if (p.GetResult(flag) is { Implicit: false })
                        throw new ArgumentException($"{flag.Name} cannot be combined with --config; give it in {file} instead.");
                return DataPreparation.Run(DataConfig.Load(file), p.GetValue(output)!);
            }
            if (p.GetValue(input) is not { Length: > 0 } inputs)
                throw new ArgumentException("give --config data.json, or --input with the files or folders to encode.");
            var report = new ReadReport();
            TextEncoder encode = text => Array.ConvertAll(Encoding.UTF8.GetBytes(text), b => (int)b);
            int eos = ByteEos;
            string encoding = "byte-level";
            if (p.GetValue(tokenizer) is { } path)
            {
                Tokenization.Tokenizer tok;
                try { tok = Tokenization.TokenizerJson.Load(path); }
                catch (FormatException e) { throw new ArgumentException(e.Message, e); }   // unreadable input: exit code 2
                encode = text => [.. tok.EncodeToIds(text)];
                eos = TextEncoders.EosId(tok);
                encoding = $"{Path.GetFileName(path)}, {tok.VocabularySize} tokens";
            }
            var index = TokenShards.Write(CorpusReader.Read(inputs, p.GetValue(split), p.GetValue(separator)!, report),
                encode, eos, p.GetValue(output)!, p.GetValue(shardTokens));
            DataCommand.PrintSkipped(report);
            Console.WriteLine($"{index.Documents} documents, {index.Tokens} tokens in {index.Shards.Length} shards under {p.GetValue(output)} ({encoding}, EOS {eos})");
            return 0;
        }));
        return cmd;
    }
}
