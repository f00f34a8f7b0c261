using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace Curriculum.Notebooks;

/// <summary>
/// Resolves <c>#r "file.dll"</c> relative to the notebook's folder. A reference to the library
/// itself (<c>#r "../artifacts/lib/Curriculum.dll"</c>) binds to the copy the executor already runs,
/// so values the notebook makes (figures) are the same types the executor knows how to display.
/// </summary>
sealed class NotebookMetadataResolver(string notebookDirectory) : MetadataReferenceResolver
{
    static readonly Assembly Library = typeof(NotebookMetadataResolver).Assembly;
    readonly ScriptMetadataResolver _inner = ScriptMetadataResolver.Default
        .WithBaseDirectory(notebookDirectory)
        .WithSearchPaths(notebookDirectory);

    public override ImmutableArray<PortableExecutableReference> ResolveReference(
        string reference, string? baseFilePath, MetadataReferenceProperties properties)
    {
        if (string.Equals(Path.GetFileName(reference), Path.GetFileName(Library.Location), StringComparison.OrdinalIgnoreCase))
            return ImmutableArray.Create(MetadataReference.CreateFromFile(Library.Location, properties));
        return _inner.ResolveReference(reference, baseFilePath: null, properties); // null: relative to the base directory
    }

    public override bool ResolveMissingAssemblies => _inner.ResolveMissingAssemblies;

    public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
        _inner.ResolveMissingAssembly(definition, referenceIdentity);

    public override bool Equals(object? other) => other is NotebookMetadataResolver r && r._inner.Equals(_inner);

    public override int GetHashCode() => _inner.GetHashCode();
}
