using Curriculum.Json;
using System.Buffers.Binary;
using System.Text.Json;

namespace Curriculum.Data;

/// <summary>Turns text into token ids; any tokenizer plugs in (a lambda over its Encode).</summary>
public delegate int[] TextEncoder(string text);

/// <summary>The index written beside token shards: files in order, token counts, the EOS id, and where the ids came
/// from: the tokenizer file and the SHA-256 of its bytes (null: byte-level), and the cleaning the text went through
/// (null: none recorded). Pre-training refuses shards whose tokenizer is not the run's, and a model keeps the cleaning
/// so that evaluation can clean held-out text the same way.</summary>
public sealed record TokenShardIndex(string[] Shards, long[] ShardTokens, long Documents, long Tokens, int EosId,
    string? Tokenizer = null, string? TokenizerSha256 = null, CleaningOptions? Cleaning = null);

/// <summary>Pre-tokenised training data: documents encoded, each followed by EOS, concatenated and
/// written as flat little-endian int32 files (<c>shard-00000.bin</c>, ...) of at most
/// <c>shardTokens</c> ids, plus <c>index.json</c>. nanoGPT's <c>prepare.py</c> writes the same
/// shape as uint16. Each shard is written to a temporary name and renamed when complete; the index
/// is written last, so a directory with an index is complete.</summary>
public static class TokenShards
{
    public const string IndexFile = "index.json";

    public static TokenShardIndex Write(IEnumerable<Document> documents, TextEncoder encode, int eosId, string directory, long shardTokens = 1 << 24,
        string? tokenizer = null, string? tokenizerSha256 = null, CleaningOptions? cleaning = null)
    {
        if (shardTokens < 1) throw new ArgumentOutOfRangeException(nameof(shardTokens), "must be >= 1");
        Directory.CreateDirectory(directory);
        var shards = new List<string>();
        var counts = new List<long>();
        long docs = 0, total = 0, inShard = 0;
        FileStream? stream = null;
        string? tempPath = null;
        var buffer = new byte[4];
        void Close()
        {
            if (stream is null) return;
            stream.Dispose();
            var name = $"shard-{shards.Count:D5}.bin";
            File.Move(tempPath!, Path.Combine(directory, name), overwrite: true);
            shards.Add(name); counts.Add(inShard);
            stream = null; inShard = 0;
        }
        void Put(int id)
        {
            if (stream is null)
            {
                tempPath = Path.Combine(directory, $".shard-{shards.Count:D5}.bin.tmp");
                stream = new FileStream(tempPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            }
            BinaryPrimitives.WriteInt32LittleEndian(buffer, id);
            stream.Write(buffer);
            inShard++; total++;
            if (inShard == shardTokens) Close();
        }
        try
        {
            foreach (var d in documents)
            {
                foreach (int id in encode(d.Text)) Put(id);
                Put(eosId);
                docs++;
            }
            Close();
        }
        catch
        {
            stream?.Dispose();
            if (tempPath != null && File.Exists(tempPath)) File.Delete(tempPath);
            throw;
        }
        var index = new TokenShardIndex([.. shards], [.. counts], docs, total, eosId, tokenizer, tokenizerSha256, cleaning);
        var indexPath = Path.Combine(directory, IndexFile);
        File.WriteAllText(indexPath + ".tmp", JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(indexPath + ".tmp", indexPath, overwrite: true);
        return index;
    }

    public static TokenShardIndex ReadIndex(string directory)
    {
        var path = Path.Combine(directory, IndexFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no shard index (an incomplete or missing prepare run)", path);
        TokenShardIndex? index;
        try
        {
            using var doc = StrictJson.ParseDocument(File.ReadAllBytes(path));
            index = doc.RootElement.Deserialize<TokenShardIndex>();
        }
        catch (JsonTextException e) { throw new DataFormatException(path, e.Line, $"not a shard index: {e.Message}"); }
        catch (JsonException e) { throw new DataFormatException(path, 1, $"not a shard index: {e.Path}: {e.Message.Split(" Path:")[0]}"); }
        if (index?.Shards == null || index.ShardTokens == null || index.Shards.Length != index.ShardTokens.Length || index.Shards.Any(s => s == null))
            throw new DataFormatException(path, 1, "not a shard index: expected {\"Shards\": [file names], \"ShardTokens\": [one count per shard], ...} as `curriculum data prepare` writes it");
        return index;
    }

    /// <summary>Streams the token ids of all shards in order, <paramref name="chunk"/> at a time.</summary>
    public static IEnumerable<int[]> ReadTokens(string directory, int chunk = 1 << 16)
    {
        var index = ReadIndex(directory);
        var bytes = new byte[chunk * 4];
        foreach (var shard in index.Shards)
        {
            var path = Path.Combine(directory, shard);
            using var stream = File.OpenRead(path);
            if (stream.Length % 4 != 0) throw new DataFormatException(path, 0, $"length {stream.Length} is not a multiple of 4 bytes (int32 ids)");
            int read;
            while ((read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false)) > 0)
            {
                var ids = new int[read / 4];
                for (int i = 0; i < ids.Length; i++) ids[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i * 4));
                yield return ids;
            }
        }
    }
}
