namespace ClusterLb.Actors;

/// <summary>Passing a message on while keeping the original sender.</summary>
public static class ForwardExtensions
{
    /// <summary>Tells <paramref name="message"/> to <paramref name="target"/> with the sender of the message being processed.</summary>
    public static void Forward(this IActorRef target, object message, IActorContext context)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(context);
        target.Tell(message, context.Sender);
    }
}
