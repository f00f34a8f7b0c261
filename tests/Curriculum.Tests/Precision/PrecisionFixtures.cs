using System.Text.Json;

namespace Curriculum.Tests.Precision;

/// <summary>The JSON files tools/precision_fixtures/make_precision_fixtures.py writes from PyTorch 1.13.</summary>
static class PrecisionFixtures
{
    public static JsonElement Load(string name)
    {
        var path = Path.Combine(RepoPaths.Fixtures, "precision", name);
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    public static uint[] UInts(JsonElement array)
    {
        var r = new uint[array.GetArrayLength()];
        int i = 0;
        foreach (var e in array.EnumerateArray()) r[i++] = e.GetUInt32();
        return r;
    }

    /// <summary>A float written as a number, or as "inf"/"-inf"/"nan" where JSON has no literal.</summary>
    public static float Float(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? float.Parse(e.GetString()!.Replace("inf", "Infinity").Replace("nan", "NaN"), System.Globalization.CultureInfo.InvariantCulture)
        : e.GetSingle();
}
