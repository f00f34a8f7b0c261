using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Curriculum.Notebooks;

/// <summary>
/// papermill's convention: the cell tagged <c>parameters</c> holds defaults; overrides go into a new
/// cell tagged <c>injected-parameters</c> right after it (at the top if there is none), as typed
/// declarations that shadow the defaults. The type is the one the parameters cell declares for
/// that name; for a new name it is inferred from the value (int, double, bool, else string).
/// </summary>
public static class ParameterInjection
{
    public const string ParametersTag = "parameters";
    public const string InjectedTag = "injected-parameters";

    /// <summary>Adds the injected cell; returns a warning to show, or null.</summary>
    public static string? Inject(NotebookDocument doc, IReadOnlyList<KeyValuePair<string, string>> overrides)
    {
        if (overrides.Count == 0) return null;
        int at = doc.Cells.FindIndex(c => c.Kind == CellKind.Code && c.HasTag(ParametersTag));
        var declared = at >= 0 ? DeclaredTypes(doc.Cells[at].Source) : new Dictionary<string, string>();
        var code = new StringBuilder("// Parameters given on the command line (papermill's injected-parameters).\n");
        foreach (var (name, value) in overrides)
        {
            if (!SyntaxFacts.IsValidIdentifier(name))
                throw new ArgumentException($"parameter '{name}': not a valid C# identifier");
            var (type, literal) = Typed(name, value, declared.GetValueOrDefault(name));
            code.Append(type).Append(' ').Append(name).Append(" = ").Append(literal).Append(";\n");
        }
        var cell = new NotebookCell(CellKind.Code, code.ToString().TrimEnd('\n'));
        cell.AddTag(InjectedTag);
        doc.Cells.Insert(at + 1, cell);
        return at >= 0 ? null : "no cell is tagged 'parameters'; the parameters were injected at the top";
    }

    /// <summary>Parses "name=value" (the value may contain '=').</summary>
    public static KeyValuePair<string, string> ParseAssignment(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"parameter '{text}': expected NAME=VALUE");
        return new(text[..eq].Trim(), text[(eq + 1)..]);
    }

    static Dictionary<string, string> DeclaredTypes(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(kind: SourceCodeKind.Script));
        var types = new Dictionary<string, string>();
        foreach (var decl in tree.GetRoot().DescendantNodes().OfType<VariableDeclarationSyntax>())
            foreach (var v in decl.Variables)
                types[v.Identifier.Text] = decl.Type.ToString();
        return types;
    }

    static (string Type, string Literal) Typed(string name, string value, string? declaredType)
    {
        var inv = CultureInfo.InvariantCulture;
        string type = declaredType is null or "var" ? Infer(value) : declaredType;
        string Fail() => throw new ArgumentException($"parameter '{name}': \"{value}\" is not a valid {type}");
        return type switch
        {
            "int" => (type, int.TryParse(value, NumberStyles.Integer, inv, out var i) ? i.ToString(inv) : Fail()),
            "long" => (type, long.TryParse(value, NumberStyles.Integer, inv, out var l) ? l.ToString(inv) + "L" : Fail()),
            "double" => (type, double.TryParse(value, NumberStyles.Float, inv, out var d) && double.IsFinite(d) ? d.ToString("R", inv) + "d" : Fail()),
            "float" => (type, float.TryParse(value, NumberStyles.Float, inv, out var f) && float.IsFinite(f) ? f.ToString("R", inv) + "f" : Fail()),
            "bool" => (type, bool.TryParse(value, out var b) ? (b ? "true" : "false") : Fail()),
            "string" => (type, SymbolDisplay.FormatLiteral(value, quote: true)),
            _ => throw new ArgumentException(
                $"parameter '{name}': the parameters cell declares it as {type}; only int, long, double, float, bool and string can be set from the command line"),
        };
    }

    static string Infer(string value)
    {
        var inv = CultureInfo.InvariantCulture;
        if (int.TryParse(value, NumberStyles.Integer, inv, out _)) return "int";
        if (double.TryParse(value, NumberStyles.Float, inv, out var d) && double.IsFinite(d)) return "double";
        if (bool.TryParse(value, out _)) return "bool";
        return "string";
    }
}
