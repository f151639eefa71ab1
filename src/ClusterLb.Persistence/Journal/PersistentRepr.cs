namespace ClusterLb.Persistence.Journal;

/// <summary>One event of one persistent entity, as the journal stores and replays it.</summary>
/// <param name="PersistenceId">The entity's identity; one writer at a time per id.</param>
/// <param name="SequenceNr">1-based, +1 per event, assigned by the writer.</param>
/// <param name="Payload">The event; must be a protobuf message registered with the serializer.</param>
/// <param name="WriterUuid">Identifies the writing incarnation, so a replay can tell concurrent writers apart.</param>
/// <param name="Tags">Optional tags written to the <c>tags</c> table.</param>
/// <param name="Timestamp">UTC ticks when written (set by the journal on write, read back on replay).</param>
public sealed record PersistentRepr(
    string PersistenceId,
    long SequenceNr,
    object Payload,
    string WriterUuid = "",
    IReadOnlyCollection<string>? Tags = null,
    long Timestamp = 0);
