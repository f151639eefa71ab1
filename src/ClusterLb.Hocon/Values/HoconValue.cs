namespace ClusterLb.Hocon;

/// <summary>What a <see cref="HoconValue"/> is.</summary>
public enum HoconValueKind
{
    /// <summary>An object (map of keys to values).</summary>
    Object,
    /// <summary>An array.</summary>
    Array,
    /// <summary>A string (quoted or unquoted in the source).</summary>
    String,
    /// <summary>A number.</summary>
    Number,
    /// <summary>true or false.</summary>
    Boolean,
    /// <summary>null.</summary>
    Null,
    /// <summary>A substitution or concatenation that has not been resolved yet.</summary>
    Unresolved,
}

/// <summary>A node of a HOCON tree. Resolved trees hold only objects, arrays and scalars.</summary>
public abstract class HoconValue
{
    private protected HoconValue(HoconOrigin origin) => Origin = origin;

    /// <summary>Where the value was defined.</summary>
    public HoconOrigin Origin { get; }

    /// <summary>The kind of value.</summary>
    public abstract HoconValueKind Kind { get; }

    /// <summary>The value as it reads in a string concatenation, or null for objects, arrays and unresolved values.</summary>
    internal virtual string? AsConcatText => null;

    /// <summary>A short human description used in error messages.</summary>
    internal string Describe() => Kind switch
    {
        HoconValueKind.Object => "an object",
        HoconValueKind.Array => "an array",
        HoconValueKind.String => "a string",
        HoconValueKind.Number => "a number",
        HoconValueKind.Boolean => "a boolean",
        HoconValueKind.Null => "null",
        _ => "an unresolved substitution",
    };
}
