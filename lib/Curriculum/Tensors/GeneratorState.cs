namespace Curriculum.Tensors;

/// <summary>The four words of a <see cref="Generator"/>'s xoshiro256** state (<c>torch.Generator.get_state()</c>).</summary>
public readonly record struct GeneratorState(ulong S0, ulong S1, ulong S2, ulong S3);
