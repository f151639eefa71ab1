namespace ClusterLb.Actors;

/// <summary>
/// System-wide publish/subscribe keyed by type. Subscribing to a base class or interface receives every event
/// assignable to it; a subscriber gets each event once even if several of its channels match. Actors that stop
/// are unsubscribed by the kernel.
/// </summary>
public sealed class EventStream
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IActorRef, HashSet<Type>> _subscriptions = [];

    // Copy-on-write map from concrete event type to its subscribers; rebuilt lazily after any change.
    private volatile Dictionary<Type, IActorRef[]> _routes = [];

    /// <summary>Subscribes to events assignable to <paramref name="channel"/>; false if already subscribed to it.</summary>
    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        lock (_lock)
        {
            if (!_subscriptions.TryGetValue(subscriber, out var channels))
            {
                _subscriptions[subscriber] = channels = [];
            }

            if (!channels.Add(channel))
            {
                return false;
            }

            _routes = [];
            return true;
        }
    }

    /// <summary>Unsubscribes from one channel, or from all when <paramref name="channel"/> is null; false if nothing changed.</summary>
    public bool Unsubscribe(IActorRef subscriber, Type? channel = null)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_lock)
        {
            if (!_subscriptions.TryGetValue(subscriber, out var channels))
            {
                return false;
            }

            var changed = channel is null ? channels.Count > 0 : channels.Remove(channel);
            if (channel is null || channels.Count == 0)
            {
                _subscriptions.Remove(subscriber);
            }

            if (changed)
            {
                _routes = [];
            }

            return changed;
        }
    }

    /// <summary>Delivers <paramref name="event"/> to every subscriber of a matching channel (no sender).</summary>
    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var routes = _routes;
        var type = @event.GetType();
        if (!routes.TryGetValue(type, out var subscribers))
        {
            subscribers = AddRoute(type);
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Tell(@event);
        }
    }

    private IActorRef[] AddRoute(Type type)
    {
        lock (_lock)
        {
            var subscribers = _subscriptions
                .Where(s => s.Value.Any(channel => channel.IsAssignableFrom(type)))
                .Select(s => s.Key)
                .ToArray();
            _routes = new Dictionary<Type, IActorRef[]>(_routes) { [type] = subscribers };
            return subscribers;
        }
    }
}
