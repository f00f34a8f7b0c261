using Curriculum.Optim;
using Curriculum.Tensors;
using Curriculum.Training;

namespace Curriculum.Tests.Training;

/// <summary>Checkpoint files: readable as safetensors, atomic under a failing disk, verified on load, keep-last-N, config mismatches named.</summary>
public class CheckpointTests
{
    /// <summary>A stream that accepts <c>limit</c> bytes and then fails as a full disk does.</summary>
    sealed class FullDiskStream(Stream inner, long limit) : Stream
    {
        long _written;
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > limit)
            {
                int room = (int)(limit - _written);
                inner.Write(buffer[..room]);
                _written = limit;
                throw new IOException("No space left on device");
            }
            inner.Write(buffer);
            _written += buffer.Length;
        }
        public override void WriteByte(byte value) => Write([value]);
        public override void Flush() => inner.Flush();
        protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    static (Trainer<IndexedBatch> Trainer, TinyLm Model) Trained(CheckpointStore store, int steps, int dim = 16)
    {
        var model = new TinyLm(dim: dim);
        var t = TrainingFixtures.Trainer(model, new IndexedBatchSource(4, 8), new TrainerOptions { TotalSteps = 100, Checkpoints = store });
        t.Run(steps);
        return (t, model);
    }

    [Fact]
    public void CheckpointIsASafetensorsFileWithModelOptimizerAndState()
    {
        var store = new CheckpointStore(TrainingFixtures.TempDir());
        var (t, model) = Trained(store, 3);
        string path = t.SaveCheckpoint();
        Assert.EndsWith("ckpt-00000003.safetensors", path);
        var file = SafeTensors.Load(path);     // the engine's independent reader
        foreach (var (name, p) in model.NamedParameters()) Assert.Equal(p.Data, file.Tensors["model." + name].Data);
        Assert.Equal(3f, file.Tensors["optimizer.state.0.step"].Data[0]);   // AdamW's step count after 3 updates
        var state = TrainerState.FromJson(file.Metadata["trainer"], path);
        Assert.Equal(3, state.Step);
        Assert.Equal(3 * 4 * 8, state.Tokens);
        Assert.Equal(3, state.Source["index"]!.GetValue<int>());
    }

    [Fact]
    public void FullDiskDuringSaveKeepsThePreviousCheckpointAndLeavesNoPartialFile()
    {
        string dir = TrainingFixtures.TempDir();
        var (t, _) = Trained(new CheckpointStore(dir), 2);
        string previous = t.SaveCheckpoint();
        byte[] before = File.ReadAllBytes(previous);
        t.Run(4);

        var failing = new CheckpointStore(dir, openWrite: p => new FullDiskStream(new FileStream(p, FileMode.CreateNew), limit: 3000));
        var e = Assert.Throws<IOException>(() => failing.Save(t.Snapshot()));
        Assert.Contains("No space left on device", e.Message);
        Assert.Contains(previous, e.Message);
        Assert.Equal(before, File.ReadAllBytes(previous));
        Assert.Equal([previous], Directory.GetFiles(dir, "*ckpt*"));          // no temporary or partial file left
        Assert.Equal(2, failing.LoadLatest()!.Checkpoint.Step);
    }

    [Fact]
    public void RealEnospcFromDevFullKeepsThePreviousCheckpoint()
    {
        Assert.True(File.Exists("/dev/full"), "/dev/full (Linux) is needed for this test");
        string dir = TrainingFixtures.TempDir();
        var (t, _) = Trained(new CheckpointStore(dir), 2);
        string previous = t.SaveCheckpoint();
        var full = new CheckpointStore(dir, openWrite: _ => new FileStream("/dev/full", FileMode.Open, FileAccess.Write));
        t.Run(3);
        Assert.Throws<IOException>(() => full.Save(t.Snapshot()));
        Assert.Equal(2, new CheckpointStore(dir).LoadLatest()!.Checkpoint.Step);
        Assert.Equal([previous], Directory.GetFiles(dir, "*ckpt*"));
    }

    [Fact]
    public void TruncatedLatestCheckpointFallsBackToThePreviousOne()
    {
        string dir = TrainingFixtures.TempDir();
        var store = new CheckpointStore(dir);
        var (t, _) = Trained(store, 2);
        t.SaveCheckpoint();
        t.Run(4);
        string latest = t.SaveCheckpoint();
        var bytes = File.ReadAllBytes(latest);
        File.WriteAllBytes(latest, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<InvalidDataException>(() => CheckpointFile.Read(latest));
        Assert.Contains(latest, e.Message);
        Assert.Contains("truncated", e.Message);
        var (resumed, _) = Trained(store, 0);
        var loaded = resumed.ResumeFromLatest()!;
        Assert.Equal(2, resumed.Step);
        Assert.Single(loaded.Unreadable);
        Assert.Contains(resumed.Incidents, i => i.Kind == IncidentKind.CheckpointUnreadable);
    }

    [Fact]
    public void FlippedBitInAWeightIsCaughtByTheChecksum()
    {
        string dir = TrainingFixtures.TempDir();
        var store = new CheckpointStore(dir);
        var (t, _) = Trained(store, 2);
        t.SaveCheckpoint();
        t.Run(3);
        string latest = t.SaveCheckpoint();
        var bytes = File.ReadAllBytes(latest);
        bytes[^5] ^= 0x10;                       // inside the last tensor's data: still a valid safetensors file
        File.WriteAllBytes(latest, bytes);
        SafeTensors.Load(latest);                // the format alone cannot see it
        var e = Assert.Throws<InvalidDataException>(() => CheckpointFile.Read(latest));
        Assert.Contains("checksum mismatch", e.Message);
        Assert.Equal(2, store.LoadLatest()!.Checkpoint.Step);
    }

    [Fact]
    public void NoReadableCheckpointIsAnErrorListingEach()
    {
        string dir = TrainingFixtures.TempDir();
        var store = new CheckpointStore(dir);
        File.WriteAllText(store.PathFor(4), "not a checkpoint");
        var e = Assert.Throws<InvalidDataException>(() => store.LoadLatest());
        Assert.Contains("ckpt-00000004.safetensors", e.Message);
        Assert.Null(new CheckpointStore(TrainingFixtures.TempDir()).LoadLatest());
    }

    [Fact]
    public void KeepsOnlyTheNewestN()
    {
        string dir = TrainingFixtures.TempDir();
        var store = new CheckpointStore(dir, keepLast: 2);
        var model = new TinyLm();
        var t = TrainingFixtures.Trainer(model, new IndexedBatchSource(4, 8),
            new TrainerOptions { TotalSteps = 10, CheckpointEvery = 2, Checkpoints = store });
        t.Run();
        Assert.Equal([8L, 10L], store.List().Select(c => c.Step));
    }

    [Fact]
    public void CheckpointOfAnotherModelSizeIsRefusedNamingTheParameterAndShapes()
    {
        string dir = TrainingFixtures.TempDir();
        var (small, _) = Trained(new CheckpointStore(dir), 2, dim: 16);
        small.SaveCheckpoint();
        var (wide, wideModel) = Trained(new CheckpointStore(dir), 0, dim: 24);
        var before = TrainingFixtures.Flat(wideModel);
        var e = Assert.Throws<InvalidDataException>(() => wide.ResumeFromLatest());
        Assert.Contains("ckpt-00000002.safetensors", e.Message);
        Assert.Contains("'tok.weight' is (32,16), expected (32,24)", e.Message);
        Assert.Equal(before, TrainingFixtures.Flat(wideModel));
        Assert.Equal(0, wide.Step);
    }

    [Fact]
    public void CheckpointOfAnotherOptimizerOrBatchSizeIsRefusedAndNothingChanges()
    {
        string dir = TrainingFixtures.TempDir();
        var (t, _) = Trained(new CheckpointStore(dir), 2);
        var snap = t.Snapshot();

        var sgdModel = new TinyLm();
        var sgd = new Trainer<IndexedBatch>(sgdModel, TrainingFixtures.LmObjective(sgdModel), new IndexedBatchSource(4, 8),
            new SGD(sgdModel.Parameters(), lr: 0.1f), new ConstantSchedule(0.1), new TrainerOptions { TotalSteps = 10 });
        var e1 = Assert.Throws<InvalidDataException>(() => sgd.Restore(snap, "run-a"));
        Assert.Contains("optimizer AdamW; this trainer uses SGD", e1.Message);

        var otherModel = new TinyLm();
        var before = TrainingFixtures.Flat(otherModel);
        var other = TrainingFixtures.Trainer(otherModel, new IndexedBatchSource(2, 8), new TrainerOptions { TotalSteps = 10 });
        var e2 = Assert.Throws<InvalidDataException>(() => other.Restore(snap, "run-a"));
        Assert.Contains("batch_size is 4, this source has 2", e2.Message);
        Assert.Equal(before, TrainingFixtures.Flat(otherModel));     // the model loaded first was put back
    }
}
