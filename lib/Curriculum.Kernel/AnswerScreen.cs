using Curriculum.Notebooks;
using Curriculum.Notebooks.Assignments;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Curriculum.Kernel;

/// <summary>
/// What a student's answer cell may not do before it is graded, read from its C# syntax: reach past the exercise into the
/// process, the kernel, files, other threads or reflection (routes to forging a result or turning a test's failure into a
/// pass: <c>Environment.Exit</c> after writing a file, kernel middleware that swallows errors, a thread that outlives the
/// cell), or redefine a name that the tests or the chapter's other cells rely on (an answer can close its method's brace
/// and declare <c>class Math</c>, or a no-op copy of the chapter's check helper). An answer refused here is not run: its
/// exercise scores 0 with the reason. A screen of the known routes, not a sandbox: a submission still runs as the grader's
/// user, and the graded notebook shows every answer as it ran.
/// </summary>
public sealed class AnswerScreen
{
    /// <summary>Names an answer may not mention: the namespaces and types that lead out of the exercise.</summary>
    static readonly Dictionary<string, string> Forbidden = Group(
        ("reflection", ["Reflection", "Emit", "Assembly", "AssemblyLoadContext", "Loader", "Activator", "GetType", "Type", "TypeInfo",
            "MethodInfo", "MemberInfo", "FieldInfo", "PropertyInfo", "BindingFlags", "GetMethod", "GetMethods", "GetField", "GetFields",
            "GetProperty", "GetProperties", "GetMember", "GetMembers", "GetConstructor", "InvokeMember", "CreateDelegate", "DeclaringType",
            "ReflectedType", "TypeHandle", "MethodHandle", "CompilerServices", "RuntimeHelpers", "ModuleInitializer", "Unsafe",
            "Expression", "Expressions", "TypeDescriptor", "ComponentModel"]),   // expression trees and TypeDescriptor reach members by name
        ("the process", ["Environment", "AppDomain", "AppContext", "Process", "Exit", "FailFast", "InteropServices", "Marshal",
            "NativeLibrary", "DllImport", "LibraryImport", "GCHandle"]),
        ("files", ["IO", "File", "FileInfo", "Directory", "DirectoryInfo", "FileStream", "StreamWriter", "StreamReader", "FileSystemWatcher",
            "Pipes", "Sockets", "Net", "Http"]),
        ("the console's streams", ["SetOut", "SetError", "SetIn", "OpenStandardOutput", "OpenStandardError", "OpenStandardInput"]),
        ("the kernel", ["Microsoft", "DotNet", "Interactive", "Kernel", "KernelInvocationContext", "Formatter", "CSharpScript"]),
        ("threads", ["Thread", "ThreadPool", "Task", "ValueTask", "Timer", "ThreadStart"]));

    /// <summary>Keywords with the same reach: unmanaged code, code that goes on after the cell returns.</summary>
    static readonly Dictionary<SyntaxKind, string> ForbiddenKeywords = new()
    {
        [SyntaxKind.UnsafeKeyword] = "unsafe code", [SyntaxKind.ExternKeyword] = "unmanaged code",
        [SyntaxKind.AsyncKeyword] = "threads", [SyntaxKind.AwaitKeyword] = "threads",
        [SyntaxKind.ArgListKeyword] = "unmanaged code", [SyntaxKind.MakeRefKeyword] = "unmanaged code",
    };

    readonly NotebookDocument _key;
    readonly HashSet<string> _chapterNames;       // declared at the top of the key's cells that are not answers, or used by its tests
    readonly HashSet<string> _chapterVariables;   // the variables among them, which an answer may read but not assign

    AnswerScreen(NotebookDocument key, HashSet<string> chapterNames, HashSet<string> chapterVariables) =>
        (_key, _chapterNames, _chapterVariables) = (key, chapterNames, chapterVariables);

    /// <summary>The screen for answers to <paramref name="key"/>'s exercises.</summary>
    public static AnswerScreen For(NotebookDocument key, string keyPath)
    {
        var solutions = NbgraderCell.All(key, keyPath).Where(c => c.Cell.Solution).Select(c => c.Index).ToHashSet();
        var tests = NbgraderCell.All(key, keyPath).Where(c => c.Cell.IsTest).Select(c => c.Index).ToHashSet();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var variables = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < key.Cells.Count; i++)
        {
            var cell = key.Cells[i];
            if (cell.Kind != CellKind.Code || !IsCSharp(cell) || solutions.Contains(i)) continue;
            var root = Parse(cell.Source);
            names.UnionWith(TopLevelDeclarations(root));
            variables.UnionWith(root.Members.OfType<FieldDeclarationSyntax>().Select(f => f.Declaration)   // a script's top-level 'var x = ...'
                .Concat(root.Members.OfType<GlobalStatementSyntax>().Select(g => g.Statement).OfType<LocalDeclarationStatementSyntax>().Select(l => l.Declaration))
                .SelectMany(d => d.Variables).Select(v => v.Identifier.ValueText));
            if (tests.Contains(i)) names.UnionWith(References(root).Select(t => t.ValueText));
        }
        return new AnswerScreen(key, names, variables);
    }

    /// <summary>Why the answer <paramref name="source"/> to the solution cell <paramref name="gradeId"/> is not run, or null when it may run.</summary>
    public string? Refusal(string gradeId, string source)
    {
        var keyCell = _key.Cells.First(c => c.Metadata[NbgraderCell.Key]?["grade_id"]?.GetValue<string>() == gradeId);
        if (keyCell.Kind != CellKind.Code || !IsCSharp(keyCell)) return null;
        var problems = new List<string>();

        foreach (var (line, text) in source.Split('\n').Select((l, i) => (i + 1, l.Trim())))
            if (text.StartsWith("#!", StringComparison.Ordinal) || text.Split(' ', '\t')[0] is "#r" or "#i" or "#load")
                problems.Add($"line {line}: '{text.Split(' ', '\t')[0]}' (a kernel directive)");

        var root = Parse(source);
        foreach (var token in References(root))
            if (Forbidden.TryGetValue(token.ValueText, out var what))
                problems.Add($"line {Line(token)}: '{token.ValueText}' ({what})");
        foreach (var token in root.DescendantTokens())
            if (ForbiddenKeywords.TryGetValue(token.Kind(), out var what))   // 'async' or 'await' used as a name is an identifier token
                problems.Add($"line {Line(token)}: '{token.Text}' ({what})");
        foreach (var node in root.DescendantNodes())
        {
            if (node is DestructorDeclarationSyntax d) problems.Add($"line {Line(d.Identifier)}: a finalizer (code that runs after the cell)");
            if (node is UsingDirectiveSyntax u && (u.StaticKeyword.IsKind(SyntaxKind.StaticKeyword) || u.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword)))
                problems.Add($"line {Line(u.UsingKeyword)}: '{u.ToString().Trim()}' (imports that change what the tests' names mean)");
        }

        var expected = TopLevelDeclarations(Parse(keyCell.Source)).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, token) in Declarations(root))
            if (_chapterNames.Contains(name) && !expected.Contains(name))
                problems.Add($"line {Line(token)}: declares '{name}', a name the tests or the chapter's cells use");

        // Assigning a chapter's variable changes what the tests after it read; a local of the same name is the answer's own.
        var locals = root.DescendantNodes().OfType<VariableDeclaratorSyntax>().Select(v => v.Identifier.ValueText)
            .Concat(root.DescendantNodes().OfType<ParameterSyntax>().Select(p => p.Identifier.ValueText)).ToHashSet(StringComparer.Ordinal);
        foreach (var node in root.DescendantNodes())
        {
            var written = node switch
            {
                AssignmentExpressionSyntax a => a.Left,   // =, +=, ??= ...
                PostfixUnaryExpressionSyntax p when !p.IsKind(SyntaxKind.SuppressNullableWarningExpression) => p.Operand,
                PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => p.Operand,
                ArgumentSyntax { RefKindKeyword.RawKind: not 0 } r => r.Expression,   // ref or out
                _ => null,
            };
            if (written is IdentifierNameSyntax target && _chapterVariables.Contains(target.Identifier.ValueText) && !locals.Contains(target.Identifier.ValueText))
                problems.Add($"line {Line(target.Identifier)}: assigns '{target.Identifier.ValueText}', a variable of the chapter's cells");
        }

        return problems.Count == 0 ? null
            : "it uses what answers may not use: " + string.Join("; ", problems.Distinct().Take(5)) + (problems.Distinct().Count() > 5 ? "; ..." : "");
    }

    static bool IsCSharp(NotebookCell cell) => cell.Language is null or "csharp" or "C#";

    static CompilationUnitSyntax Parse(string source) =>
        (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview, kind: SourceCodeKind.Script)).GetRoot();

    static int Line(SyntaxToken token) => token.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>Every name the code refers to (not the names it declares); verbatim and escaped spellings normalised.</summary>
    static IEnumerable<SyntaxToken> References(SyntaxNode root) =>
        root.DescendantNodes().OfType<SimpleNameSyntax>().Select(n => n.Identifier);

    /// <summary>Names a script cell declares at its top: types, methods, fields, properties and variables of the submission.</summary>
    static IEnumerable<string> TopLevelDeclarations(CompilationUnitSyntax root) => Declarations(root).Select(d => d.Name);

    /// <summary>
    /// What an answer declares that could stand in for a name declared elsewhere: members and variables at the top of the
    /// cell, every type at any depth, every extension method, every using alias.
    /// </summary>
    static IEnumerable<(string Name, SyntaxToken Token)> Declarations(CompilationUnitSyntax root)
    {
        foreach (var member in root.Members)
        {
            switch (member)
            {
                case GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax f }: yield return (f.Identifier.ValueText, f.Identifier); break;
                case GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax l }:
                    foreach (var v in l.Declaration.Variables) yield return (v.Identifier.ValueText, v.Identifier);
                    break;
                case MethodDeclarationSyntax m: yield return (m.Identifier.ValueText, m.Identifier); break;
                case PropertyDeclarationSyntax p: yield return (p.Identifier.ValueText, p.Identifier); break;
                case FieldDeclarationSyntax fd:
                    foreach (var v in fd.Declaration.Variables) yield return (v.Identifier.ValueText, v.Identifier);
                    break;
            }
        }
        foreach (var node in root.DescendantNodes())
        {
            switch (node)
            {
                case BaseTypeDeclarationSyntax t: yield return (t.Identifier.ValueText, t.Identifier); break;
                case DelegateDeclarationSyntax d: yield return (d.Identifier.ValueText, d.Identifier); break;
                case MethodDeclarationSyntax m when m.ParameterList.Parameters.FirstOrDefault()?.Modifiers.Any(SyntaxKind.ThisKeyword) == true:
                    yield return (m.Identifier.ValueText, m.Identifier);
                    break;
                case UsingDirectiveSyntax { Alias: { } alias }: yield return (alias.Name.Identifier.ValueText, alias.Name.Identifier); break;
            }
        }
    }

    static Dictionary<string, string> Group(params (string What, string[] Names)[] groups) =>
        groups.SelectMany(g => g.Names.Select(n => (n, g.What))).ToDictionary(p => p.n, p => p.What, StringComparer.Ordinal);
}
