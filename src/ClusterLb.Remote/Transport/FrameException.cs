namespace ClusterLb.Remote.Transport;

/// <summary>An inbound frame broke the framing or protocol rules; the connection it came on is closed.</summary>
public sealed class FrameException(FrameViolation violation, string message) : IOException(message)
{
    /// <summary>What was wrong.</summary>
    public FrameViolation Violation { get; } = violation;
}

/// <summary>Kinds of inbound frame violations.</summary>
public enum FrameViolation
{
    /// <summary>The length prefix exceeded <c>maximum-frame-size</c>.</summary>
    Oversized,

    /// <summary>The bytes were not a valid frame, or the frame was not allowed in the connection's state.</summary>
    Malformed,

    /// <summary>The peer closed the connection in the middle of a frame.</summary>
    Truncated,
}
