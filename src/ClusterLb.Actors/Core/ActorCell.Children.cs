using System.Collections.Concurrent;

namespace ClusterLb.Actors;

internal sealed partial class ActorCell
{
    // Concurrent because system.ActorOf adds guardian children from any thread and ResolveActorRef walks it.
    private readonly ConcurrentDictionary<string, ChildEntry> _children = new(StringComparer.Ordinal);
    private readonly HashSet<IActorRef> _stoppingChildren = [];
    private long _nextChildId;

    public IEnumerable<IActorRef> Children
    {
        get
        {
            foreach (var entry in _children.Values)
            {
                yield return entry.Ref;
            }
        }
    }

    internal IEnumerable<ChildEntry> ChildEntries => _children.Values;

    public IActorRef? Child(string name) => _children.TryGetValue(name, out var entry) ? entry.Ref : null;

    internal LocalActorRef? ChildRef(string name) => _children.TryGetValue(name, out var entry) ? entry.Ref : null;

    public IActorRef ActorOf(Props props, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (_state == CellState.Terminated)
        {
            throw new InvalidOperationException($"Cannot create a child of {Self.Path}: it has stopped.");
        }

        if (name is null)
        {
            name = "$" + Base64Name(Interlocked.Increment(ref _nextChildId));
        }
        else
        {
            ActorNames.Validate(name);
        }

        var uid = ActorSystem.NewUid();
        var childRef = new LocalActorRef(System, Self.Path.Child(name, uid));
        var dispatcher = props.DedicatedThread ? new PinnedDispatcher($"clb-pinned:{childRef.Path}") : System.DefaultDispatcher(props);
        var cell = new ActorCell(System, childRef, props, SelfRef, dispatcher);
        if (!_children.TryAdd(name, new ChildEntry(childRef)))
        {
            throw new InvalidActorNameException($"Actor name '{name}' is not unique: {Self.Path} already has a child with that name.");
        }

        cell.Start();
        if (IsTerminating)
        {
            // Created concurrently with our stop (system.ActorOf during Terminate): stop it so we can finish.
            childRef.SendSystemMessage(Terminate.Instance);
        }

        return childRef;
    }

    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is not InternalActorRef target)
        {
            return;
        }

        if (_children.TryGetValue(actor.Path.Name, out var entry) && entry.Ref.Equals(actor) && !IsTerminated)
        {
            lock (_stoppingChildren)
            {
                _stoppingChildren.Add(actor);
            }
        }

        target.SendSystemMessage(Terminate.Instance);
    }

    /// <summary>Removes a stopped child; true if it was ours.</summary>
    private bool RemoveChild(IActorRef child)
    {
        lock (_stoppingChildren)
        {
            _stoppingChildren.Remove(child);
        }

        return _children.TryGetValue(child.Path.Name, out var entry)
            && entry.Ref.Equals(child)
            && _children.TryRemove(new KeyValuePair<string, ChildEntry>(child.Path.Name, entry));
    }

    private int StoppingChildrenCount
    {
        get
        {
            lock (_stoppingChildren)
            {
                return _stoppingChildren.Count;
            }
        }
    }

    private void StopAllChildren()
    {
        foreach (var entry in _children.Values)
        {
            Stop(entry.Ref);
        }
    }

    private static string Base64Name(long id)
    {
        const string chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+~";
        Span<char> buffer = stackalloc char[12];
        var i = buffer.Length;
        do
        {
            buffer[--i] = chars[(int)(id & 63)];
            id >>= 6;
        }
        while (id != 0);

        return new string(buffer[i..]);
    }

    /// <summary>A child and the restart bookkeeping its supervisor keeps for it.</summary>
    internal sealed class ChildEntry(LocalActorRef childRef)
    {
        public LocalActorRef Ref { get; } = childRef;

        public ChildRestartStats Stats { get; } = new();
    }
}
