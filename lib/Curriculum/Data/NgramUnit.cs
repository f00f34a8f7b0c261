namespace Curriculum.Data;

/// <summary>What an n-gram counts: words (space-separated scripts; GPT-3's 13-grams) or characters (Chinese,
/// Japanese: 13 words of English are about 8 characters of Chinese).</summary>
public enum NgramUnit { Word, Char }

/// <summary>
/// The unit and n a decontamination uses, and why. Left to choose (null), the unit follows the evaluation texts'
/// script: characters when most of their letters are CJK (<see cref="Scripts"/>), words otherwise; n defaults to
/// 8 characters or 13 words (Brown et al. 2020, appendix C). A 13-character window misses Chinese test items shorter
/// than 13 characters, which are common (a line of 论语 is often 6 to 12).
/// </summary>
public sealed record NgramSettings(NgramUnit Unit, int N, string Why)
{
    public const int DefaultWordN = 13, DefaultCharN = 8;

    public static NgramSettings Choose(IReadOnlyList<Document> evaluation, NgramUnit? unit = null, int? n = null)
    {
        string why;
        NgramUnit chosen;
        if (unit is { } u) { chosen = u; why = $"--unit {u.ToString().ToLowerInvariant()}"; }
        else
        {
            long letters = 0, cjk = 0;
            foreach (var d in evaluation)
                foreach (char c in d.Text)
                    if (char.IsLetter(c)) { letters++; if (Scripts.IsCjk(c)) cjk++; }
            double share = letters == 0 ? 0 : (double)cjk / letters;
            chosen = share > 0.5 ? NgramUnit.Char : NgramUnit.Word;
            why = $"auto: {share * 100:F0}% of the evaluation letters are CJK, so n counts {(chosen == NgramUnit.Char ? "characters" : "words")}";
        }
        int size = n ?? (chosen == NgramUnit.Char ? DefaultCharN : DefaultWordN);
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(n), "must be >= 1");
        why += n is null ? $" (default n = {size})" : $" (n = {size} given)";
        return new NgramSettings(chosen, size, why);
    }

    /// <summary>"8-char" or "13-word": how reports name the n-grams.</summary>
    public string Label => $"{N}-{(Unit == NgramUnit.Char ? "char" : "word")}";
}
