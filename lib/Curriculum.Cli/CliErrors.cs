namespace Curriculum.Cli;

/// <summary>A command line that cannot run as given (conflicting or out-of-range options): exit code 2.</summary>
sealed class UsageException(string message) : Exception(message);

/// <summary>
/// Exit codes of the training commands: 0 done, 2 bad usage, unreadable input, or a device that cannot run the model or
/// ran out of memory (named on stderr), 1 a failure while running.
/// </summary>
static class CliErrors
{
    public static int Guard(Func<int> run)
    {
        try { return run(); }
        catch (Exception e) when (e is UsageException or ConfigException or FileNotFoundException or DirectoryNotFoundException
            or InvalidDataException or FormatException or Data.DataFormatException or Tensors.DeviceUnavailableException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
        catch (Tensors.DeviceOutOfMemoryException e)   // the device refused an allocation: what to lower, not a stack trace
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
        catch (NotSupportedException e)   // an op (or precision) the chosen --device does not implement yet: the message names it
        {
            Console.Error.WriteLine($"error: {e.Message} From the command line: --device cpu.");
            return 2;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("failed: " + e.Message);
            return 1;
        }
    }
}
