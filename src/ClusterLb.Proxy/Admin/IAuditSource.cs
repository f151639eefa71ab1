namespace ClusterLb.Proxy.Admin;

/// <summary>Supplies pages of the admin audit log, read from the audit actor's journal.</summary>
public interface IAuditSource
{
    /// <summary>Up to <paramref name="max"/> entries from sequence number <paramref name="from"/> on, oldest first.</summary>
    Task<AuditPage> GetPageAsync(long from, int max, CancellationToken cancellation);
}

/// <summary>One audit entry as <c>GET /api/audit</c> shows it.</summary>
/// <param name="SequenceNr">Position in the log, 1 = oldest.</param>
/// <param name="Timestamp">When it was recorded (UTC).</param>
/// <param name="Node">Node that recorded it.</param>
/// <param name="Actor">Who made the change (<c>system</c> for the node itself).</param>
/// <param name="Action">What was done, such as <c>node-start</c>.</param>
/// <param name="Target">What it was done to.</param>
/// <param name="Detail">Free text.</param>
public sealed record AuditEntryDocument(long SequenceNr, DateTimeOffset Timestamp, string Node, string Actor, string Action, string Target, string Detail);

/// <summary>The whole <c>GET /api/audit</c> answer.</summary>
/// <param name="Entries">The page, oldest first.</param>
/// <param name="NextFrom">The <c>from</c> of the next page.</param>
/// <param name="Highest">The newest entry's sequence number (0 when the log is empty).</param>
public sealed record AuditPage(IReadOnlyList<AuditEntryDocument> Entries, long NextFrom, long Highest);
