using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Curriculum.Tokenization;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum bench tokenizer (--tiktoken RANKS --encoding NAME | --tokenizer tokenizer.json) --file TEXT --json</c>:
/// encoding speed on one thread, measured as tools/reference/tiktoken_encode.js measures tiktoken
/// (warm up on the first 100,000 characters, then time one encode of the whole text).
/// </summary>
static class BenchTokenizerCommand
{
    public static Command Create()
    {
        var source = new TokenizerSource();
        var file = new Option<string>("--file") { Description = "UTF-8 text to encode", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON line" };
        var idsOut = new Option<string?>("--ids-out") { Description = "Also write the ids as a JSON array (to compare with the reference)" };
        var command = new Command("tokenizer", "Tokenizer encoding speed (MB/s, one thread) beside node tools/reference/tiktoken_encode.js.");
        source.AddTo(command);
        command.Options.Add(file);
        command.Options.Add(json);
        command.Options.Add(idsOut);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            if (parse.GetValue(idsOut) is { } output)
                OutputLocation.File(output, "--ids-out", [parse.GetValue(file)!], source.Files(parse));
            var tokenizer = source.Load(parse, out string name);
            if (tokenizer == null) return 2;
            string? text = TokenizerSource.ReadText(parse.GetValue(file)!);
            if (text == null) return 2;
            long bytes = Encoding.UTF8.GetByteCount(text);
            tokenizer.EncodeToIds(text[..Math.Min(text.Length, 100_000)]);
            var watch = Stopwatch.StartNew();
            var ids = tokenizer.EncodeToIds(text);
            double seconds = watch.Elapsed.TotalSeconds;
            if (parse.GetValue(idsOut) is { } path) Tokenization.AtomicFile.WriteAllText(path, "[" + string.Join(',', ids) + "]");
            double mbPerS = bytes / seconds / 1e6;
            var inv = CultureInfo.InvariantCulture;
            if (parse.GetValue(json))
                Console.WriteLine(string.Create(inv, $"{{\"impl\":\"curriculum\",\"encoding\":\"{name}\",\"bytes\":{bytes},\"tokens\":{ids.Count},\"seconds\":{seconds:F4},\"mb_per_s\":{mbPerS:F3}}}"));
            else
                Console.WriteLine(string.Create(inv, $"{name}: {bytes:N0} bytes -> {ids.Count:N0} tokens in {seconds:F3} s = {mbPerS:F2} MB/s"));
            return 0;
        }));
        return command;
    }
}
