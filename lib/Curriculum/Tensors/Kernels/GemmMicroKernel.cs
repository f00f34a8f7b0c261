using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Curriculum.Tensors.Kernels;

/// <summary>The register-blocked inner kernels of the packed matrix product, by instruction set.</summary>
enum GemmMicroKernel
{
    /// <summary>8x32 tile, 16 Vector512 accumulators, AVX-512F fused multiply-add.</summary>
    Avx512,
    /// <summary>6x16 tile, 12 Vector256 accumulators, FMA3 (AVX2-era x64 CPUs).</summary>
    Avx2,
    /// <summary>8x8 tile, 16 Vector128 accumulators, NEON fused multiply-add (Arm64).</summary>
    AdvSimd,
    /// <summary>4x4 tile of scalars: any CPU.</summary>
    Scalar,
}

/// <summary>Tile sizes of a micro-kernel and the best kernel this CPU runs.</summary>
static class GemmMicroKernels
{
    public static readonly GemmMicroKernel Best =
        Avx512F.IsSupported ? GemmMicroKernel.Avx512
        : Fma.IsSupported && Avx2.IsSupported ? GemmMicroKernel.Avx2
        : AdvSimd.Arm64.IsSupported ? GemmMicroKernel.AdvSimd
        : GemmMicroKernel.Scalar;

    public static bool IsSupported(GemmMicroKernel kernel) => kernel switch
    {
        GemmMicroKernel.Avx512 => Avx512F.IsSupported,
        GemmMicroKernel.Avx2 => Fma.IsSupported && Avx2.IsSupported,
        GemmMicroKernel.AdvSimd => AdvSimd.Arm64.IsSupported,
        _ => true,
    };

    /// <summary>Rows of C per tile (MR).</summary>
    public static int Rows(GemmMicroKernel kernel) => kernel switch
    {
        GemmMicroKernel.Avx2 => 6,
        GemmMicroKernel.Avx512 or GemmMicroKernel.AdvSimd => 8,
        _ => 4,
    };

    /// <summary>Columns of C per tile (NR).</summary>
    public static int Columns(GemmMicroKernel kernel) => kernel switch
    {
        GemmMicroKernel.Avx512 => 32,
        GemmMicroKernel.Avx2 => 16,
        GemmMicroKernel.AdvSimd => 8,
        _ => 4,
    };
}
