using System.CommandLine;
using System.Text;
using Curriculum.Data;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum data prepare --input IN... --out DIR [--shard-tokens N]</c>: encodes documents
/// and writes int32 token shards + index.json (see <see cref="TokenShards"/>). The encoder is
/// byte-level: token id = UTF-8 byte (0..255), EOS = 256. The library takes any
/// <see cref="TextEncoder"/>; a trained tokenizer plugs in here once the tokenizer library provides one.</summary>
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
        var cmd = new Command("prepare", "Encode documents (byte-level: UTF-8 bytes, EOS = 256) and write int32 token shards for pre-training.")
        {
            input, split, separator, output, shardTokens,
        };
        cmd.SetAction(p => DataCommand.Guard(() =>
        {
            var report = new ReadReport();
            TextEncoder bytes = text => Array.ConvertAll(Encoding.UTF8.GetBytes(text), b => (int)b);
            var index = TokenShards.Write(CorpusReader.Read(p.GetValue(input)!, p.GetValue(split), p.GetValue(separator)!, report),
                bytes, ByteEos, p.GetValue(output)!, p.GetValue(shardTokens));
            DataCommand.PrintSkipped(report);
            Console.WriteLine($"{index.Documents} documents, {index.Tokens} tokens in {index.Shards.Length} shards under {p.GetValue(output)} (byte-level, EOS {ByteEos})");
            return 0;
        }));
        return cmd;
    }
}
