namespace Curriculum.Plotting;

/// <summary>Where the legend sits: plotly.js's default (right of the plot), a corner inside it, or below it.</summary>
public enum LegendPosition { Right, TopLeft, TopRight, BottomLeft, BottomRight, Below, Hidden }
