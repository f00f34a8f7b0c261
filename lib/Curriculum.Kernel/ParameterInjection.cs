using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

using Curriculum.Notebooks;

namespace Curriculum.Kernel;

/// <summary>
/// papermill's convention: the cell tagged <c>parameters</c> holds defaults; overrides go into a new
/// cell tagged <c>injected-parameters</c> right after it (at the top if there is none), as typed
/// declarations that shadow the defaults, typed as the parameters cell declares them. A name the
/// parameters cell does not declare is refused: a typo must not run the notebook with its defaults.
/// </summary>
public static class ParameterInjection
{
    public const string ParametersTag = "parameters";
    public const string InjectedTag = "injected-parameters";

    /// <summary>Adds the injected cell; throws <see cref="ArgumentException"/> naming a parameter that cannot be set.</summary>
    public static void Inject(NotebookDocument doc, IReadOnlyList<KeyValuePair<string, string>> overrides)
    {
        if (overrides.Count == 0) return;
        int at = doc.Cells.FindIndex(c => c.Kind == CellKind.Code && c.HasTag(ParametersTag));
        if (at < 0)
            throw new ArgumentException($"parameter '{overrides[0].Key}': the notebook has no cell tagged '{ParametersTag}', so it takes no parameters");
        var declared = DeclaredTypes(doc.Cells[at].Source);
        var code = new StringBuilder("// Parameters given on the command line (papermill's injected-parameters).\n");
        foreach (var (name, value) in overrides)
        {
            if (!SyntaxFacts.IsValidIdentifier(name))
                throw new ArgumentException($"parameter '{name}': not a valid C# identifier");
            if (!declared.TryGetValue(name, out var declaredType))
                throw new ArgumentException($"parameter '{name}': not declared in the parameters cell (it declares {string.Join(", ", declared.Keys)})");
            var (type, literal) = Typed(name, value, declaredType);
            code.Append(type).Append(' ').Append(name).Append(" = ").Append(literal).Append(";\n");
        }
        var cell = new NotebookCell(CellKind.Code, code.ToString().TrimEnd('\n'));
        cell.AddTag(InjectedTag);
        doc.Cells.Insert(at + 1, cell);
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

    static (string Type, string Literal) Typed(string name, string value, string declaredType)
    {
        var inv = CultureInfo.InvariantCulture;
        string type = declaredType == "var" ? Infer(value) : declaredType;
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
