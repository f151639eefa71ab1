using Akka.Actor;

namespace ClusterLb.Runtime.Audit;

/// <summary>Starts a node's audit log and waits until it can serve, so a broken journal fails the node's start.</summary>
public static class AuditLog
{
    /// <summary>
    /// Creates <paramref name="node"/>'s <see cref="AuditLogActor"/> and waits for its recovery. On failure or timeout
    /// the actor is stopped and an <see cref="AuditLogUnavailableException"/> names the reason.
    /// </summary>
    /// <param name="factory">The actor system (or a parent's context).</param>
    /// <param name="node">The node name; the persistence id is <c>audit-log-&lt;node&gt;</c>.</param>
    /// <param name="timeout">How long recovery may take.</param>
    /// <param name="actorName">The actor's name.</param>
    /// <param name="cancellation">Stops waiting (and stops the actor).</param>
    /// <returns>The ready actor.</returns>
    public static async Task<IActorRef> StartAsync(
        IActorRefFactory factory,
        string node,
        TimeSpan timeout,
        string actorName = "audit-log",
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var readiness = new AuditLogReadiness(AuditLogActor.PersistenceIdFor(node));
        var actor = factory.ActorOf(AuditLogActor.Props(node, readiness), actorName);
        try
        {
            await readiness.WaitAsync(timeout, cancellation).ConfigureAwait(false);
            return actor;
        }
        catch
        {
            actor.Tell(PoisonPill.Instance);
            throw;
        }
    }
}
