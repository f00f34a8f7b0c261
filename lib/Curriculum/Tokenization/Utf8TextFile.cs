using System.Text;

namespace Curriculum.Tokenization;

/// <summary>
/// Reads a text file as UTF-8, replacing each invalid sequence by U+FFFD and counting them, so a
/// caller can report "N invalid UTF-8 sequences replaced" instead of failing or silently changing text.
/// A byte-order mark is kept as U+FEFF (as tiktoken's and tokenizers' own readers do).
/// </summary>
public static class Utf8TextFile
{
    public static string Read(string path, out int invalidSequences) => Decode(File.ReadAllBytes(path), out invalidSequences);

    /// <summary>
    /// A trainer's counting pass over files: each file's text to <paramref name="addText"/>, bytes done reported as
    /// "counting" progress. Returns the invalid UTF-8 sequences met (each read as U+FFFD).
    /// </summary>
    public static int CountFiles(IEnumerable<string> paths, Action<string> addText, IProgress<TrainingProgress>? progress)
    {
        var list = paths.ToList();
        long total = list.Sum(p => new FileInfo(p).Length), done = 0;
        int invalid = 0;
        foreach (var p in list)
        {
            addText(Read(p, out int n));
            invalid += n;
            done += new FileInfo(p).Length;
            progress?.Report(new TrainingProgress("counting", done, total));
        }
        return invalid;
    }

    public static string Decode(byte[] bytes, out int invalidSequences)
    {
        var counter = new CountingFallback();
        var encoding = (Encoding)new UTF8Encoding(false).Clone();
        encoding.DecoderFallback = counter;
        // one decoding pass (GetString would call the fallback twice: once to size, once to decode)
        var chars = new char[encoding.GetMaxCharCount(bytes.Length)];
        int n = encoding.GetDecoder().GetChars(bytes, 0, bytes.Length, chars, 0, flush: true);
        invalidSequences = counter.Count;
        return new string(chars, 0, n);
    }

    sealed class CountingFallback : DecoderFallback
    {
        public int Count;
        public override int MaxCharCount => 1;
        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer(this);

        sealed class Buffer(CountingFallback owner) : DecoderFallbackBuffer
        {
            bool _pending;
            public override int Remaining => _pending ? 1 : 0;
            public override bool Fallback(byte[] bytesUnknown, int index) { owner.Count++; _pending = true; return true; }
            public override char GetNextChar() { if (!_pending) return '\0'; _pending = false; return '\uFFFD'; }
            public override bool MovePrevious() => false;
            public override void Reset() => _pending = false;
        }
    }
}
