namespace Curriculum.Torch;

/// <summary>libtorch's native libraries could not be loaded; the message names the library, the real cause and the fix.</summary>
public sealed class TorchLoadException(string message, Exception? inner = null) : Exception(message, inner);
