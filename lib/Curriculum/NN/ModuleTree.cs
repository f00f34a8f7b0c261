namespace Curriculum.NN;

/// <summary>Walks a module tree (<c>named_modules()</c>) and matches dotted names against targets.</summary>
public static class ModuleTree
{
    /// <summary>Every module below <paramref name="root"/> with its dotted name, depth first; the root itself is "".</summary>
    public static List<(string Name, Module Module)> NamedModules(Module root)
    {
        var list = new List<(string, Module)>();
        void Walk(string name, Module m)
        {
            list.Add((name, m));
            foreach (var (n, c) in m.NamedChildren()) Walk(name.Length == 0 ? n : name + "." + n, c);
        }
        Walk("", root);
        return list;
    }

    /// <summary>
    /// PEFT's rule: <paramref name="name"/> matches a target equal to it or to its last dot-separated parts; a target
    /// with '*' is a wildcard pattern over the whole name ('*' stands for any run of characters).
    /// </summary>
    public static bool Matches(string name, string target)
    {
        if (target.Contains('*')) return Wildcard(name, 0, target, 0);
        return name == target || name.EndsWith("." + target, StringComparison.Ordinal);
    }

    static bool Wildcard(string s, int i, string p, int j)
    {
        while (j < p.Length && p[j] != '*')
        {
            if (i >= s.Length || s[i] != p[j]) return false;
            i++; j++;
        }
        if (j == p.Length) return i == s.Length;
        for (int k = i; k <= s.Length; k++)
            if (Wildcard(s, k, p, j + 1)) return true;
        return false;
    }
}
