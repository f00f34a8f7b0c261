using System.Security.Cryptography;

namespace Curriculum.Cli;

/// <summary>
/// The identity of a tokenizer: the SHA-256 of its tokenizer.json bytes. Shards record it when `data prepare` writes
/// them and a model folder when it is saved, so that ids are never read with another tokenizer's vocabulary (two 4k
/// tokenizers trained on different text share the id range but not the meaning of 9 ids in 10).
/// </summary>
static class TokenizerFingerprint
{
    public static string Of(string tokenizerPath) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(tokenizerPath)));

    /// <summary>Throws a <see cref="ConfigException"/> naming both files when the shards in <paramref name="shardDir"/> were
    /// encoded with another tokenizer than <paramref name="tokenizerPath"/>; shards without a record (byte-level, or
    /// written before shards recorded it) pass.</summary>
    public static void CheckShards(string shardDir, string tokenizerPath, string field)
    {
        var index = Data.TokenShards.ReadIndex(shardDir);
        if (index.TokenizerSha256 is not { } recorded) return;
        string actual = Of(tokenizerPath);
        if (recorded != actual)
            throw new ConfigException($"{field}: {shardDir} was encoded with {index.Tokenizer} (sha256 {recorded[..12]}…), not with {tokenizerPath} (sha256 {actual[..12]}…); "
                + "prepare the shards again with this tokenizer, or train with the one they were written with.");
    }
}
