using Akka.Actor;

namespace ClusterLb.Runtime.Audit;

/// <summary>Starts a node's audit log and waits until it can serve, so a broken journal fails the node's start.</summary>
public static class AuditLog
{
    /// <summary>
    /// Creates <paramref name="node"/>'s <see cref="AuditLogActor"/> under the user guardian and waits for its recovery.
    /// On failure (the journal or snapshot store reporting an error, recovery failing) or timeout the actor is stopped
    /// and an <see cref="AuditLogUnavailableException"/> names the reason.
    /// </summary>
    /// <param name="system">The node's actor system, configured with <see cref="AuditPersistenceConfig"/>.</param>
    /// <param name="node">The node name; the persistence id is <c>audit-log-&lt;node&gt;</c>.</param>
    /// <param name="timeout">How long opening the database and recovery may take.</param>
    /// <param name="actorName">The actor's name.</param>
    /// <param name="cancellation">Stops waiting (and stops the actor).</param>
    /// <returns>The ready actor.</returns>
    public static async Task<IActorRef> StartAsync(
        ActorSystem system,
        string node,
        TimeSpan timeout,
        string actorName = "audit-log",
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        var readiness = new AuditLogReadiness(AuditLogActor.PersistenceIdFor(node));
        string[] plugins = [AuditPersistenceConfig.JournalPluginId, AuditPersistenceConfig.SnapshotStorePluginId];
        var listener = system.ActorOf(Props.Create(() => new PersistencePluginFailureListener(readiness, plugins)));
        // Subscribed here, before the log actor exists, so no plugin error can slip past an asynchronous PreStart.
        system.EventStream.Subscribe(listener, typeof(Akka.Event.Error));
        var actor = system.ActorOf(AuditLogActor.Props(node, readiness), actorName);
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
        finally
        {
            system.Stop(listener);
        }
    }
}
