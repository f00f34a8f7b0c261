namespace Curriculum.NN;

/// <summary>How LoRA's down-projection A starts (B always starts at zero, so B·A = 0 and training starts at the base model).</summary>
public enum LoraInit
{
    /// <summary>A ~ N(0, 1/r²): "random Gaussian initialization for A" (Hu et al. 2021, section 4.1); PEFT's init_lora_weights="gaussian".</summary>
    Gaussian,
    /// <summary>A ~ U(-1/√In, 1/√In), nn.Linear's default (kaiming_uniform with a=√5): loralib's and PEFT's default.</summary>
    KaimingUniform,
}
