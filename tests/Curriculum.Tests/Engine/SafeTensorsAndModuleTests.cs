using System.Buffers.Binary;
using System.Text;
using Curriculum.Models;
using Curriculum.NN;
using Curriculum.Tensors;

namespace Curriculum.Tests.Engine;

/// <summary>Module naming and modes, and safetensors save/load including every kind of bad file.</summary>
public sealed class SafeTensorsAndModuleTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("engine-st-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static BenchmarkEncoder Model(ulong seed) => new(new BenchmarkEncoderConfig(11, 5, 6, 2, 2, 8, 1), new Generator(seed));

    [Fact]
    public void RoundTripRestoresEveryParameter()
    {
        var a = Model(1);
        var b = Model(2);
        string path = Path.Combine(_dir, "m.safetensors");
        a.Save(path);
        b.Load(path);
        foreach (var ((na, pa), (nb, pb)) in a.NamedParameters().Zip(b.NamedParameters()))
        {
            Assert.Equal(na, nb);
            Assert.Equal(pa.Data, pb.Data);
        }
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
    }

    [Fact]
    public void FileLayoutIsSafetensors()
    {
        // The layout written by Python's safetensors: u64 LE header length, JSON header padded to 8, raw LE data.
        string path = Path.Combine(_dir, "t.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray([1f, -2f], 2) });
        var bytes = File.ReadAllBytes(path);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        Assert.Equal("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", Encoding.UTF8.GetString(bytes, 8, n).TrimEnd());
        Assert.Equal(-2f, BitConverter.ToSingle(bytes, 8 + n + 4));
        Assert.Equal(8 + n + 8, bytes.Length);
    }

    [Fact]
    public void ReadsFilesWrittenByTheFixtureScript() => Assert.Equal(2, EngineFixtures.EncoderStep.IntTensors["x"].Size(0));

    [Fact]
    public void HierarchicalNamesAndTrainEvalMode()
    {
        var m = Model(1);
        Assert.Equal(["tok.weight", "pos.weight", "blocks.0.ln1.weight", "blocks.0.ln1.bias", "blocks.0.qkv.weight"], m.NamedParameters().Take(5).Select(p => p.Name));
        Assert.True(m.Blocks[1].Training);
        m.Eval();
        Assert.False(m.Blocks[1].Ln1.Training);
        m.Train();
        Assert.True(m.Blocks[0].Fc1.Training);
    }

    [Fact]
    public void MultiHeadAttentionNamesItsProjections()
    {
        var mha = new MultiHeadAttention(8, 2, contextDim: 6);
        Assert.Equal(["q.weight", "q.bias", "kv.weight", "kv.bias", "proj.weight", "proj.bias"], mha.NamedParameters().Select(p => p.Name));
        var y = mha.Forward(Tensor.Randn([2, 3, 8]), Tensor.Randn([2, 5, 6]));
        Assert.Equal([2, 3, 8], y.Shape);
    }

    void AssertRejectedAndUnchanged(byte[] file, params string[] parts)
    {
        string path = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllBytes(path, file);
        var m = Model(1);
        var before = m.Parameters().Select(p => p.ToArray()).ToList();
        var e = Assert.Throws<InvalidDataException>(() => m.Load(path));
        Assert.Contains(path, e.Message);
        foreach (var p in parts) Assert.Contains(p, e.Message);
        Assert.Equal(before, m.Parameters().Select(p => p.ToArray()).ToList());
    }

    byte[] Saved(Action<Dictionary<string, Tensor>> edit)
    {
        var sd = Model(2).StateDict();
        edit(sd);
        string path = Path.Combine(_dir, "src.safetensors");
        SafeTensors.Save(path, sd);
        return File.ReadAllBytes(path);
    }

    [Fact] public void MissingName() => AssertRejectedAndUnchanged(Saved(sd => sd.Remove("blocks.1.fc2.bias")), "missing", "blocks.1.fc2.bias");
    [Fact] public void ExtraName() => AssertRejectedAndUnchanged(Saved(sd => sd["head.weight"] = Tensor.Zeros(2)), "unexpected", "head.weight");
    [Fact] public void WrongShape() => AssertRejectedAndUnchanged(Saved(sd => sd["ln.weight"] = Tensor.Zeros(7)), "ln.weight", "(7)", "(6)");
    [Fact] public void TruncatedData() => AssertRejectedAndUnchanged(Saved(_ => { })[..^10], "truncated");
    [Fact] public void TooShort() => AssertRejectedAndUnchanged([1, 2, 3], "too short");
    [Fact] public void HeaderLengthBeyondFile() => AssertRejectedAndUnchanged([.. BitConverter.GetBytes(1000UL), .. "{}"u8.ToArray()], "header length 1000");

    [Fact]
    public void HeaderNotJson()
    {
        var h = "{\"x\": nope}   "u8.ToArray();
        AssertRejectedAndUnchanged([.. BitConverter.GetBytes((ulong)h.Length), .. h], "not valid JSON");
    }

    [Fact]
    public void OffsetsDisagreeWithShape()
    {
        var h = "{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}"u8.ToArray();
        AssertRejectedAndUnchanged([.. BitConverter.GetBytes((ulong)h.Length), .. h, .. new byte[8]], "'x'", "needs 12");
    }

    [Fact]
    public void UnsupportedDtype()
    {
        var h = "{\"x\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[0,1]}}"u8.ToArray();
        AssertRejectedAndUnchanged([.. BitConverter.GetBytes((ulong)h.Length), .. h, 0], "BOOL");
    }
}
