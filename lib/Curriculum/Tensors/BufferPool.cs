namespace Curriculum.Tensors;

/// <summary>
/// Recycles float arrays that are known to be dead. During <see cref="Tensor.Backward"/>, once a node has sent
/// its output's gradient on, that array is dead (unless an input adopted it) and comes back here; the next
/// gradient of the same size, or the next op output of that size (the next step's activations), takes it.
/// A Transformer's tensors come in a few sizes ((B,T,C), (B,T,4C), ...), so after the first step most arrays are
/// reused instead of waiting for the garbage collector, which lowers the memory high-water mark.
/// Per thread; ops allocate on the calling thread only.
/// </summary>
internal static class BufferPool
{
    const int PerSize = 8;
    [ThreadStatic] static Dictionary<int, Stack<float[]>>? _free;

    /// <summary>An array of exactly <paramref name="length"/> floats with unspecified contents.</summary>
    public static float[] Rent(int length)
    {
        if (_free != null && _free.TryGetValue(length, out var stack) && stack.Count > 0) return stack.Pop();
        return GC.AllocateUninitializedArray<float>(length);
    }

    /// <summary>An array of exactly <paramref name="length"/> zeros.</summary>
    public static float[] RentZeroed(int length)
    {
        if (_free != null && _free.TryGetValue(length, out var stack) && stack.Count > 0)
        {
            var a = stack.Pop();
            Array.Clear(a);
            return a;
        }
        return new float[length];
    }

    /// <summary>Bytes held by the free arrays of this thread.</summary>
    public static long FreeBytes()
    {
        long sum = 0;
        if (_free == null) return 0;
        foreach (var (length, stack) in _free) sum += (long)length * stack.Count * sizeof(float);
        return sum;
    }

    /// <summary>Gives back an array nothing references any more.</summary>
    public static void Return(float[] array)
    {
        if (array.Length < 1024) return;   // small arrays are cheap for the GC
        _free ??= [];
        if (!_free.TryGetValue(array.Length, out var stack)) _free[array.Length] = stack = new Stack<float[]>();
        if (stack.Count < PerSize) stack.Push(array);
    }
}
