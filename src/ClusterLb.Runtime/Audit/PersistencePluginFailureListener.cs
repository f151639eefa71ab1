using Akka.Actor;
using Akka.Event;

namespace ClusterLb.Runtime.Audit;

/// <summary>
/// Turns the first error a persistence plugin logs into a failed <see cref="AuditLogReadiness"/>.
/// </summary>
/// <remarks>
/// A SQL journal or snapshot store that cannot open its database throws while initializing; its supervisor restarts
/// it about once a second, and the only trace of the cause is the error it logs each time. The persistent actor
/// meanwhile waits, stashing commands, until <c>recovery-event-timeout</c> (30 s) fails it with a bare
/// <c>RecoveryTimedOutException</c>. Listening to those log events reports the database's own error at once.
/// </remarks>
internal sealed class PersistencePluginFailureListener : ReceiveActor
{
    public PersistencePluginFailureListener(AuditLogReadiness readiness, IReadOnlyCollection<string> pluginIds)
    {
        Receive<Error>(
            e => e.Cause is not null && pluginIds.Any(id => e.LogSource.EndsWith("/" + id, StringComparison.Ordinal)),
            e =>
            {
                var plugin = e.LogSource[(e.LogSource.LastIndexOf('/') + 1)..];
                readiness.Fail($"the persistence plugin '{plugin}' failed: {e.Message} {AuditLogReadiness.Describe(e.Cause)}", e.Cause);
                Context.Stop(Self);
            });
        ReceiveAny(_ => { });
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
