using ClusterLb.Remote.Wire;

namespace ClusterLb.Remote.Associations;

/// <summary>An entry of an association's queue: a user frame, or a wake-up for the system-message buffer.</summary>
internal readonly record struct OutboundItem(OutboundItemKind Kind, WireFrame? Frame)
{
    public static readonly OutboundItem SendSystem = new(OutboundItemKind.SendSystem, null);
    public static readonly OutboundItem ResendSystem = new(OutboundItemKind.ResendSystem, null);
}

internal enum OutboundItemKind
{
    /// <summary>A serialized user message.</summary>
    User,

    /// <summary>New system messages are buffered: send the ones not sent yet.</summary>
    SendSystem,

    /// <summary>The resend interval elapsed: send every unacknowledged system message again.</summary>
    ResendSystem,
}
