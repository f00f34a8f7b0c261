namespace Curriculum.Data;

/// <summary>One document: a stable id (where it came from), its text, and a label where the
/// source is a labelled task (<c>"spam"</c> / <c>"ham"</c>), else null. A JSONL line
/// <c>{"id": "...", "text": "...", "label": "..."}</c>.</summary>
public sealed record Document(string Id, string Text, string? Label = null);
