namespace Curriculum.Tensors;

/// <summary>
/// Marks an assembly as a device provider and names the type implementing <see cref="IDeviceProvider"/> (a public
/// parameterless constructor): <c>[assembly: DeviceProvider(typeof(TorchDeviceProvider))]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class DeviceProviderAttribute(Type providerType) : Attribute
{
    public Type ProviderType { get; } = providerType;
}
