namespace Curriculum.Objectives;

/// <summary>How masked-LM chooses which positions to predict.</summary>
public enum MaskSelection
{
    /// <summary>
    /// BERT's create_pretraining_data.py: exactly max(1, round(length * rate)) positions (length counts [CLS]/[SEP]),
    /// drawn without replacement from the non-special positions, at most <c>maxPredictions</c>.
    /// </summary>
    ExactCount,
    /// <summary>Hugging Face DataCollatorForLanguageModeling: each non-special position independently with probability rate.</summary>
    Bernoulli,
}
