using ClusterLb.Actors;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Cluster.Tools;

/// <summary>
/// Messages (with their senders) held while the singleton they are for cannot be reached yet; bounded, and what
/// does not fit goes to dead letters with a warning rather than growing without limit.
/// </summary>
internal sealed class PendingMessages(int capacity, string owner)
{
    private readonly Queue<(object Message, IActorRef Sender)> _queue = new();

    /// <summary>Holds a message, or dead-letters it when <paramref name="capacity"/> messages are already held.</summary>
    public void Hold(object message, IActorRef sender, IActorContext context)
    {
        if (_queue.Count < capacity)
        {
            _queue.Enqueue((message, sender));
            return;
        }
        context.Log.LogWarning("{Owner} buffer full ({Size}); dropping {Type}", owner, capacity, message.GetType().Name);
        context.System.DeadLetters.Tell(message, sender);
    }

    /// <summary>Sends every held message to <paramref name="target"/>, oldest first, keeping the senders.</summary>
    public void FlushTo(IActorRef target)
    {
        while (_queue.TryDequeue(out var held))
        {
            target.Tell(held.Message, held.Sender);
        }
    }
}
