using Curriculum.NN;
using Curriculum.Tensors;
using Curriculum.Tests.Engine;

namespace Curriculum.Tests.Models;

/// <summary>The PyTorch references of tools/torch_fixtures/make_model_fixtures.py (tests/fixtures/models/).</summary>
static class ModelFixtures
{
    public static SafeTensorsFile Load(string name) => SafeTensors.Load(Path.Combine(RepoPaths.Fixtures, "models", name));

    /// <summary>The "param.*" tensors as a state dict.</summary>
    public static Dictionary<string, Tensor> Parameters(SafeTensorsFile file)
    {
        var d = new Dictionary<string, Tensor>();
        foreach (var (name, t) in file.Tensors)
            if (name.StartsWith("param.", StringComparison.Ordinal)) d[name["param.".Length..]] = t;
        return d;
    }

    /// <summary>Every parameter's gradient against "grad.&lt;name&gt;", 1e-4 relative (see <see cref="EngineFixtures.AssertClose(Tensor, Tensor, string, double)"/>).</summary>
    public static void AssertGradients(SafeTensorsFile file, Module model)
    {
        int n = 0;
        foreach (var (name, p) in model.NamedParameters())
        {
            Assert.True(p.Grad != null, $"{name} has no gradient");
            EngineFixtures.AssertClose(file.Tensors["grad." + name], p.Grad!, "grad " + name);
            n++;
        }
        Assert.Equal(file.Tensors.Keys.Count(k => k.StartsWith("grad.", StringComparison.Ordinal)), n);
    }

    public static void AssertScalar(SafeTensorsFile file, string name, Tensor actual) =>
        EngineFixtures.AssertClose(file.Tensors[name], actual.Reshape(1), name);
}
