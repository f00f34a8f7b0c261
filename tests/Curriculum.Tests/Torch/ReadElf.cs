using System.Text.RegularExpressions;

namespace Curriculum.Tests.Torch;

/// <summary>What binutils' <c>readelf -V -W</c> says about a file's symbol versions: the independent reader the ELF editor is checked against.</summary>
static partial class ReadElf
{
    public sealed record Need(string File, string Name, bool Weak, int Index);
    /// <param name="VersymOffset">File offset of .gnu.version (2 bytes a symbol).</param>
    /// <param name="NeedOffsets">File offset of each need's Elf64_Vernaux entry, in the order of <paramref name="Needs"/>.</param>
    public sealed record Versions(List<int> SymbolVersions, List<Need> Needs, List<string> Definitions, long VersymOffset, List<long> NeedOffsets);

    public static Versions Read(string path)
    {
        var r = ProcessRunner.Run("readelf", ["-V", "-W", path]);
        Assert.True(r.ExitCode == 0, $"readelf -V {path}: {r.Stderr}");
        var symbols = new List<int>();
        var needs = new List<Need>();
        var definitions = new List<string>();
        var needOffsets = new List<long>();
        long versymOffset = -1, needsOffset = -1;
        string section = "", file = "";
        foreach (var line in r.Stdout.Split('\n'))
        {
            if (line.StartsWith("Version symbols section")) { section = "versym"; continue; }
            if (line.StartsWith("Version definition section")) { section = "verdef"; continue; }
            if (line.StartsWith("Version needs section")) { section = "verneed"; continue; }
            if (SectionOffset().Match(line) is { Success: true } at)
            {
                if (section == "versym" && versymOffset < 0) versymOffset = Convert.ToInt64(at.Groups[1].Value, 16);
                if (section == "verneed" && needsOffset < 0) needsOffset = Convert.ToInt64(at.Groups[1].Value, 16);
            }
            if (section == "versym" && SymbolRow().Match(line) is { Success: true } row)
                foreach (Match entry in VersymEntry().Matches(row.Groups[1].Value)) symbols.Add(Convert.ToInt32(entry.Groups[1].Value, 16)); // hexadecimal in this table
            else if (section == "verdef" && DefinitionRow().Match(line) is { Success: true } def)
                definitions.Add(def.Groups[1].Value);
            else if (section == "verneed" && NeedFile().Match(line) is { Success: true } f)
                file = f.Groups[1].Value;
            else if (section == "verneed" && NeedEntry().Match(line) is { Success: true } n)
            {
                needs.Add(new Need(file, n.Groups[2].Value, n.Groups[3].Value.Contains("WEAK"), int.Parse(n.Groups[4].Value)));
                needOffsets.Add(needsOffset + Convert.ToInt64(n.Groups[1].Value, 16));
            }
        }
        return new Versions(symbols, needs, definitions, versymOffset, needOffsets);
    }

    [GeneratedRegex(@"^\s+[0-9a-f]+:((\s+[0-9a-f]+h?\s*\([^)]*\))+)\s*$")] private static partial Regex SymbolRow();
    [GeneratedRegex(@"([0-9a-f]+)h?\s*\(")] private static partial Regex VersymEntry();
    [GeneratedRegex(@"Rev: \d+\s+Flags: \S+\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)")] private static partial Regex DefinitionRow();
    [GeneratedRegex(@"Version: \d+\s+File: (\S+)\s+Cnt: \d+")] private static partial Regex NeedFile();
    [GeneratedRegex(@"^\s+0x([0-9a-f]+):\s+Name: (\S+)\s+Flags: (.+?)\s+Version: (\d+)")] private static partial Regex NeedEntry();
    [GeneratedRegex(@"Offset: 0x([0-9a-f]+)\s+Link:")] private static partial Regex SectionOffset();
}
