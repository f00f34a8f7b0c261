namespace Curriculum.Tokenization;

/// <summary>
/// A direct-mapped memo of one thread's recent short-key lookups in one <see cref="ByteSequenceMap"/>
/// (256 KiB that stays in the CPU's cache, in front of a table of megabytes). Entries are plain structs:
/// only its own thread reads and writes them.
/// </summary>
public sealed class ShortKeyMemo
{
    public const int Size = 16384;

    public struct Entry
    {
        public ulong Prefix;
        public int Length; // 0 = empty
        public int Value;
    }

    public readonly Entry[] Entries = new Entry[Size];
}
