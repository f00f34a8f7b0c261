namespace Curriculum.Tensors;

/// <summary>A device this library knows of cannot be used here (its build is absent, it is the wrong build, no GPU); the message says which and how to get it.</summary>
public sealed class DeviceUnavailableException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
