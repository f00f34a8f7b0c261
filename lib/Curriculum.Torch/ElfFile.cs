using System.Buffers.Binary;
using System.Text;

namespace Curriculum.Torch;

/// <summary>A file that is not the 64-bit little-endian ELF shared object expected; the message names the file and offset.</summary>
public sealed class ElfFormatException(string message) : Exception(message);

/// <summary>One version a shared object needs from a library (<c>readelf -V</c>'s "Version needs"): e.g. GLIBCXX_3.4.32 from libstdc++.so.6.</summary>
/// <param name="Index">The number the symbol-version table (.gnu.version) uses for it.</param>
/// <param name="FlagsOffset">Where its vna_flags field sits in the file.</param>
public sealed record ElfVersionNeed(string File, string Name, ushort Index, ushort Flags, long FlagsOffset)
{
    /// <summary>VER_FLG_WEAK: the dynamic loader does not fail when the library lacks this version.</summary>
    public const ushort WeakFlag = 0x2;
    public bool IsWeak => (Flags & WeakFlag) != 0;
}

/// <summary>
/// A 64-bit little-endian ELF file held in memory, read as far as symbol versioning needs (the System V gABI and the
/// LSB's symbol-versioning sections): the dynamic symbols (.dynsym), each one's version index (.gnu.version), the versions
/// needed from other libraries (.gnu.version_r) and the versions defined (.gnu.version_d). The two edits it makes
/// change a few bytes in place (nothing moves), so every other byte of the file stays as it was.
/// </summary>
public sealed class ElfFile
{
    const uint ShtDynsym = 11, ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
    const int SymbolSize = 24;

    readonly record struct Section(int Index, uint Type, long Offset, long Size, uint Link, uint Info);

    readonly Section[] _sections;

    /// <summary>The file the bytes came from, for messages.</summary>
    public string Path { get; }
    /// <summary>The whole file; <see cref="SetSymbolVersion"/> and <see cref="SetVersionNeedFlags"/> edit it in place.</summary>
    public byte[] Bytes { get; }

    ElfFile(string path, byte[] bytes)
    {
        Path = path;
        Bytes = bytes;
        _sections = ReadSectionHeaders();
    }

    public static ElfFile Read(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Checks the header and the section table; throws <see cref="ElfFormatException"/> naming <paramref name="path"/>.</summary>
    public static ElfFile Parse(byte[] bytes, string path) => new(path, bytes);

    // ---- header and sections (ELF64: header 64 bytes, section headers e_shentsize = 64 bytes each) ------------------

    Section[] ReadSectionHeaders()
    {
        if (Bytes.Length < 64 || Bytes[0] != 0x7f || Bytes[1] != (byte)'E' || Bytes[2] != (byte)'L' || Bytes[3] != (byte)'F')
            throw Bad(0, $"not an ELF file (it starts with {Hex(0, 4)}; an ELF file starts with 7F 45 4C 46 and is at least 64 bytes)");
        if (Bytes[4] != 2) throw Bad(4, $"ELF class {Bytes[4]}, expected 2 (64-bit)");
        if (Bytes[5] != 1) throw Bad(5, $"ELF data encoding {Bytes[5]}, expected 1 (little-endian)");
        long shoff = (long)U64(40);
        int shentsize = U16(58), shnum = U16(60);
        if (shnum == 0) throw Bad(60, "no section headers (e_shnum = 0)");
        if (shentsize != 64) throw Bad(58, $"section header size {shentsize}, expected 64");
        CheckRange(shoff, (long)shnum * 64, "the section header table");
        var sections = new Section[shnum];
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + i * 64L;
            var s = new Section(i, U32(h + 4), (long)U64(h + 24), (long)U64(h + 32), U32(h + 40), U32(h + 44));
            if (s.Type is ShtDynsym or ShtGnuVerdef or ShtGnuVerneed or ShtGnuVersym)
                CheckRange(s.Offset, s.Size, $"section {i}");
            sections[i] = s;
        }
        return sections;
    }

    Section? FindSection(uint type)
    {
        foreach (var s in _sections) if (s.Type == type) return s;
        return null;
    }

    Section Required(uint type, string name) => FindSection(type) ?? throw Bad(40, $"no {name} section");

    string StringAt(Section table, uint offset, long where)
    {
        if (table.Index == 0 || offset >= table.Size) throw Bad(where, $"string offset {offset} outside string table (section {table.Index}, {table.Size} bytes)");
        long start = table.Offset + offset, end = start;
        long limit = table.Offset + table.Size;
        while (end < limit && Bytes[end] != 0) end++;
        if (end == limit) throw Bad(start, "string not terminated inside its string table");
        return Encoding.ASCII.GetString(Bytes, (int)start, (int)(end - start));
    }

    Section LinkedStrings(Section s) =>
        s.Link < _sections.Length ? _sections[s.Link] : throw Bad(0, $"section {s.Index} links to section {s.Link}, past the {_sections.Length} sections");

    // ---- dynamic symbols and their versions --------------------------------------------------------------------

    /// <summary>Number of entries of .dynsym (entry 0 is the null symbol).</summary>
    public int DynamicSymbolCount => (int)(Required(ShtDynsym, ".dynsym").Size / SymbolSize);

    /// <summary>The name of dynamic symbol <paramref name="index"/>.</summary>
    public string DynamicSymbolName(int index)
    {
        var dynsym = Required(ShtDynsym, ".dynsym");
        long at = dynsym.Offset + (long)index * SymbolSize;
        return StringAt(LinkedStrings(dynsym), U32(at), at);
    }

    /// <summary>The index of the dynamic symbol named <paramref name="name"/>, or -1.</summary>
    public int FindDynamicSymbol(string name)
    {
        for (int i = 1; i < DynamicSymbolCount; i++) if (DynamicSymbolName(i) == name) return i;
        return -1;
    }

    long VersymOffset(int symbol)
    {
        var versym = Required(ShtGnuVersym, ".gnu.version");
        if (symbol < 0 || (symbol + 1) * 2L > versym.Size) throw Bad(versym.Offset, $"symbol {symbol} has no entry in .gnu.version ({versym.Size / 2} entries)");
        return versym.Offset + symbol * 2L;
    }

    /// <summary>The version index of dynamic symbol <paramref name="symbol"/> (.gnu.version; 1 = global, no version required).</summary>
    public ushort SymbolVersion(int symbol) => (ushort)(U16(VersymOffset(symbol)) & 0x7fff);

    /// <summary>Sets dynamic symbol <paramref name="symbol"/>'s version index (as <c>patchelf --clear-symbol-version</c> sets it to 1).</summary>
    public void SetSymbolVersion(int symbol, ushort version) => BinaryPrimitives.WriteUInt16LittleEndian(Bytes.AsSpan((int)VersymOffset(symbol)), version);

    /// <summary>The dynamic symbols whose version index is <paramref name="version"/>.</summary>
    public List<int> SymbolsWithVersion(ushort version)
    {
        var found = new List<int>();
        for (int i = 1; i < DynamicSymbolCount; i++) if (SymbolVersion(i) == version) found.Add(i);
        return found;
    }

    // ---- versions needed (Elf64_Verneed 16 bytes, each followed by Elf64_Vernaux 16 bytes) and defined ----------

    /// <summary>Every version this file needs from other libraries, in file order.</summary>
    public List<ElfVersionNeed> VersionNeeds()
    {
        var needs = new List<ElfVersionNeed>();
        var sec = FindSection(ShtGnuVerneed);
        if (sec is not { } s) return needs;
        var strings = LinkedStrings(s);
        long at = s.Offset;
        for (uint n = 0; n < s.Info; n++)
        {
            CheckInside(s, at, 16, "Elf64_Verneed");
            string file = StringAt(strings, U32(at + 4), at + 4);
            long aux = at + U32(at + 8);
            for (int k = 0; k < U16(at + 2); k++)
            {
                CheckInside(s, aux, 16, "Elf64_Vernaux");
                needs.Add(new ElfVersionNeed(file, StringAt(strings, U32(aux + 8), aux + 8), U16(aux + 6), U16(aux + 4), aux + 4));
                aux += U32(aux + 12);
            }
            uint next = U32(at + 12);
            if (next == 0) break;
            at += next;
        }
        return needs;
    }

    /// <summary>Sets the vna_flags of one needed version (e.g. <see cref="ElfVersionNeed.WeakFlag"/>).</summary>
    public void SetVersionNeedFlags(ElfVersionNeed need, ushort flags) => BinaryPrimitives.WriteUInt16LittleEndian(Bytes.AsSpan((int)need.FlagsOffset), flags);

    /// <summary>The version names this file defines (Elf64_Verdef 20 bytes, its first Elf64_Verdaux naming it), e.g. libstdc++'s GLIBCXX_3.4 .. 3.4.30.</summary>
    public List<string> VersionDefinitions()
    {
        var names = new List<string>();
        var sec = FindSection(ShtGnuVerdef);
        if (sec is not { } s) return names;
        var strings = LinkedStrings(s);
        long at = s.Offset;
        for (uint n = 0; n < s.Info; n++)
        {
            CheckInside(s, at, 20, "Elf64_Verdef");
            long aux = at + U32(at + 12);
            CheckInside(s, aux, 8, "Elf64_Verdaux");
            names.Add(StringAt(strings, U32(aux), aux));
            uint next = U32(at + 16);
            if (next == 0) break;
            at += next;
        }
        return names;
    }

    // ---- bytes --------------------------------------------------------------------------------------------------

    ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan((int)at, 2));
    uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan((int)at, 4));
    ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan((int)at, 8));

    string Hex(int at, int n) => Bytes.Length <= at ? "nothing (the file is empty)" : BitConverter.ToString(Bytes, at, Math.Min(n, Bytes.Length - at)).Replace('-', ' ');

    void CheckRange(long offset, long size, string what)
    {
        if (offset < 0 || size < 0 || offset + size > Bytes.Length)
            throw Bad(offset, $"{what} ({size} bytes at offset {offset}) runs past the end of the file ({Bytes.Length} bytes)");
    }

    void CheckInside(Section s, long at, int size, string what)
    {
        if (at < s.Offset || at + size > s.Offset + s.Size)
            throw Bad(at, $"{what} at offset {at} lies outside its section {s.Index} (offset {s.Offset}, {s.Size} bytes)");
    }

    ElfFormatException Bad(long offset, string what) => new($"{Path}: offset {offset}: {what}.");
}
