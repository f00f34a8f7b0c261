using System.Collections;
using System.Globalization;
using System.Text;

namespace Curriculum.Notebooks;

/// <summary>
/// Turns a value into a mime bundle for display: an <see cref="IMimeRenderable"/> gives its own;
/// a formatter registered for the type comes next; otherwise text/plain (collections listed).
/// </summary>
public static class ValueFormatter
{
    static readonly List<(Type Type, Func<object, MimeBundle> Format)> Formatters = new();

    /// <summary>Registers how values of <typeparamref name="T"/> (and subtypes) are shown; the latest registration wins.</summary>
    public static void Register<T>(Func<T, MimeBundle> format)
    {
        lock (Formatters) Formatters.Insert(0, (typeof(T), o => format((T)o)));
    }

    public static MimeBundle Format(object? value)
    {
        MimeBundle bundle;
        if (value is IMimeRenderable r) bundle = r.ToMimeBundle();
        else if (value is MimeBundle given) bundle = new MimeBundle(given);
        else
        {
            Func<object, MimeBundle>? registered = null;
            lock (Formatters)
                foreach (var (type, format) in Formatters)
                    if (value != null && type.IsInstanceOfType(value)) { registered = format; break; }
            bundle = registered != null ? registered(value!) : new MimeBundle { [MimeBundle.PlainText] = PlainText(value) };
        }
        if (!bundle.ContainsKey(MimeBundle.PlainText)) bundle[MimeBundle.PlainText] = PlainText(value);
        return bundle;
    }

    const int MaxItems = 20;

    public static string PlainText(object? value) => value switch
    {
        null => "<null>",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e when value is not IMimeRenderable => ListText(e),
        _ => value.ToString() ?? "",
    };

    static string ListText(IEnumerable items)
    {
        var sb = new StringBuilder("[");
        int n = 0;
        foreach (var item in items)
        {
            if (n == MaxItems) { sb.Append(", ..."); break; }
            if (n++ > 0) sb.Append(", ");
            sb.Append(item is IEnumerable and not string ? ListText((IEnumerable)item) : PlainText(item));
        }
        return sb.Append(']').ToString();
    }
}
