using Curriculum.Data;

namespace Curriculum.Cli;

/// <summary>A shard folder read back as one token stream, checked against the run's tokenizer (the one the shards
/// record, <see cref="TokenizerFingerprint"/>) and the model's vocabulary.</summary>
static class ShardStreams
{
    public static int[] Read(string directory, int vocabSize, string tokenizerPath, string field)
    {
        TokenizerFingerprint.CheckShards(directory, tokenizerPath, field);
        var ids = new List<int>();
        foreach (var chunk in TokenShards.ReadTokens(directory)) ids.AddRange(chunk);
        for (int i = 0; i < ids.Count; i++)
            if ((uint)ids[i] >= (uint)vocabSize)
                throw new ConfigException($"{field}: {directory}: token id {ids[i]} at position {i} is outside the tokenizer's vocabulary [0, {vocabSize}); prepare the shards with the run's tokenizer (`curriculum data prepare --tokenizer ...`).");
        return ids.ToArray();
    }
}
