namespace ClusterLb.Runtime.Audit;

/// <summary>Records one administrative change; answered with <see cref="AuditRecorded"/> once it is stored.</summary>
/// <param name="Node">The node that accepted the change.</param>
/// <param name="Actor">Who made it.</param>
/// <param name="Action">What was done, such as <c>host-add</c>.</param>
/// <param name="Target">What it was done to.</param>
/// <param name="Detail">Free text.</param>
public sealed record RecordAudit(string Node, string Actor, string Action, string Target, string Detail = "");

/// <summary>The change is stored under this sequence number.</summary>
/// <param name="SequenceNr">Its position in the log, 1 = oldest.</param>
public sealed record AuditRecorded(long SequenceNr);

/// <summary>
/// Asks for up to <paramref name="Max"/> entries starting at <paramref name="FromSequenceNr"/> (1 = the oldest);
/// answered with <see cref="AuditEntriesPage"/>, or a <c>Status.Failure</c> for invalid bounds.
/// </summary>
/// <param name="FromSequenceNr">First sequence number wanted, at least 1.</param>
/// <param name="Max">Most entries wanted, 1 to <see cref="AuditLogActor.MaxPageSize"/>.</param>
public sealed record GetAuditEntries(long FromSequenceNr, int Max);

/// <summary>A page of the audit log, oldest first.</summary>
/// <param name="Entries">The entries.</param>
/// <param name="NextSequenceNr">Where the next page starts (pass it as FromSequenceNr).</param>
/// <param name="HighestSequenceNr">The newest entry's sequence number (0 when the log is empty).</param>
public sealed record AuditEntriesPage(IReadOnlyList<AuditRecord> Entries, long NextSequenceNr, long HighestSequenceNr);

/// <summary>One stored change.</summary>
/// <param name="SequenceNr">Its position in the log, 1 = oldest.</param>
/// <param name="Timestamp">When it was recorded (UTC).</param>
/// <param name="Node">The node that accepted it.</param>
/// <param name="Actor">Who made it.</param>
/// <param name="Action">What was done.</param>
/// <param name="Target">What it was done to.</param>
/// <param name="Detail">Free text.</param>
public sealed record AuditRecord(long SequenceNr, DateTimeOffset Timestamp, string Node, string Actor, string Action, string Target, string Detail);
