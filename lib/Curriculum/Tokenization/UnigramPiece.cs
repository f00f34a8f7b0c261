namespace Curriculum.Tokenization;

/// <summary>What a vocabulary entry of a Unigram model is (SentencePiece's ModelProto piece types).</summary>
public enum UnigramPieceKind
{
    /// <summary>Text, matched in the input, with a learned log-probability.</summary>
    Normal,
    /// <summary>&lt;unk&gt;: what a character no piece covers becomes without byte fallback.</summary>
    Unknown,
    /// <summary>&lt;s&gt;, &lt;/s&gt;: never matched in text, skipped when decoding.</summary>
    Control,
    /// <summary>&lt;0x41&gt;: one UTF-8 byte of a character no piece covers (byte fallback).</summary>
    Byte,
}

/// <summary>One vocabulary entry of a Unigram model: its text ("▁the"), its log-probability and its kind.</summary>
public readonly record struct UnigramPiece(string Piece, double Score, UnigramPieceKind Kind = UnigramPieceKind.Normal);
