using System.Text.Json;
using Curriculum.Plotting;

namespace Curriculum.Tests.Plotting;

/// <summary>Bin edges and counts against numpy.histogram (numpy 1.24, values printed by hand-run numpy).</summary>
public class HistogramTests
{
    [Fact]
    public void Counts_match_numpy_histogram()
    {
        // np.histogram([1,2,2,3,3,3,4], bins=3) -> ([1, 2, 4], [1., 2., 3., 4.])
        var (edges, counts) = HistogramTrace.Compute(new[] { 1.0, 2, 2, 3, 3, 3, 4 }, 3);
        Assert.Equal([1.0, 2, 3, 4], edges);
        Assert.Equal([1L, 2, 4], counts);
    }

    [Fact]
    public void Values_on_floating_point_edges_fall_where_numpy_puts_them()
    {
        // np.histogram([0, 0.1, 0.2, 0.3, 0.7, 0.7], bins=7) -> ([1, 1, 1, 1, 0, 0, 2], [0, 0.1, ..., 0.7])
        var (_, counts) = HistogramTrace.Compute(new[] { 0, 0.1, 0.2, 0.3, 0.7, 0.7 }, 7);
        Assert.Equal([1L, 1, 1, 1, 0, 0, 2], counts);
    }

    [Fact]
    public void A_single_value_is_widened_by_half_as_numpy_does_and_non_finite_values_are_dropped()
    {
        // np.histogram([5.0], bins=2) -> ([0, 1], [4.5, 5., 5.5])
        var fig = new Figure().Histogram(new[] { 5.0, double.NaN }, bins: 2, name: "w");
        var h = (HistogramTrace)fig.Traces[0];
        Assert.Equal([4.5, 5, 5.5], h.Edges);
        Assert.Equal([0L, 1], h.Counts);
        Assert.Equal(1, h.Dropped);
        var trace = JsonDocument.Parse(fig.ToJson()).RootElement.GetProperty("data")[0];
        Assert.Equal("bar", trace.GetProperty("type").GetString());
        Assert.Equal([4.75, 5.25], trace.GetProperty("x").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0.5, 0.5], trace.GetProperty("width").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Figure().Histogram(new[] { 1.0 }, bins: 0));
    }
}
