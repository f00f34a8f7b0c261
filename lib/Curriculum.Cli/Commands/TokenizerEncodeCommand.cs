using System.CommandLine;
using System.Text;

namespace Curriculum.Cli.Commands;

/// <summary><c>curriculum tokenizer encode (--tiktoken RANKS --encoding NAME | --tokenizer tokenizer.json) --file TEXT [--ids-out OUT.json]</c>.</summary>
static class TokenizerEncodeCommand
{
    public static Command Create()
    {
        var source = new TokenizerSource();
        var file = new Option<string>("--file") { Description = "UTF-8 text to encode", Required = true };
        var idsOut = new Option<string?>("--ids-out") { Description = "Write the ids here as a JSON array (default: stdout)" };
        var addSpecial = new Option<bool>("--add-special-tokens") { Description = "WordPiece: wrap in [CLS] ... [SEP]" };
        var command = new Command("encode", "Encode a text file to token ids (a JSON array); special tokens in the text are recognised, none are added unless asked.");
        source.AddTo(command);
        command.Options.Add(file);
        command.Options.Add(idsOut);
        command.Options.Add(addSpecial);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            if (parse.GetValue(idsOut) is { } output)
                OutputLocation.File(output, "--ids-out", [parse.GetValue(file)!], source.Files(parse));
            var tokenizer = source.Load(parse, out _);
            if (tokenizer == null) return 2;
            string? text = TokenizerSource.ReadText(parse.GetValue(file)!);
            if (text == null) return 2;
            IReadOnlyList<int> ids = parse.GetValue(addSpecial) && tokenizer is Tokenization.WordPieceTokenizer wp
                ? wp.EncodeForModel(text).Ids
                : tokenizer.EncodeToIds(text);
            var sb = new StringBuilder(ids.Count * 6 + 2).Append('[');
            for (int i = 0; i < ids.Count; i++) { if (i > 0) sb.Append(','); sb.Append(ids[i]); }
            sb.Append(']');
            if (parse.GetValue(idsOut) is { } path)
            {
                Tokenization.AtomicFile.WriteAllText(path, sb.ToString());
                Console.Error.WriteLine($"{ids.Count} tokens -> {path}");
            }
            else Console.WriteLine(sb.ToString());
            return 0;
        }));
        return command;
    }
}
