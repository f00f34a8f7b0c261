namespace Curriculum.Models;

/// <summary>Which sentence vector a classification head reads.</summary>
public enum ClassifierPooling
{
    /// <summary>BERT's pooled [CLS]: tanh(dense(h_0)) (Devlin et al. 2019, section 4.1).</summary>
    Cls,
    /// <summary>The mean of the encoder's outputs over real tokens.</summary>
    Mean,
}
