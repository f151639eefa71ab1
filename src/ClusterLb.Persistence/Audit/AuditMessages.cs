namespace ClusterLb.Persistence.Audit;

/// <summary>Records one administrative change; answered with <see cref="AuditRecorded"/> once it is stored.</summary>
public sealed record RecordAudit(string Node, string Actor, string Action, string Target, string Detail = "");

/// <summary>The change is stored under this sequence number.</summary>
public sealed record AuditRecorded(long SequenceNr);

/// <summary>
/// Asks for up to <paramref name="Max"/> entries starting at <paramref name="FromSequenceNr"/> (1 = the oldest);
/// answered with <see cref="AuditEntriesPage"/>, or a <c>Status.Failure</c> for invalid bounds.
/// </summary>
public sealed record GetAuditEntries(long FromSequenceNr, int Max);

/// <summary>A page of the audit log, oldest first.</summary>
/// <param name="Entries">The entries.</param>
/// <param name="NextSequenceNr">Where the next page starts (pass it as FromSequenceNr).</param>
/// <param name="HighestSequenceNr">The newest entry's sequence number.</param>
public sealed record AuditEntriesPage(IReadOnlyList<AuditRecord> Entries, long NextSequenceNr, long HighestSequenceNr);

/// <summary>One stored change.</summary>
public sealed record AuditRecord(long SequenceNr, DateTimeOffset Timestamp, string Node, string Actor, string Action, string Target, string Detail);
