namespace ClusterLb.Hocon;

/// <summary>Where a value or token came from: file (or description), 1-based line and column.</summary>
public readonly record struct HoconOrigin(string? File, int Line, int Column)
{
    /// <summary>An origin for values made in code rather than read from text.</summary>
    public static HoconOrigin None { get; } = new(null, 0, 0);

    /// <summary>Formats a message as <c>FILE:LINE:COL: message</c>.</summary>
    public string Format(string message)
    {
        var file = File ?? "<string>";
        return Line > 0 ? $"{file}:{Line}:{Column}: {message}" : $"{file}: {message}";
    }

    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"{File ?? "<string>"}:{Line}:{Column}" : File ?? "<string>";
}
