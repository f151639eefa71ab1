using Akka.Actor;
using ClusterLb.Runtime.Audit;
using ClusterLb.Proxy.Admin;

namespace ClusterLb.Node.Hosting;

/// <summary>
/// Answers <c>/api/audit</c> by asking the audit log actor, which reads the page from the journal, and records the
/// admin API's changes through the same actor.
/// </summary>
/// <param name="auditLog">The node's audit log actor.</param>
/// <param name="timeout">How long a read or a write may take.</param>
/// <param name="nodeName">The node named in the entries it records.</param>
public sealed class ActorAuditSource(IActorRef auditLog, TimeSpan timeout, string nodeName) : IAuditSource, IAuditSink
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

    /// <inheritdoc />
    public Task RecordAsync(string actor, string action, string target, string detail, CancellationToken cancellation) =>
        auditLog.Ask<AuditRecorded>(new RecordAudit(nodeName, actor, action, target, detail), timeout, cancellation);
}
