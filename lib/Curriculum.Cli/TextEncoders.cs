using Curriculum.Tokenization;

namespace Curriculum.Cli;

/// <summary>The special ids a pipeline needs from a trained tokenizer.</summary>
static class TextEncoders
{
    /// <summary>The document separator: &lt;|endoftext|&gt; (BPE), [SEP] (WordPiece), else the last id.</summary>
    public static int EosId(Tokenizer tokenizer) =>
        tokenizer.TokenToId("<|endoftext|>") ?? tokenizer.TokenToId("[SEP]") ?? tokenizer.VocabularySize - 1;
}
