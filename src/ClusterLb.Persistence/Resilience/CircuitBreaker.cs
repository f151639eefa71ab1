namespace ClusterLb.Persistence.Resilience;

/// <summary>
/// Closed → Open after consecutive failures; Open → HalfOpen once the reset timeout passed; a successful trial
/// closes it, a failed one opens it again. Time comes from a <see cref="TimeProvider"/> so tests need no waiting.
/// </summary>
public sealed class CircuitBreaker
{
    private readonly object _gate = new();
    private readonly string _name;
    private readonly CircuitBreakerSettings _settings;
    private readonly TimeProvider _time;
    private readonly Func<Exception, bool> _isFailure;
    private CircuitState _state = CircuitState.Closed;
    private int _failures;
    private long _openedAt;

    /// <param name="name">Named in errors ("journal", "snapshot store").</param>
    /// <param name="settings">Thresholds.</param>
    /// <param name="isFailure">Which exceptions count against the breaker; others pass through uncounted.</param>
    /// <param name="time">Clock; the system clock by default.</param>
    public CircuitBreaker(string name, CircuitBreakerSettings settings, Func<Exception, bool>? isFailure = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _name = name;
        _settings = settings;
        _isFailure = isFailure ?? (_ => true);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Raised with the new state on every transition (for logging and metrics).</summary>
    public event Action<CircuitState>? StateChanged;

    public CircuitState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Runs the call under the breaker; throws <see cref="CircuitBreakerOpenException"/> without calling when open.</summary>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        BeforeCall();
        using var timeout = new CancellationTokenSource(_settings.CallTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        T result;
        try
        {
            result = await call(linked.Token).WaitAsync(_settings.CallTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up; that says nothing about the database.
            Release(success: true, counted: false);
            throw;
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && timeout.IsCancellationRequested))
        {
            // Whichever timer fired first, tell the abandoned call to stop before its token source is disposed.
            await timeout.CancelAsync().ConfigureAwait(false);
            Release(success: false, counted: true);
            throw new TimeoutException($"The {_name} call did not complete within {_settings.CallTimeout.TotalSeconds:0.#} s.", e);
        }
        catch (Exception e)
        {
            Release(success: false, counted: _isFailure(e));
            throw;
        }

        Release(success: true, counted: true);
        return result;
    }

    /// <summary>Runs a call without a result under the breaker.</summary>
    public Task ExecuteAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken = default) =>
        ExecuteAsync<bool>(async ct => { await call(ct).ConfigureAwait(false); return true; }, cancellationToken);

    private void BeforeCall()
    {
        CircuitState? changed = null;
        lock (_gate)
        {
            switch (_state)
            {
                case CircuitState.Open:
                    var elapsed = _time.GetElapsedTime(_openedAt);
                    if (elapsed < _settings.ResetTimeout)
                    {
                        throw new CircuitBreakerOpenException(_name, _settings.ResetTimeout - elapsed);
                    }

                    _state = CircuitState.HalfOpen;
                    changed = _state;
                    break;
                case CircuitState.HalfOpen:
                    // One trial at a time: everything else keeps failing fast until it reports back.
                    throw new CircuitBreakerOpenException(_name, TimeSpan.Zero);
            }
        }

        if (changed is { } state)
        {
            StateChanged?.Invoke(state);
        }
    }

    private void Release(bool success, bool counted)
    {
        CircuitState? changed = null;
        lock (_gate)
        {
            if (_state == CircuitState.HalfOpen && !counted)
            {
                // The trial told us nothing; let the next call be the trial.
                _state = CircuitState.Open;
                _openedAt = _time.GetTimestamp() - ToTimestampTicks(_settings.ResetTimeout);
            }
            else if (success || !counted)
            {
                if (counted)
                {
                    _failures = 0;
                }

                if (_state == CircuitState.HalfOpen)
                {
                    _state = CircuitState.Closed;
                    changed = _state;
                }
            }
            else if (_state == CircuitState.HalfOpen || ++_failures >= _settings.MaxFailures)
            {
                _state = CircuitState.Open;
                _openedAt = _time.GetTimestamp();
                _failures = 0;
                changed = _state;
            }
        }

        if (changed is { } state)
        {
            StateChanged?.Invoke(state);
        }
    }

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
