namespace Curriculum.Tensors.Kernels;

/// <summary>
/// Per-thread packing buffers of the matrix product, allocated once per thread on the pinned heap and
/// 64-byte aligned, so the hot path allocates nothing: a block of op(A) (MC,KC), a block of op(B) (KC,NC)
/// and one C tile for the ragged edges.
/// </summary>
sealed unsafe class GemmWorkspace
{
    [ThreadStatic] static GemmWorkspace? t_current;

    public const int TileFloats = 256;

    readonly float[] _buffer;
    public readonly float* A;
    public readonly float* B;
    public readonly float* Tile;

    GemmWorkspace()
    {
        const int aFloats = GemmBlocking.MC * GemmBlocking.KC, bFloats = GemmBlocking.KC * GemmBlocking.NC;
        _buffer = GC.AllocateUninitializedArray<float>(aFloats + bFloats + TileFloats + 16, pinned: true);
        fixed (float* p = _buffer)
        {
            float* aligned = (float*)(((nint)p + 63) & ~(nint)63);
            A = aligned;
            B = A + aFloats;
            Tile = B + bFloats;
        }
    }

    public static GemmWorkspace Current => t_current ??= new GemmWorkspace();
}
