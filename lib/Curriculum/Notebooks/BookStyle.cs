namespace Curriculum.Notebooks;

/// <summary>The book's stylesheet (assets/book.css): one readable column, code and outputs set apart.</summary>
static class BookStyle
{
    public const string Css = """
        :root { --text: #1f2328; --muted: #656d76; --rule: #d0d7de; --code: #f6f8fa; --accent: #0969da; --bad: #cf222e; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--text); background: #fff;
               font: 16px/1.6 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
        main { max-width: 62rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
        nav { max-width: 62rem; margin: 0 auto; padding: 0.6rem 1.5rem; color: var(--muted); font-size: 0.9rem;
              display: flex; justify-content: space-between; gap: 1rem; }
        nav.top { border-bottom: 1px solid var(--rule); }
        nav.bottom { border-top: 1px solid var(--rule); }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        h1, h2, h3 { line-height: 1.25; margin: 1.4em 0 0.5em; }
        h1 { font-size: 2rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.3em; }
        pre, code { font: 0.86rem/1.45 ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; }
        :not(pre) > code { background: var(--code); padding: 0.1em 0.35em; border-radius: 4px; }
        pre { margin: 0; padding: 0.6rem 0.8rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
        table { border-collapse: collapse; margin: 0.8em 0; }
        th, td { border: 1px solid var(--rule); padding: 0.3em 0.7em; text-align: left; }
        blockquote { margin: 0; padding-left: 1em; border-left: 4px solid var(--rule); color: var(--muted); }
        .cell { margin: 1rem 0; }
        .cell.code .source { background: var(--code); border: 1px solid var(--rule); border-radius: 6px; }
        .cell-meta { display: flex; justify-content: space-between; color: var(--muted); font-size: 0.78rem; margin-bottom: 0.15rem; }
        .cell-meta .tag { background: #ddf4ff; color: var(--accent); border-radius: 1em; padding: 0 0.6em; }
        .outputs { border-left: 3px solid var(--rule); margin: 0.3rem 0 0 0.4rem; padding-left: 0.6rem; }
        .output { margin: 0.3rem 0; overflow-x: auto; }
        .output.stream.stderr { background: #fff5f5; }
        .output.error { border: 1px solid var(--bad); border-radius: 6px; background: #fff5f5; }
        .output.error .error-name { color: var(--bad); font-weight: 600; padding: 0.4rem 0.8rem 0; }
        .output.image img { max-width: 100%; }
        .plotly-figure { width: 100%; }
        table.chapters { width: 100%; }
        table.chapters td.time, table.chapters th.time { text-align: right; white-space: nowrap; }
        .status-failed { color: var(--bad); font-weight: 600; }
        .status-passed { color: #1a7f37; }
        .note { color: var(--muted); font-size: 0.9rem; }
        """;
}
