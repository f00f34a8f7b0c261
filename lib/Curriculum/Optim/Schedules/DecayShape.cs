namespace Curriculum.Optim;

/// <summary>How a decay phase goes from its start LR to its floor, as a function of the phase's progress x in [0, 1].</summary>
public enum DecayShape
{
    /// <summary>floor + (start - floor)(1 - x).</summary>
    Linear,
    /// <summary>floor + (start - floor)(1 + cos(pi x))/2.</summary>
    Cosine,
    /// <summary>start (floor/start)^x: geometric, a straight line on a log axis; needs floor &gt; 0.</summary>
    Exponential,
    /// <summary>floor + (start - floor)(1 - sqrt(x)): the "1-sqrt" cooldown of Hägele et al. (2024) for WSD runs.</summary>
    OneMinusSqrt,
}

static class DecayShapes
{
    /// <summary>The LR at progress <paramref name="x"/> in [0, 1] of a decay from <paramref name="start"/> to <paramref name="floor"/>.</summary>
    public static double Interpolate(DecayShape shape, double x, double start, double floor) => shape switch
    {
        DecayShape.Linear => floor + (start - floor) * (1 - x),
        DecayShape.Cosine => floor + (start - floor) * 0.5 * (1 + Math.Cos(Math.PI * x)),
        DecayShape.Exponential => start * Math.Pow(floor / start, x),
        DecayShape.OneMinusSqrt => floor + (start - floor) * (1 - Math.Sqrt(x)),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "Unknown decay shape."),
    };

    public static void Check(DecayShape shape, double floor, string shapeName, string floorName)
    {
        if (!Enum.IsDefined(shape))
            throw new ArgumentOutOfRangeException(shapeName, shape, $"{shapeName} is not a known {nameof(DecayShape)}.");
        if (shape == DecayShape.Exponential && floor <= 0)
            throw new ArgumentOutOfRangeException(floorName, floor, $"{floorName} must be > 0 for an exponential decay (it decays geometrically towards it).");
    }

    public static string Name(DecayShape shape) => shape switch
    {
        DecayShape.Linear => "linear",
        DecayShape.Cosine => "cosine",
        DecayShape.Exponential => "exponential",
        _ => "1-sqrt",
    };
}
