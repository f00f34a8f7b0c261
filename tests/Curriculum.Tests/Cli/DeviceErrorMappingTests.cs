using Curriculum.Cli;
using Curriculum.Cli.Commands;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Tests.Cli;

/// <summary>
/// How the commands report what a device cannot do, in-process: an op it does not implement and an allocation it
/// refuses are exit 2 with the message and what to do, never a stack trace; pre-training adds its batch size, sequence
/// length and last checkpoint.
/// </summary>
[Collection(ProcessStateCollection.Name)]   // replaces Console.Error for a moment
public class DeviceErrorMappingTests
{
    static (int Exit, string Stderr) Guarded(Func<int> run)
    {
        var saved = Console.Error;
        var err = new StringWriter();
        Console.SetError(err);
        try { return (CliErrors.Guard(run), err.ToString()); }
        finally { Console.SetError(saved); }
    }

    [Fact]
    public void AnOpTheDeviceDoesNotImplementIsExit2NamingItAndTheCpuFallback()
    {
        var (exit, stderr) = Guarded(() => throw new NotSupportedException("Unfold is not implemented on device 'cuda'."));
        Assert.Equal(2, exit);
        Assert.Contains("error: Unfold is not implemented on device 'cuda'.", stderr);
        Assert.Contains("--device cpu", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void AnAllocationTheDeviceRefusesIsExit2WithWhatToLower()
    {
        var (exit, stderr) = Guarded(() => throw new DeviceOutOfMemoryException("cuda", 3L << 30));
        Assert.Equal(2, exit);
        Assert.Contains("error: device 'cuda' is out of memory: an allocation of 3.00 GiB (3221225472 bytes) was refused.", stderr);
        Assert.Contains("Lower the batch size or the sequence length", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void PretrainsReportNamesTheRunsBatchAndSequenceLengthAndTheLastCheckpoint()
    {
        string dir = Path.Combine(Path.GetTempPath(), "oom-report-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var store = new CheckpointStore(dir);
            var e = new DeviceOutOfMemoryException("cuda", 1L << 30);
            string none = PretrainCommand.OutOfMemoryReport(e, "run.json", 32, 512, store);
            Assert.StartsWith(e.Message, none);
            Assert.Contains("batch size 32 ($.training.batch_size), sequence length 512 ($.training.seq_len) in run.json", none);
            Assert.Contains($"No checkpoint was written yet (none in {dir})", none);

            File.WriteAllText(store.PathFor(100), "");
            File.WriteAllText(store.PathFor(200), "");
            string latest = PretrainCommand.OutOfMemoryReport(e, "run.json", 32, 512, store);
            Assert.Contains($"The last checkpoint, {store.PathFor(200)} (step 200), is intact; --resume continues from it.", latest);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
