namespace ClusterLb.Hocon;

/// <summary>A HOCON document could not be parsed, resolved or read; the message starts with <c>FILE:LINE:COL:</c> when a position is known.</summary>
public class HoconException : Exception
{
    /// <summary>Creates an error at a position; <paramref name="what"/> says what was expected or wrong.</summary>
    public HoconException(HoconOrigin origin, string what, Exception? inner = null)
        : base(origin.Format(what), inner)
    {
        File = origin.File;
        Line = origin.Line;
        Column = origin.Column;
        Reason = what;
    }

    /// <summary>Creates an error with no position (for example a bad argument to a getter).</summary>
    public HoconException(string message, Exception? inner = null) : base(message, inner)
    {
        Reason = message;
    }

    /// <summary>The file (or origin description) the error is in, when known.</summary>
    public string? File { get; }

    /// <summary>1-based line, 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column, 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>The message without the position prefix.</summary>
    public string Reason { get; }
}

/// <summary>A required key is absent; the message names the full path.</summary>
public sealed class ConfigMissingException : HoconException
{
    /// <summary>Creates the error for <paramref name="path"/>.</summary>
    public ConfigMissingException(string path)
        : base($"No configuration setting found for key '{path}'")
    {
        Path = path;
    }

    /// <summary>The full path that was asked for.</summary>
    public string Path { get; }
}
