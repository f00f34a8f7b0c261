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

    /// <summary>True for what <see cref="Of"/> writes: 64 lower-case hexadecimal digits.</summary>
    public static bool IsFingerprint(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);

    /// <summary>The first 12 digits, enough to tell two tokenizers apart in a message.</summary>
    static string Short(string fingerprint) => fingerprint.Length > 12 ? fingerprint[..12] + "…" : fingerprint;

    /// <summary>Refuses <paramref name="tokenizerPath"/> unless its fingerprint is <paramref name="recorded"/>; the message names both files.</summary>
    public static void Require(string recorded, string recordedBy, string tokenizerPath, Func<string, Exception> error, string remedy)
    {
        if (!IsFingerprint(recorded))
            throw error($"{recordedBy}: the recorded tokenizer_sha256 is \"{recorded}\"; expected 64 hexadecimal digits");
        string actual = Of(tokenizerPath);
        if (actual != recorded)
            throw error($"{tokenizerPath} (sha256 {Short(actual)}) is not the tokenizer of {recordedBy} (sha256 {Short(recorded)}); {remedy}");
    }

    /// <summary>Throws a <see cref="ConfigException"/> naming both files when the shards in <paramref name="shardDir"/> were
    /// encoded with another tokenizer than <paramref name="tokenizerPath"/>; shards without a record (byte-level, or
    /// written before shards recorded it) pass.</summary>
    public static void CheckShards(string shardDir, string tokenizerPath, string field)
    {
        var index = Data.TokenShards.ReadIndex(shardDir);
        if (index.TokenizerSha256 is not { } recorded) return;
        Require(recorded, $"{shardDir} (encoded with {index.Tokenizer})", tokenizerPath, m => new ConfigException($"{field}: {m}"),
            "prepare the shards again with this tokenizer, or train with the one they were written with.");
    }
}
