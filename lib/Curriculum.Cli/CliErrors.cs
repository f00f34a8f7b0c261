namespace Curriculum.Cli;

/// <summary>A command line that cannot run as given (conflicting or out-of-range options): exit code 2.</summary>
sealed class UsageException(string message) : Exception(message);

/// <summary>Exit codes of the training commands: 0 done, 2 bad usage or unreadable input (named on stderr), 1 a failure while running.</summary>
static class CliErrors
{
    public static int Guard(Func<int> run)
    {
        try { return run(); }
        catch (Exception e) when (e is UsageException or ConfigException or FileNotFoundException or DirectoryNotFoundException
            or InvalidDataException or FormatException or Data.DataFormatException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("failed: " + e.Message);
            return 1;
        }
    }
}
