namespace Curriculum.NN;

/// <summary>Child modules named "0", "1", ... (<c>nn.ModuleList</c>).</summary>
public sealed class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    readonly List<T> _items = [];

    public ModuleList(IEnumerable<T> modules)
    {
        foreach (var m in modules) Add(m);
    }

    public void Add(T module) => _items.Add(RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module));
    public T this[int index] => _items[index];
    public int Count => _items.Count;
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
