namespace Curriculum.Models;

/// <summary>Where each block normalises: after the residual sum (BERT, the original Transformer) or before the sublayer (GPT-2).</summary>
public enum NormPlacement
{
    /// <summary>x = LN(x + f(x)) (Vaswani et al. 2017; Devlin et al. 2019). Needs learning-rate warm-up to train stably.</summary>
    PostLn,
    /// <summary>x = x + f(LN(x)), plus a final LayerNorm (Xiong et al. 2020): well-behaved gradients without warm-up.</summary>
    PreLn,
}
