using Akka.Actor;
using Akka.DistributedData;

namespace ClusterLb.Runtime.Registry;

/// <summary>
/// Waits until this node's replicator serves: it answers nothing while it loads its durable keys, and it stops
/// for good when the durable store cannot load them (Akka's contract). A node must not start routing on a
/// replicator that will never answer, so the start waits for one <see cref="GetReplicaCount"/> answer, or for
/// the replicator's termination, whichever comes first.
/// </summary>
public static class ReplicatorReadiness
{
    /// <summary>Completes once <paramref name="replicator"/> answers; faults when it stops or stays silent past <paramref name="timeout"/>.</summary>
    /// <exception cref="InvalidOperationException">The replicator stopped (its durable store failed to load) or did not answer in time.</exception>
    public static Task WhenReadyAsync(ActorSystem system, IActorRef replicator, TimeSpan timeout)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(Props.Create(() => new Probe(replicator, timeout, ready)));
        return ready.Task;
    }

    private sealed class Probe : ReceiveActor
    {
        public Probe(IActorRef replicator, TimeSpan timeout, TaskCompletionSource ready)
        {
            Context.Watch(replicator);
            Context.SetReceiveTimeout(timeout);
            replicator.Tell(GetReplicaCount.Instance);
            Receive<ReplicaCount>(_ => Finish(ready, null));
            Receive<Terminated>(_ => Finish(ready, "the distributed-data replicator stopped: its durable store could not load the registry (the log above says why)"));
            Receive<ReceiveTimeout>(_ => Finish(ready, $"the distributed-data replicator did not answer within {timeout.TotalSeconds:0.#} s (still loading its durable keys?)"));
        }

        /// <summary>Completes <paramref name="ready"/> (faulted when there is a <paramref name="failure"/>) and stops.</summary>
        private void Finish(TaskCompletionSource ready, string? failure)
        {
            if (failure is null)
            {
                ready.TrySetResult();
            }
            else
            {
                ready.TrySetException(new InvalidOperationException(failure));
            }
            Context.Stop(Self);
        }
    }
}
