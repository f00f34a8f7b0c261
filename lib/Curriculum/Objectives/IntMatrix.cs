namespace Curriculum.Objectives;

/// <summary>A batch of int rows, shape (Rows, Columns), row-major in <see cref="Values"/>, ready for an int32 tensor.</summary>
public sealed class IntMatrix
{
    public int Rows { get; }
    public int Columns { get; }
    public int[] Values { get; }

    public IntMatrix(int rows, int columns, int[] values)
    {
        if (values.Length != rows * columns)
            throw new ArgumentException($"{nameof(values)} has {values.Length} entries, expected {rows} x {columns}.", nameof(values));
        (Rows, Columns, Values) = (rows, columns, values);
    }

    public int this[int row, int column] => Values[row * Columns + column];

    public ReadOnlySpan<int> Row(int row) => Values.AsSpan(row * Columns, Columns);

    /// <summary>
    /// Rows stacked into one matrix, each padded on the right with <paramref name="padValue"/> to
    /// <paramref name="columns"/> (default: the longest row). A row longer than that is an error.
    /// </summary>
    public static IntMatrix Stack(IReadOnlyList<int[]> rows, int padValue, int? columns = null)
    {
        int width = columns ?? 0;
        if (columns is null) foreach (var r in rows) width = Math.Max(width, r.Length);
        var values = new int[rows.Count * width];
        values.AsSpan().Fill(padValue);
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length > width)
                throw new ArgumentException($"row {i} has {rows[i].Length} entries, more than the {width} columns.", nameof(rows));
            rows[i].CopyTo(values, i * width);
        }
        return new IntMatrix(rows.Count, width, values);
    }

    /// <summary>1 where a row has a real entry, 0 in its padding: the attention mask of <see cref="Stack"/>'s result.</summary>
    public static IntMatrix PresenceMask(IReadOnlyList<int[]> rows, int columns)
    {
        var values = new int[rows.Count * columns];
        for (int i = 0; i < rows.Count; i++) values.AsSpan(i * columns, Math.Min(rows[i].Length, columns)).Fill(1);
        return new IntMatrix(rows.Count, columns, values);
    }

    public int[][] ToJagged()
    {
        var result = new int[Rows][];
        for (int r = 0; r < Rows; r++) result[r] = Row(r).ToArray();
        return result;
    }
}
