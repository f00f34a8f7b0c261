namespace Curriculum.Tensors;

/// <summary>
/// Reuses the gradient arrays of intermediate tensors during <see cref="Tensor.Backward"/>: once a node has
/// sent its output's gradient on, the array is dead and the next gradient of the same size takes it. A
/// Transformer's backward is a chain of same-shaped (B,T,C) gradients, so after the first step almost nothing
/// is allocated, and the memory high-water mark drops by the garbage that would otherwise wait for the GC.
/// </summary>
internal static class GradientPool
{
    const int PerSize = 8;
    [ThreadStatic] static Dictionary<int, Stack<float[]>>? _free;

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

    public static void Return(float[] array)
    {
        _free ??= [];
        if (!_free.TryGetValue(array.Length, out var stack)) _free[array.Length] = stack = new Stack<float[]>();
        if (stack.Count < PerSize) stack.Push(array);
    }
}
