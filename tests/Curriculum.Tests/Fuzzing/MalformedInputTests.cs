using System.Text;
using Curriculum.Cli;
using Curriculum.Json;
using Curriculum.Notebooks;
using Curriculum.Tensors;
using Curriculum.Tokenization;

namespace Curriculum.Tests.Fuzzing;

/// <summary>
/// The damage the fuzz tests found, each read back with the exact message: the file, the place (line and column,
/// JSON path, cell) and what was expected. Columns count characters, so a line of Chinese text is not off by bytes.
/// </summary>
public sealed class MalformedInputTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "curriculum-malformed-" + Guid.NewGuid().ToString("N"));

    public MalformedInputTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_syntax_error_gives_its_place_once_one_based_in_characters()
    {
        var e = Assert.Throws<JsonTextException>(() => StrictJson.Check("{\n  \"文本\": \"训练数据\",\n  \"x\": nope\n}"u8));
        Assert.StartsWith("line 3, column 9 (byte 38): invalid JSON: 'nope", e.Message);
        Assert.EndsWith("is an invalid JSON literal. Expected the literal 'null'", e.Message);
        Assert.DoesNotContain("LineNumber", e.Message);
    }

    [Fact]
    public void A_key_written_twice_is_named_by_its_path_and_place()
    {
        var e = Assert.Throws<JsonTextException>(() => StrictJson.Check("{\"a\": [{\"lr\": 0.1,\n \"lr\": 1}]}"u8));
        Assert.Equal("line 2, column 2 (byte 20): $.a[0].lr: the key \"lr\" appears twice in this object; expected each key once", e.Message);
        Assert.Equal("line 1, column 1 (byte 0): $[\"a b\"]: the key \"a b\" appears twice in this object; expected each key once",
            Assert.Throws<JsonTextException>(() => StrictJson.Check("{\"a b\": 1, \"a b\": 2}"u8)).Message.Replace("column 12 (byte 11)", "column 1 (byte 0)"));
    }

    [Fact]
    public void Invalid_utf8_is_named_by_its_byte_offset()
    {
        byte[] bytes = [.. "{\"text\": \"中"u8, 0xFF, .. "\"}"u8];
        var e = Assert.Throws<JsonTextException>(() => StrictJson.Check(bytes));
        Assert.Equal("line 1, column 12 (byte 13): invalid UTF-8: byte 0xFF does not continue or start a character; expected UTF-8 text", e.Message);
    }

    [Theory]
    [InlineData("""{ "nbformat": 4, "nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [] }""",
        "line 1, column 18 (byte 17): $.nbformat: the key \"nbformat\" appears twice in this object; expected each key once")]
    [InlineData("""{ "nbformat": 2147483648, "nbformat_minor": 5, "metadata": {}, "cells": [] }""",
        "field 'nbformat': expected 4 (only nbformat 4 notebooks are supported), found 2147483648")]
    [InlineData("""{ "nbformat": 4, "nbformat_minor": 1e400, "metadata": {}, "cells": [] }""",
        "field 'nbformat_minor': expected a non-negative integer, found 1e400")]
    [InlineData("""{ "nbformat": 4, "nbformat_minor": 5, "metadata": { "polyglot_notebook": 1 }, "cells": [] }""",
        "field 'metadata.polyglot_notebook': expected an object, found 1")]
    [InlineData("""{ "nbformat": 4, "nbformat_minor": 5, "metadata": [], "cells": [] }""", "field 'metadata': expected an object, found an array")]
    [InlineData("""{ "nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [ { "cell_type": "code", "metadata": { "tags": [true] }, "source": "", "outputs": [] } ] }""",
        "cell 1: field 'metadata.tags': expected an array of strings, found [true]")]
    [InlineData("""{ "nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [ { "cell_type": "code", "execution_count": "3", "metadata": {}, "source": "", "outputs": [] } ] }""",
        "cell 1: field 'execution_count': expected an integer or null, found a string")]
    [InlineData("""{ "nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [ { "cell_type": "code", "metadata": { "polyglot_notebook": { "kernelName": 7 } }, "source": "", "outputs": [] } ] }""",
        "cell 1: metadata.polyglot_notebook.kernelName': expected a string, found 7")]
    public void A_damaged_notebook_names_the_file_and_the_place(string json, string expected)
    {
        string path = Write("damaged.ipynb", json);
        var e = Assert.Throws<NotebookFormatException>(() => NotebookDocument.Load(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_run_json_syntax_error_gives_its_position_once()
    {
        string path = Write("run.json", "{ \"model\": { \"type\": \"gpt\" }, }");
        var e = Assert.Throws<ConfigException>(() => RunConfig.Load(path));
        Assert.Equal($"{path}: line 1, column 31 (byte 30): invalid JSON: The JSON object contains a trailing comma at the end which is not supported in this mode. Change the reader options.", e.Message);
    }

    [Fact]
    public void Tokenizer_json_and_safetensors_name_the_file_and_the_place()
    {
        string tok = Write("tokenizer.json", "{\"model\": {\"type\": \"BPE\", \"type\": \"WordPiece\"}}");
        Assert.Equal($"{tok}: line 1, column 27 (byte 26): $.model.type: the key \"type\" appears twice in this object; expected each key once",
            Assert.Throws<FormatException>(() => TokenizerJson.Load(tok)).Message);

        string weights = Path.Combine(_dir, "w.safetensors");
        SafeTensors.Save(weights, new Dictionary<string, Tensor> { ["w"] = new Tensor([1f, 2f], 2) });
        var bytes = File.ReadAllBytes(weights);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToUInt64(bytes));
        File.WriteAllBytes(weights, [.. bytes[..8], .. Encoding.UTF8.GetBytes(header.Replace("\"data_offsets\":[0,8]", "\"data_offsets\":[0,\"8\"]")), .. bytes[(8 + header.Length)..]]);
        Assert.Contains($"{weights}: header entry 'w', field 'data_offsets': [0,\"8\"] is not a valid [begin, end].",
            Assert.Throws<InvalidDataException>(() => SafeTensors.Load(weights)).Message);
    }
}
