using System.CommandLine;
using Curriculum.Notebooks;
using Curriculum.Plotting;

namespace Curriculum.Cli.Commands;

/// <summary>
/// <c>curriculum book [--in DIR] [--out DIR] [--plotly FILE] [--title TEXT]</c>: renders the executed
/// notebooks to a static HTML book that opens offline. Exit code 0 written, 2 unreadable input.
/// </summary>
static class BookCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--in")
        {
            Description = "Folder of executed notebooks (what `curriculum run` writes).",
            DefaultValueFactory = _ => Path.Combine("artifacts", "notebooks"),
        };
        var output = new Option<string>("--out")
        {
            Description = "Folder for the book; replaced as a whole once the new book is complete.",
            DefaultValueFactory = _ => Path.Combine("artifacts", "book"),
        };
        var plotly = new Option<string?>("--plotly")
        {
            Description = "plotly.min.js to include (default: the one the build copies beside the library).",
        };
        var title = new Option<string>("--title")
        {
            Description = "The book's title.",
            DefaultValueFactory = _ => BookBuilder.DefaultTitle,
        };
        var command = new Command("book", "Render executed notebooks to a static HTML book (index.html with each chapter's run time; figures work offline).")
        {
            input, output, plotly, title,
        };
        command.SetAction(parse => Run(parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(plotly), parse.GetValue(title)!));
        return command;
    }

    /// <summary>Builds the book; also used by <c>curriculum run --book</c>.</summary>
    internal static int Run(string input, string output, string? plotly, string title)
    {
        plotly ??= PlotlyJs.Find();
        if (plotly == null)
            Console.Error.WriteLine("warning: figures will be static snapshots, not interactive: " + PlotlyJs.InstallHint);
        try
        {
            string folder = OutputLocation.Folder(output, "--out", [input]);   // the folder is replaced as a whole
            Training.StaleTempFiles.Remove(Path.GetDirectoryName(folder)!);       // a killed build's staging folder lies beside it
            var book = BookBuilder.Build(input, output, plotly, title);
            double total = book.Chapters.Sum(c => c.DurationSeconds ?? 0);
            Console.WriteLine($"book: {book.Chapters.Count} chapters, {book.Figures} figures, {BookChapter.FormatDuration(total)} of notebook run time -> {book.IndexPath}");
            return 0;
        }
        catch (Exception e) when (e is NotebookFormatException or UsageException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
    }
}
