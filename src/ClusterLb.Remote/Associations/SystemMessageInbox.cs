namespace ClusterLb.Remote.Associations;

/// <summary>
/// The receiving half of reliable system-message delivery from one peer incarnation: delivers each sequence number
/// once and in order, and reports the cumulative ack. Resent duplicates and gaps are dropped (the sender resends).
/// </summary>
internal sealed class SystemMessageInbox
{
    private ulong _delivered;

    /// <summary>The lock callers hold across <see cref="TryAccept"/> and the delivery it allows.</summary>
    public object Gate { get; } = new();

    /// <summary>The highest sequence number delivered; the value to ack.</summary>
    public ulong CumulativeAck => Volatile.Read(ref _delivered);

    /// <summary>True when <paramref name="seq"/> is the next one expected (and records it as delivered).</summary>
    public bool TryAccept(ulong seq)
    {
        if (seq != _delivered + 1)
        {
            return false;
        }

        Volatile.Write(ref _delivered, seq);
        return true;
    }
}
