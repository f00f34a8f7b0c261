namespace Curriculum.Plotting;

/// <summary>
/// plotly.js's default colourway (D3 category10). Give one run the same colour in every subplot
/// with <c>Palette.Color(i)</c>.
/// </summary>
public static class Palette
{
    static readonly string[] Colors =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    /// <summary>The i-th colour, cycling after ten.</summary>
    public static string Color(int i) => Colors[((i % Colors.Length) + Colors.Length) % Colors.Length];
}
