using ClusterLb.Actors;
using ClusterLb.Persistence.Audit;
using ClusterLb.Proxy.Admin;

namespace ClusterLb.Node.Hosting;

/// <summary>Answers <c>/api/audit</c> by asking the audit log actor, which reads the page from the journal.</summary>
public sealed class ActorAuditSource(IActorRef auditLog, TimeSpan timeout) : IAuditSource
{
    /// <inheritdoc />
    public async Task<AuditPage> GetPageAsync(long from, int max, CancellationToken cancellation)
    {
        var page = await auditLog.Ask<AuditEntriesPage>(new GetAuditEntries(from, max), timeout, cancellation).ConfigureAwait(false);
        return new AuditPage(
            page.Entries.Select(e => new AuditEntryDocument(e.SequenceNr, e.Timestamp, e.Node, e.Actor, e.Action, e.Target, e.Detail)).ToList(),
            page.NextSequenceNr,
            page.HighestSequenceNr);
    }
}
