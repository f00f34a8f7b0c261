namespace Curriculum.Objectives;

/// <summary>Argument checks shared by the collators; each names the offending parameter.</summary>
static class ObjectiveArguments
{
    /// <summary>A probability or rate in [0, 1].</summary>
    public static void Rate(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1].");
    }

    public static void TokenId(int id, int vocabSize, string name)
    {
        if (id < 0 || id >= vocabSize)
            throw new ArgumentOutOfRangeException(name, id, $"{name} must be a token id in [0, vocabSize = {vocabSize}).");
    }

    public static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be > 0.");
    }
}
