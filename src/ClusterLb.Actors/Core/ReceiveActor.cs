namespace ClusterLb.Actors;

/// <summary>
/// An actor that declares typed handlers in its constructor. The first matching handler wins; a message no
/// handler matches is unhandled.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private List<Func<object, bool>> _handlers = [];

    /// <summary>Handles messages of type <typeparamref name="T"/> (optionally only those matching <paramref name="when"/>).</summary>
    protected void Receive<T>(Action<T> handler, Predicate<T>? when = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(message =>
        {
            if (message is T typed && (when is null || when(typed)))
            {
                handler(typed);
                return true;
            }

            return false;
        });
    }

    /// <summary>Handles <typeparamref name="T"/> asynchronously; no other message is processed until the task completes.</summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? when = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(message =>
        {
            if (message is T typed && (when is null || when(typed)))
            {
                Cell.RunTask(handler(typed));
                return true;
            }

            return false;
        });
    }

    /// <summary>Handles any message not matched by an earlier handler.</summary>
    protected void ReceiveAny(Action<object> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(message =>
        {
            handler(message);
            return true;
        });
    }

    /// <summary>Switches to the handlers that <paramref name="configure"/> declares (with Receive&lt;T&gt; calls).</summary>
    protected void Become(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var previous = _handlers;
        _handlers = [];
        try
        {
            configure();
            var handlers = _handlers.ToArray();
            Context.Become(message => Dispatch(handlers, message));
        }
        finally
        {
            _handlers = previous;
        }
    }

    /// <inheritdoc />
    protected sealed override bool Receive(object message) => Dispatch(_handlers, message);

    private static bool Dispatch(IReadOnlyList<Func<object, bool>> handlers, object message)
    {
        for (var i = 0; i < handlers.Count; i++)
        {
            if (handlers[i](message))
            {
                return true;
            }
        }

        return false;
    }
}
