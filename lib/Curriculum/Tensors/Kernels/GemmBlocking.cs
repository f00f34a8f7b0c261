namespace Curriculum.Tensors.Kernels;

/// <summary>
/// Cache blocking of the packed matrix product (the Goto/BLIS loop nest). A packed (KC,NR) strip of op(B)
/// stays in L1 while it meets every (MR,KC) strip of the (MC,KC) block of op(A) in L2 (packed when A is
/// stored transposed, read in place when it is row-major); the packed
/// (KC,NC) block of op(B) lives in L2/L3. The K blocks are summed in ascending order, so the summation
/// order of each element depends on K alone, never on how rows and columns are shared between threads.
/// MC is a multiple of every kernel's MR (4, 6, 8) and NC of every NR (4, 8, 16, 32).
/// </summary>
static class GemmBlocking
{
    public const int KC = 256;
    public const int MC = 120;
    public const int NC = 1024;
}
