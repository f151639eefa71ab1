namespace ClusterLb.Hocon;

/// <summary>An object value: keys in definition order mapped to values.</summary>
public sealed class HoconObject : HoconValue
{
    private readonly Dictionary<string, HoconValue> _fields;

    /// <summary>Creates an empty object.</summary>
    public HoconObject(HoconOrigin origin = default) : base(origin) => _fields = new(StringComparer.Ordinal);

    internal HoconObject(Dictionary<string, HoconValue> fields, HoconOrigin origin) : base(origin) => _fields = fields;

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Object;

    /// <summary>The fields in definition order.</summary>
    public IReadOnlyDictionary<string, HoconValue> Fields => _fields;

    /// <summary>The keys of the direct children.</summary>
    public IEnumerable<string> Keys => _fields.Keys;

    /// <summary>Looks up a direct child.</summary>
    public bool TryGetValue(string key, out HoconValue value) => _fields.TryGetValue(key, out value!);

    /// <summary>Sets a field; used while building a tree, never on a tree that has been handed out.</summary>
    internal void Set(string key, HoconValue value) => _fields[key] = value;

    internal HoconObject Copy() => new(new Dictionary<string, HoconValue>(_fields, StringComparer.Ordinal), Origin);
}
