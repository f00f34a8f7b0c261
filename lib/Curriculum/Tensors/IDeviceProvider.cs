namespace Curriculum.Tensors;

/// <summary>
/// What an assembly that adds devices implements, so that <see cref="Device.Get"/> can load it on demand from a folder
/// (<see cref="DeviceLibrary"/>) without this library referencing it. It names its implementation with
/// <see cref="DeviceProviderAttribute"/>; lib/Curriculum.Torch's adds <c>torch-cpu</c> and <c>cuda</c>.
/// </summary>
public interface IDeviceProvider
{
    /// <summary>Loads the native libraries and registers (<see cref="Device.Register"/>) the devices this machine has; once. Returns their names.</summary>
    IReadOnlyList<string> Register();

    /// <summary>Why <paramref name="name"/> was not registered by <see cref="Register"/> on this machine and with this build, and how to get it.</summary>
    string WhyUnavailable(string name);
}
