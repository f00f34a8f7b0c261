namespace Curriculum.Objectives;

/// <summary>
/// T5's pre-training objectives (Raffel et al. 2020, section 3.3, Table 4), on "Thank you for inviting me to your party last week .":
/// </summary>
public enum T5Objective
{
    /// <summary>Input "Thank you for inviting", target "me to your party last week ." (split point uniform).</summary>
    PrefixLm,
    /// <summary>Input "Thank you &lt;M&gt; &lt;M&gt; me to your party apple week ." (i.i.d. corruption, 90% mask, 10% random), target: the original.</summary>
    BertStyle,
    /// <summary>Input "party me for your to . last fun you inviting week Thank" (a permutation), target: the original.</summary>
    Deshuffling,
    /// <summary>Input "Thank you &lt;M&gt; &lt;M&gt; me to your party &lt;M&gt; week ." (i.i.d., all masked), target: the original.</summary>
    MassStyle,
    /// <summary>Input "Thank you &lt;X&gt; me to your party &lt;Y&gt; week ." (i.i.d. corruption, each run of corrupted tokens one sentinel), target "&lt;X&gt; for inviting &lt;Y&gt; last &lt;Z&gt;".</summary>
    IidReplaceSpans,
    /// <summary>Input "Thank you me to your party week ." (i.i.d. corrupted tokens dropped), target "for inviting last".</summary>
    IidDropTokens,
    /// <summary>
    /// T5's final choice: input "Thank you &lt;X&gt; to &lt;Y&gt; week ." target "&lt;X&gt; for inviting me &lt;Y&gt; your party last &lt;Z&gt;";
    /// spans from <see cref="NoiseMasks.RandomSpans"/> (density 15%, mean span length 3).
    /// </summary>
    ReplaceCorruptedSpans,
}
