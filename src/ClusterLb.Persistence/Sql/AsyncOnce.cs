namespace ClusterLb.Persistence.Sql;

/// <summary>
/// Runs an asynchronous initialization (such as creating tables) at most once to completion: callers that arrive while
/// it runs wait for it, and a run that failed is tried again by the next caller rather than remembered as done.
/// </summary>
public sealed class AsyncOnce
{
    private readonly Func<CancellationToken, Task> _action;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _done;

    /// <summary>Wraps <paramref name="action"/>.</summary>
    public AsyncOnce(Func<CancellationToken, Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _action = action;
    }

    /// <summary>Completes once the action has completed successfully, running it if no one has yet.</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_done)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_done)
            {
                await _action(cancellationToken).ConfigureAwait(false);
                _done = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
