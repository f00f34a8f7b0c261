using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Curriculum.Tokenization;

/// <summary>
/// A map from byte sequences to ids (token bytes -> rank) that looks up a span without allocating.
/// Open addressing; each slot holds the key's length and first 8 bytes, so a lookup of a key of up to
/// 8 bytes (most tokens) touches one cache line; longer keys compare the rest in a shared arena.
/// In front of the table (megabytes for 200k tokens: a cache miss per lookup) sits a small
/// direct-mapped cache of recent short-key answers, found or not, that stays in the CPU's cache.
/// </summary>
public sealed class ByteSequenceMap
{
    [StructLayout(LayoutKind.Sequential)]
    struct Slot
    {
        public ulong Prefix;  // first 8 bytes, little-endian, zero-padded
        public int Length;    // 0 = empty
        public int Value;
    }

    // immutable entries: a reference write is atomic, so concurrent readers never see a torn entry
    sealed class Recent(ulong prefix, int length, int value, byte[]? tail = null)
    {
        public readonly ulong Prefix = prefix;
        public readonly int Length = length, Value = value;
        public readonly byte[]? Tail = tail; // bytes 8.. of a longer key
    }

    const int RecentSize = 8192;
    readonly Recent?[] _recent = new Recent?[RecentSize];
    Slot[] _slots;
    int[] _tailStart;         // per slot: where bytes 8.. of a longer key start in the arena
    byte[] _arena = new byte[4096];
    int _arenaUsed, _count;

    public ByteSequenceMap(int capacity = 1024)
    {
        int size = 16;
        while (size < capacity * 2) size <<= 1;
        _slots = new Slot[size];
        _tailStart = new int[size];
    }

    public int Count => _count;

    /// <summary>Adds or replaces the id of <paramref name="key"/> (non-empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Set(ReadOnlySpan<byte> key, int value)
    {
        if (key.IsEmpty) throw new ArgumentException("empty key", nameof(key));
        if ((_count + 1) * 2 > _slots.Length) Grow();
        int slot = FindSlot(key, Prefix(key));
        ref var s = ref _slots[slot];
        if (s.Length != 0) { s.Value = value; return; }
        s.Prefix = Prefix(key);
        s.Length = key.Length;
        s.Value = value;
        if (key.Length > 8) _tailStart[slot] = AddToArena(key[8..]);
        _count++;
        _recent[(Hash(s.Prefix, key) >>> 16) & (RecentSize - 1)] = null; // it may remember this key as absent
    }

    /// <summary>The id of <paramref name="key"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Get(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty) return -1;
        ulong prefix = Prefix(key);
        int hash = Hash(prefix, key);
        ref var recent = ref _recent[(hash >>> 16) & (RecentSize - 1)];
        var r = recent;
        if (r != null && r.Prefix == prefix && r.Length == key.Length && (r.Tail == null || key[8..].SequenceEqual(r.Tail)))
            return r.Value;
        int value = Find(key, prefix, hash);
        recent = new Recent(prefix, key.Length, value, key.Length > 8 ? key[8..].ToArray() : null);
        return value;
    }

    /// <summary>The id of <paramref name="key"/>, or -1, without consulting or filling the recent-answer cache
    /// (for the many one-off pair lookups of merging, which would only evict the frequent whole words).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetDirect(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty) return -1;
        ulong prefix = Prefix(key);
        return Find(key, prefix, Hash(prefix, key));
    }

    /// <summary><see cref="GetDirect(ReadOnlySpan{byte})"/> remembering short keys' answers in a one-thread
    /// <paramref name="memo"/> (no locks, no allocation): merging asks about the same pairs again and again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetDirect(ReadOnlySpan<byte> key, ShortKeyMemo memo)
    {
        if (key.IsEmpty || key.Length > 8) return GetDirect(key);
        ulong prefix = Prefix(key);
        int hash = ShortHash(prefix, key.Length);
        ref var e = ref memo.Entries[hash & (ShortKeyMemo.Size - 1)];
        if (e.Length == key.Length && e.Prefix == prefix) return e.Value;
        int value = Find(key, prefix, hash);
        e = new ShortKeyMemo.Entry { Prefix = prefix, Length = key.Length, Value = value };
        return value;
    }

    /// <summary>The id of a key of 1 to 8 bytes given packed little-endian in <paramref name="prefix"/>, or -1
    /// (a tokenizer's fast path for short ASCII pieces, with no UTF-8 transcoding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetShort(ulong prefix, int length)
    {
        int hash = ShortHash(prefix, length);
        ref var recent = ref _recent[(hash >>> 16) & (RecentSize - 1)];
        var r = recent;
        if (r != null && r.Prefix == prefix && r.Length == length) return r.Value;
        int mask = _slots.Length - 1, slot = hash & mask, value;
        while (true)
        {
            ref var s = ref _slots[slot];
            if (s.Length == 0) { value = -1; break; }
            if (s.Length == length && s.Prefix == prefix) { value = s.Value; break; }
            slot = (slot + 1) & mask;
        }
        recent = new Recent(prefix, length, value);
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int Find(ReadOnlySpan<byte> key, ulong prefix, int hash)
    {
        ref var s = ref _slots[FindSlot(key, prefix, hash)];
        return s.Length == 0 ? -1 : s.Value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int FindSlot(ReadOnlySpan<byte> key, ulong prefix) => FindSlot(key, prefix, Hash(prefix, key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int FindSlot(ReadOnlySpan<byte> key, ulong prefix, int hash)
    {
        int mask = _slots.Length - 1;
        int slot = hash & mask;
        var slots = _slots;
        while (true)
        {
            ref var s = ref slots[slot];
            if (s.Length == 0) return slot;
            if (s.Length == key.Length && s.Prefix == prefix
                && (key.Length <= 8 || _arena.AsSpan(_tailStart[slot], key.Length - 8).SequenceEqual(key[8..])))
                return slot;
            slot = (slot + 1) & mask;
        }
    }

    int AddToArena(ReadOnlySpan<byte> bytes)
    {
        if (_arenaUsed + bytes.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + bytes.Length));
        bytes.CopyTo(_arena.AsSpan(_arenaUsed));
        _arenaUsed += bytes.Length;
        return _arenaUsed - bytes.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Grow()
    {
        var old = _slots;
        var oldTail = _tailStart;
        _slots = new Slot[old.Length * 2];
        _tailStart = new int[old.Length * 2];
        int mask = _slots.Length - 1;
        var buffer = new byte[256];
        for (int i = 0; i < old.Length; i++)
        {
            if (old[i].Length == 0) continue;
            int len = old[i].Length;
            if (len > buffer.Length) buffer = new byte[len];
            Span<byte> key = buffer.AsSpan(0, len);
            var prefix = old[i].Prefix;
            for (int b = 0; b < Math.Min(8, len); b++) key[b] = (byte)(prefix >> (8 * b));
            if (len > 8) _arena.AsSpan(oldTail[i], len - 8).CopyTo(key[8..]);
            int slot = Hash(prefix, key) & mask;
            while (_slots[slot].Length != 0) slot = (slot + 1) & mask;
            _slots[slot] = old[i];
            _tailStart[slot] = oldTail[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ulong Prefix(ReadOnlySpan<byte> key)
    {
        if (key.Length >= 8) return MemoryMarshal.Read<ulong>(key);
        ulong p = 0;
        for (int i = key.Length - 1; i >= 0; i--) p = (p << 8) | key[i];
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int ShortHash(ulong prefix, int length) => Finish((prefix ^ ((ulong)length << 56)) * 0x9E3779B97F4A7C15UL);

    // multiply-xorshift over the prefix, the length and (for longer keys) the rest, 8 bytes at a time
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int Hash(ulong prefix, ReadOnlySpan<byte> key)
    {
        ulong h = (prefix ^ ((ulong)key.Length << 56)) * 0x9E3779B97F4A7C15UL;
        for (int i = 8; i < key.Length; i += 8)
        {
            ulong chunk = 0;
            int n = Math.Min(8, key.Length - i);
            for (int b = n - 1; b >= 0; b--) chunk = (chunk << 8) | key[i + b];
            h = (h ^ chunk) * 0xBF58476D1CE4E5B9UL;
        }
        return Finish(h);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int Finish(ulong h)
    {
        h ^= h >> 29;
        h *= 0x94D049BB133111EBUL;
        h ^= h >> 32;
        return (int)h;
    }
}
