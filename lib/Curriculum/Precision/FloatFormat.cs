namespace Curriculum.Precision;

/// <summary>The floating-point formats training runs in (PyTorch: torch.float32, torch.bfloat16, torch.float16).</summary>
public enum FloatFormat
{
    /// <summary>IEEE 754 binary32: 8 exponent bits, 23 stored mantissa bits.</summary>
    Fp32,
    /// <summary>bfloat16: fp32's 8 exponent bits (same range), 7 stored mantissa bits.</summary>
    Bf16,
    /// <summary>IEEE 754 binary16 (System.Half): 5 exponent bits, 10 stored mantissa bits.</summary>
    Fp16,
}
