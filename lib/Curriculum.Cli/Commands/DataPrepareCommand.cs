using System.CommandLine;
using System.Text;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum data prepare --input IN... --out DIR [--tokenizer tokenizer.json] [--shard-tokens N]</c>: encodes
/// documents and writes int32 token shards + index.json (see <see cref="TokenShards"/>). With --tokenizer the ids are
/// the trained tokenizer's, documents separated by its end-of-text token (&lt;|endoftext|&gt;, or [SEP] for WordPiece);
/// without, byte-level: token id = UTF-8 byte (0..255), EOS = 256.</summary>
static class DataPrepareCommand
{
    public const int ByteEos = 256;

    public static Command Create()
    {
        var input = DataCommand.InputOption();
        var split = DataCommand.SplitOption();
        var separator = DataCommand.SeparatorOption();
        var output = new Option<string>("--out", "-o") { Description = "Folder for shard-NNNNN.bin files and index.json.", Required = true };
        var shardTokens = new Option<long>("--shard-tokens") { Description = "Token ids per shard file.", DefaultValueFactory = _ => 1L << 24 };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "A tokenizer.json (from `curriculum tokenizer train`) to encode with; default: UTF-8 bytes." };
        var cmd = new Command("prepare", "Encode documents with a trained tokenizer (--tokenizer; default byte-level: UTF-8 bytes, EOS = 256) and write int32 token shards for pre-training.")
        {
            input, split, separator, output, shardTokens, tokenizer,
        };
        cmd.SetAction(p => DataCommand.Guard(() =>
        {
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
            var index = TokenShards.Write(CorpusReader.Read(p.GetValue(input)!, p.GetValue(split), p.GetValue(separator)!, report),
                encode, eos, p.GetValue(output)!, p.GetValue(shardTokens));
            DataCommand.PrintSkipped(report);
            Console.WriteLine($"{index.Documents} documents, {index.Tokens} tokens in {index.Shards.Length} shards under {p.GetValue(output)} ({encoding}, EOS {eos})");
            return 0;
        }));
        return cmd;
    }
}
