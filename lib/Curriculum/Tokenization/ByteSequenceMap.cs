using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Curriculum.Tokenization;

/// <summary>
/// A map from byte sequences to ids (token bytes -> rank) that looks up a span without allocating:
/// open addressing over one arena holding every key's bytes.
/// </summary>
public sealed class ByteSequenceMap
{
    byte[] _arena = new byte[1024];
    int _arenaUsed;
    int[] _keyStart = new int[64], _keyLength = new int[64], _value = new int[64];
    int[] _slots; // index into the key arrays + 1; 0 = empty
    int _count;

    public ByteSequenceMap(int capacity = 1024)
    {
        int size = 16;
        while (size < capacity * 2) size <<= 1;
        _slots = new int[size];
    }

    public int Count => _count;

    /// <summary>Adds or replaces the id of <paramref name="key"/>.</summary>
    public void Set(ReadOnlySpan<byte> key, int value)
    {
        int slot = FindSlot(key, Hash(key));
        if (_slots[slot] != 0) { _value[_slots[slot] - 1] = value; return; }
        if (_arenaUsed + key.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + key.Length));
        if (_count == _keyStart.Length)
        {
            Array.Resize(ref _keyStart, _count * 2);
            Array.Resize(ref _keyLength, _count * 2);
            Array.Resize(ref _value, _count * 2);
        }
        key.CopyTo(_arena.AsSpan(_arenaUsed));
        _keyStart[_count] = _arenaUsed;
        _keyLength[_count] = key.Length;
        _value[_count] = value;
        _arenaUsed += key.Length;
        _slots[slot] = ++_count;
        if (_count * 2 > _slots.Length) Grow();
    }

    /// <summary>The id of <paramref name="key"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Get(ReadOnlySpan<byte> key)
    {
        int k = _slots[FindSlot(key, Hash(key))];
        return k == 0 ? -1 : _value[k - 1];
    }

    int FindSlot(ReadOnlySpan<byte> key, uint hash)
    {
        int mask = _slots.Length - 1;
        int slot = (int)hash & mask;
        while (true)
        {
            int k = _slots[slot];
            if (k == 0) return slot;
            k--;
            if (_keyLength[k] == key.Length && _arena.AsSpan(_keyStart[k], key.Length).SequenceEqual(key)) return slot;
            slot = (slot + 1) & mask;
        }
    }

    void Grow()
    {
        var slots = new int[_slots.Length * 2];
        int mask = slots.Length - 1;
        for (int k = 0; k < _count; k++)
        {
            int slot = (int)Hash(_arena.AsSpan(_keyStart[k], _keyLength[k])) & mask;
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = k + 1;
        }
        _slots = slots;
    }

    // 8 bytes at a time, multiply-xorshift mixing (keys are short: most tokens are under 16 bytes)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint Hash(ReadOnlySpan<byte> key)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)key.Length;
        int i = 0;
        for (; i + 8 <= key.Length; i += 8)
            h = (h ^ MemoryMarshal.Read<ulong>(key[i..])) * 0xBF58476D1CE4E5B9UL;
        ulong tail = 0;
        for (int s = 0; i < key.Length; i++, s += 8) tail |= (ulong)key[i] << s;
        h = (h ^ tail) * 0x94D049BB133111EBUL;
        h ^= h >> 31;
        return (uint)h;
    }
}
