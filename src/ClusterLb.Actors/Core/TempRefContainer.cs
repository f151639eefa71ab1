using System.Collections.Concurrent;
using System.Globalization;

namespace ClusterLb.Actors;

/// <summary>
/// The <c>/temp</c> branch: short-lived refs (pending asks) keyed by a number, so a reply that arrives through
/// remoting as a path can still find its promise.
/// </summary>
internal sealed class TempRefContainer(ActorSystem system, ActorPath path)
{
    private readonly ConcurrentDictionary<long, InternalActorRef> _refs = new();
    private long _nextId;

    public ActorSystem System { get; } = system;

    public ActorPath Path { get; } = path;

    public int Count => _refs.Count;

    public long Register(InternalActorRef actorRef)
    {
        var id = Interlocked.Increment(ref _nextId);
        _refs[id] = actorRef;
        return id;
    }

    public void Unregister(long id) => _refs.TryRemove(id, out _);

    public static string NameOf(long id) => "$" + id.ToString(CultureInfo.InvariantCulture);

    public InternalActorRef? Get(string name)
        => name.Length > 1 && name[0] == '$' && long.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && _refs.TryGetValue(id, out var found)
            ? found
            : null;
}
