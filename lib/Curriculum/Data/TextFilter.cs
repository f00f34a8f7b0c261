namespace Curriculum.Data;

/// <summary>What a filter did to one document: kept it unchanged, changed its text, or removed it.
/// <see cref="Reason"/> is a short category ("html tags", "too short") counted in the report;
/// <see cref="Detail"/> says more for the samples ("12 tags, 3 entities").</summary>
public readonly record struct FilterOutcome(string? Text, string? Reason, string? Detail)
{
    public bool Removed => Text is null;
    public static FilterOutcome Keep(string text) => new(text, null, null);
    public static FilterOutcome Change(string text, string reason, string detail) => new(text, reason, detail);
    public static FilterOutcome Remove(string reason, string detail) => new(null, reason, detail);
}

/// <summary>One cleaning step: rewrites a document's text or removes the document, and says why.</summary>
public abstract class TextFilter
{
    public abstract string Name { get; }
    public abstract FilterOutcome Apply(string text);
}
