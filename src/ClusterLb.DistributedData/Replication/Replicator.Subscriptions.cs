using ClusterLb.Actors;

namespace ClusterLb.DistributedData.Replication;

public sealed partial class Replicator
{
    private readonly Dictionary<string, HashSet<IActorRef>> _subscribers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IKey> _subscribedKeys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    private readonly List<(string Id, IActorRef Subscriber)> _newSubscribers = [];

    private void HandleSubscribe(Subscribe subscribe)
    {
        var id = subscribe.Key.Id;
        if (!_subscribers.TryGetValue(id, out var set))
        {
            _subscribers[id] = set = [];
            _subscribedKeys[id] = subscribe.Key;
        }

        if (set.Add(subscribe.Subscriber))
        {
            Context.Watch(subscribe.Subscriber);
            _newSubscribers.Add((id, subscribe.Subscriber));
        }
    }

    private void HandleUnsubscribe(Unsubscribe unsubscribe)
    {
        var id = unsubscribe.Key.Id;
        if (_subscribers.TryGetValue(id, out var set) && set.Remove(unsubscribe.Subscriber))
        {
            if (set.Count == 0)
            {
                _subscribers.Remove(id);
                _subscribedKeys.Remove(id);
            }

            if (!IsSubscribedAnywhere(unsubscribe.Subscriber))
            {
                Context.Unwatch(unsubscribe.Subscriber);
            }
        }
    }

    private void RemoveSubscriber(IActorRef subscriber)
    {
        foreach (var (id, set) in _subscribers.ToList())
        {
            if (set.Remove(subscriber) && set.Count == 0)
            {
                _subscribers.Remove(id);
                _subscribedKeys.Remove(id);
            }
        }
    }

    private bool IsSubscribedAnywhere(IActorRef subscriber) => _subscribers.Values.Any(s => s.Contains(subscriber));

    private void MarkChanged(string id, IKey? key)
    {
        if (_subscribers.ContainsKey(id))
        {
            _changed.Add(id);
        }
    }

    private void NotifySubscribers()
    {
        foreach (var id in _changed)
        {
            if (_subscribers.TryGetValue(id, out var set) && Notification(id) is { } notification)
            {
                foreach (var subscriber in set)
                {
                    subscriber.Tell(notification, Self);
                }
            }
        }

        _changed.Clear();
        foreach (var (id, subscriber) in _newSubscribers)
        {
            if (_subscribers.TryGetValue(id, out var set) && set.Contains(subscriber) && Notification(id) is { } notification)
            {
                subscriber.Tell(notification, Self);
            }
        }

        _newSubscribers.Clear();
    }

    private object? Notification(string id) =>
        _data.TryGetValue(id, out var envelope)
            ? envelope.Data is { } data ? new Changed(_subscribedKeys[id], data) : new Deleted(_subscribedKeys[id])
            : null;
}
