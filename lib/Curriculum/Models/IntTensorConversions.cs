using Curriculum.Objectives;
using Curriculum.Tensors;

namespace Curriculum.Models;

/// <summary>From the collators' int matrices to the engine's int tensors.</summary>
public static class IntTensorConversions
{
    /// <summary>(Rows, Columns) sharing the values.</summary>
    public static IntTensor ToTensor(this IntMatrix matrix) => new(matrix.Values, matrix.Rows, matrix.Columns);

    /// <summary>Flat positions whose value satisfies <paramref name="keep"/> (e.g. labels that are not -100), in order.</summary>
    public static IntTensor NonZeroWhere(this IntTensor tensor, Func<int, bool> keep)
    {
        int count = 0;
        foreach (int v in tensor.Data) if (keep(v)) count++;
        var idx = new int[count];
        for (int i = 0, k = 0; i < tensor.Data.Length; i++) if (keep(tensor.Data[i])) idx[k++] = i;
        return new IntTensor(idx, count);
    }
}
