using System.Collections.Concurrent;
using ClusterLb.Actors;

namespace ClusterLb.Remote;

/// <summary>
/// Remembers what wire paths resolved to, so a steady stream of messages between the same actors does not parse and
/// resolve a path per message. Terminated refs are never returned (the path is resolved again: a new incarnation
/// may live there); temporary ask refs are never stored; the cache is cleared when it reaches its capacity.
/// </summary>
internal sealed class ResolvedRefCache(int capacity = 10_000)
{
    private readonly ConcurrentDictionary<(string Path, long Uid), IActorRef> _refs = new();

    public IActorRef GetOrResolve(string path, long uid, Func<string, long, IActorRef?> resolve)
    {
        if (_refs.TryGetValue((path, uid), out var cached))
        {
            if (cached is not InternalActorRef { IsTerminated: true })
            {
                return cached;
            }

            _refs.TryRemove((path, uid), out _);
        }

        var resolved = resolve(path, uid);
        if (resolved is null)
        {
            return ActorRefs.Nobody;
        }

        if (resolved is not InternalActorRef { IsTerminated: true } && !path.Contains("/temp/", StringComparison.Ordinal))
        {
            if (_refs.Count >= capacity)
            {
                _refs.Clear();
            }

            _refs[(path, uid)] = resolved;
        }

        return resolved;
    }
}
