using TorchSharp;

namespace Curriculum.Torch;

/// <summary>
/// Device memory held by the engine's live buffers on one torch device, counted per storage (a reshaped view shares
/// its base's storage and is counted once), and the most held since the last reset. TorchSharp 0.107 binds none of
/// libtorch's allocator statistics (PyTorch's <c>torch.cuda.memory_allocated</c>, <c>max_memory_allocated</c>), so this
/// counts what the engine keeps between ops: weights, gradients, optimiser state, activations saved for backward.
/// A kernel's temporaries inside one call and the CUDA caching allocator's reserve are not in it.
/// </summary>
internal sealed class TorchMemoryCounter
{
    readonly Lock _gate = new();
    readonly Dictionary<IntPtr, (long Bytes, int Holders)> _storages = [];
    long _allocated, _peak;

    public long AllocatedBytes { get { lock (_gate) return _allocated; } }
    public long PeakAllocatedBytes { get { lock (_gate) return _peak; } }
    public void ResetPeak() { lock (_gate) _peak = _allocated; }

    /// <summary>Counts <paramref name="t"/>'s storage once more; returns its key and size for <see cref="Release"/>.</summary>
    public (IntPtr Key, long Bytes) Hold(torch.Tensor t)
    {
        var storage = t.storage<float>();
        var key = storage.data_ptr();
        long bytes = (long)storage.nbytes();
        lock (_gate)
        {
            if (_storages.TryGetValue(key, out var held)) _storages[key] = (held.Bytes, held.Holders + 1);
            else
            {
                _storages[key] = (bytes, 1);
                _allocated += bytes;
                _peak = Math.Max(_peak, _allocated);
            }
        }
        return (key, bytes);
    }

    /// <summary>One holder of the storage <paramref name="key"/> fewer; its bytes leave the count with the last.</summary>
    public void Release(IntPtr key)
    {
        lock (_gate)
        {
            if (!_storages.TryGetValue(key, out var held)) return;
            if (held.Holders > 1) _storages[key] = (held.Bytes, held.Holders - 1);
            else
            {
                _storages.Remove(key);
                _allocated -= held.Bytes;
            }
        }
    }
}
