using System.Runtime.CompilerServices;

namespace Curriculum.Notebooks;

/// <summary>
/// Marks a type whose values the .NET Interactive kernel (VS Code Polyglot Notebooks, Jupyter's
/// .NET kernel, <c>curriculum run</c>) shows through <see cref="KernelFormatterSource"/>. The kernel's
/// formatter finds this attribute by its name and reads its two properties by reflection, so the
/// library needs no reference to Microsoft.DotNet.Interactive.Formatting and loads in any kernel
/// version: <c>#r "Curriculum.dll"</c> alone makes <c>display(figure)</c> draw a chart.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    public Type FormatterSourceType { get; } = formatterSourceType;

    /// <summary>The mime types the kernel puts in each display of the type, richest first.</summary>
    public string[]? PreferredMimeTypes { get; init; }
}

/// <summary>
/// The kernel's formatters for every <see cref="IMimeRenderable"/>: one per mime type, each writing
/// that entry of the value's <see cref="MimeBundle"/>. Shaped by convention like the kernel's
/// <c>ITypeFormatterSource</c> (<c>CreateTypeFormatters()</c>, and formatters with <c>MimeType</c>,
/// <c>Type</c> and <c>bool Format(object, TextWriter)</c>).
/// </summary>
public sealed class KernelFormatterSource
{
    /// <summary>Every mime type a renderable value of the library offers.</summary>
    static readonly string[] MimeTypes =
        ["application/vnd.plotly.v1+json", "image/svg+xml", MimeBundle.Html, "text/markdown", MimeBundle.PlainText];

    public IEnumerable<object> CreateTypeFormatters() => MimeTypes.Select(m => new MimeEntryFormatter(m));

    public sealed class MimeEntryFormatter(string mimeType)
    {
        // The kernel asks each formatter in turn for the same value: the bundle is built once per value.
        static readonly ConditionalWeakTable<object, MimeBundle> Bundles = new();

        public string MimeType { get; } = mimeType;
        public Type Type => typeof(IMimeRenderable);

        public bool Format(object value, TextWriter writer)
        {
            if (value is not IMimeRenderable renderable) return false;
            var bundle = Bundles.GetValue(value, _ => renderable.ToMimeBundle());
            if (!bundle.TryGetValue(MimeType, out var text)) return false;
            writer.Write(text);
            return true;
        }
    }
}
