using System.CommandLine;
using Curriculum.Tokenization;

namespace Curriculum.Cli.Commands;

/// <summary>The options that say which tokenizer to use: <c>--tiktoken RANKS --encoding NAME</c> or <c>--tokenizer tokenizer.json</c>.</summary>
sealed class TokenizerSource
{
    public readonly Option<string?> Tiktoken = new("--tiktoken") { Description = "A .tiktoken rank file (with --encoding)" };
    public readonly Option<string?> Encoding = new("--encoding") { Description = "gpt2 | r50k_base | p50k_base | cl100k_base | o200k_base" };
    public readonly Option<string?> Tokenizer = new("--tokenizer") { Description = "A Hugging Face tokenizer.json (byte-level BPE or WordPiece)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Tiktoken);
        command.Options.Add(Encoding);
        command.Options.Add(Tokenizer);
    }

    /// <summary>Loads the tokenizer, or writes the reason to stderr and returns null (exit code 2).</summary>
    public Tokenization.Tokenizer? Load(ParseResult parse, out string name)
    {
        string? ranks = parse.GetValue(Tiktoken), encoding = parse.GetValue(Encoding), json = parse.GetValue(Tokenizer);
        name = "";
        if ((ranks == null) == (json == null) || (ranks != null && encoding == null))
        {
            Console.Error.WriteLine("give either --tiktoken RANKS --encoding NAME, or --tokenizer tokenizer.json");
            return null;
        }
        try
        {
            if (json != null) { name = Path.GetFileName(json); return TokenizerJson.Load(json); }
            var enc = TiktokenEncoding.FromName(encoding!);
            name = enc.Name;
            return BpeTokenizer.LoadTiktoken(ranks!, enc);
        }
        catch (Exception e) when (e is FormatException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(e.Message);
            return null;
        }
    }

    /// <summary>The files these options name (to keep an output from overwriting one of them).</summary>
    public IEnumerable<string> Files(ParseResult parse) => new[] { parse.GetValue(Tiktoken), parse.GetValue(Tokenizer) }.OfType<string>();

    /// <summary>Reads a UTF-8 text file, reporting replaced invalid sequences on stderr; null (and a message) if unreadable.</summary>
    public static string? ReadText(string path)
    {
        try
        {
            string text = Utf8TextFile.Read(path, out int invalid);
            if (invalid > 0) Console.Error.WriteLine($"{path}: {invalid} invalid UTF-8 sequence(s) replaced by U+FFFD");
            return text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"{path}: cannot read: {e.Message}");
            return null;
        }
    }
}
