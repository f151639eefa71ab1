namespace ClusterLb.Persistence.Journal;

/// <summary>
/// Events of one persistence id with contiguous sequence numbers that are stored all-or-nothing.
/// </summary>
public sealed class AtomicWrite
{
    /// <summary>Validates that the events share one persistence id and have contiguous ascending sequence numbers.</summary>
    public AtomicWrite(IReadOnlyList<PersistentRepr> payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Count == 0)
        {
            throw new ArgumentException("An atomic write needs at least one event.", nameof(payload));
        }

        var first = payload[0];
        for (var i = 1; i < payload.Count; i++)
        {
            if (payload[i].PersistenceId != first.PersistenceId)
            {
                throw new ArgumentException(
                    $"An atomic write must target one persistence id; got '{first.PersistenceId}' and '{payload[i].PersistenceId}'.",
                    nameof(payload));
            }

            if (payload[i].SequenceNr != first.SequenceNr + i)
            {
                throw new ArgumentException(
                    $"Sequence numbers in an atomic write must be contiguous; expected {first.SequenceNr + i}, got {payload[i].SequenceNr}.",
                    nameof(payload));
            }
        }

        Payload = payload;
    }

    /// <summary>Wraps a single event.</summary>
    public AtomicWrite(PersistentRepr single) : this([single])
    {
    }

    public IReadOnlyList<PersistentRepr> Payload { get; }

    public string PersistenceId => Payload[0].PersistenceId;

    public long LowestSequenceNr => Payload[0].SequenceNr;

    public long HighestSequenceNr => Payload[^1].SequenceNr;
}
