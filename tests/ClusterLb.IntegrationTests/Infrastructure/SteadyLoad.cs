using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// Paced client load through every node of a cluster while a test breaks something, as a client with several LB
/// addresses behaves: each worker sends one GET per <c>pace</c>, starting at the next node in turn; when a node
/// refuses, resets, times out or answers 5xx, the same request goes to the next node, each node at most once. A
/// request is <see cref="Failed"/> only when every node failed it. Every answer must name its backend
/// (<c>X-Backend</c>). <see cref="Report"/> writes what happened per 5-second slot beside the marks a test set.
/// </summary>
internal sealed class SteadyLoad : IAsyncDisposable
{
    private static readonly TimeSpan Slot = TimeSpan.FromSeconds(5);

    private readonly Func<IReadOnlyList<Uri?>> _nodes;
    private readonly ITestOutputHelper _output;
    private readonly TimeSpan _pace;
    private readonly HttpClient _client;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentQueue<(TimeSpan At, string What)> _marks = new();
    private readonly ConcurrentDictionary<int, (int Answered, int Retried, int Failed)> _slots = new();
    private readonly ConcurrentDictionary<string, int> _byBackend = new(StringComparer.Ordinal);
    private readonly int[] _byNode;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private int _answered;
    private int _retried;
    private int _failed;

    private SteadyLoad(Func<IReadOnlyList<Uri?>> nodes, ITestOutputHelper output, int workers, TimeSpan pace, TimeSpan attemptTimeout)
    {
        _nodes = nodes;
        _output = output;
        _pace = pace;
        _byNode = new int[nodes().Count];
        // No pooled connection outlives a node: a killed node's connections would otherwise fail the next request.
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), PooledConnectionLifetime = TimeSpan.FromSeconds(2) };
        _client = new HttpClient(handler) { Timeout = attemptTimeout };
        _workers = [.. Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w)))];
    }

    /// <summary>Requests answered 2xx by some node.</summary>
    public int Answered => Volatile.Read(ref _answered);

    /// <summary>Answered requests that a first node failed and another node answered.</summary>
    public int Retried => Volatile.Read(ref _retried);

    /// <summary>Requests that every node failed.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>What each failed request got from each node.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Answers per backend (the <c>X-Backend</c> header).</summary>
    public IReadOnlyDictionary<string, int> ByBackend => _byBackend;

    /// <summary>Answers given by node <paramref name="i"/>.</summary>
    public int AnsweredBy(int i) => Volatile.Read(ref _byNode[i]);

    /// <summary>Starts <paramref name="workers"/> workers, one request per <paramref name="pace"/> each (default 4 × one per 20 ms).</summary>
    /// <param name="nodes">The proxy address of each node, read before every request (a restarted node has a new one; null while it never started).</param>
    public static SteadyLoad Start(Func<IReadOnlyList<Uri?>> nodes, ITestOutputHelper output, int workers = 4, TimeSpan? pace = null, TimeSpan? attemptTimeout = null) =>
        new(nodes, output, workers, pace ?? TimeSpan.FromMilliseconds(20), attemptTimeout ?? TimeSpan.FromSeconds(3));

    /// <summary>Notes <paramref name="what"/> at this moment in the timeline.</summary>
    public void Mark(string what)
    {
        _marks.Enqueue((_clock.Elapsed, what));
        Write($"LOAD mark {_clock.Elapsed.TotalSeconds:0.0}s: {what} (answered {Answered}, retried {Retried}, failed {Failed})");
    }

    /// <summary>Waits until <paramref name="more"/> requests more than now have been answered.</summary>
    public Task WaitForMoreAsync(int more, TimeSpan deadline)
    {
        var target = Answered + more;
        return Poll.UntilAsync(() => Answered >= target, $"{more} more answered requests (answered {Answered}, failed {Failed})", deadline);
    }

    /// <summary>Stops sending; returns once every request in progress has its outcome.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }
        await Task.WhenAll(_workers);
    }

    /// <summary>Writes the totals, the per-slot timeline with the marks, and the first failures.</summary>
    public void Report()
    {
        Write($"LOAD total {_clock.Elapsed.TotalSeconds:0.0}s: answered {Answered}, retried {Retried}, failed {Failed}; by node [{string.Join(", ", _byNode)}]; by backend {string.Join(", ", _byBackend.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => $"{b.Key}={b.Value}"))}");
        var marks = _marks.ToArray();
        foreach (var (slot, counts) in _slots.OrderBy(s => s.Key))
        {
            var from = Slot * slot;
            var during = marks.Where(m => m.At >= from && m.At < from + Slot).Select(m => m.What);
            Write($"LOAD {from.TotalSeconds,5:0}s  answered {counts.Answered,5}  retried {counts.Retried,4}  failed {counts.Failed,4}  {string.Join("; ", during)}");
        }
        foreach (var failure in _failures.Take(10))
        {
            Write($"LOAD failure: {failure}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _client.Dispose();
        _stop.Dispose();
    }

    private async Task WorkAsync(int worker)
    {
        using var timer = new PeriodicTimer(_pace);
        var turn = worker;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await SendAsync(turn++);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped between requests.
        }
    }

    private async Task SendAsync(int turn)
    {
        var nodes = _nodes();
        var errors = new List<string>();
        for (var attempt = 0; attempt < nodes.Count; attempt++)
        {
            var i = (turn + attempt) % nodes.Count;
            if (nodes[i] is not { } node)
            {
                continue;
            }
            var outcome = await TryAsync(node);
            if (outcome is null)
            {
                Interlocked.Increment(ref _byNode[i]);
                Count(errors.Count > 0 ? Outcome.Retried : Outcome.Answered);
                return;
            }
            errors.Add($"lb-{i + 1}: {outcome}");
        }
        _failures.Enqueue($"{_clock.Elapsed.TotalSeconds:0.000}s {string.Join(" | ", errors)}");
        Count(Outcome.Failed);
    }

    /// <summary>Null when <paramref name="node"/> answered 2xx from a backend; otherwise what went wrong.</summary>
    private async Task<string?> TryAsync(Uri node)
    {
        try
        {
            using var response = await _client.GetAsync(node);
            if (!response.IsSuccessStatusCode)
            {
                return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            if (!response.Headers.TryGetValues("X-Backend", out var names))
            {
                return $"{(int)response.StatusCode} without X-Backend";
            }
            _byBackend.AddOrUpdate(names.First(), 1, (_, n) => n + 1);
            return null;
        }
        catch (HttpRequestException ex)
        {
            return $"{ex.HttpRequestError}: {ex.Message}";
        }
        catch (TaskCanceledException)
        {
            return "timed out";
        }
    }

    private void Count(Outcome outcome)
    {
        switch (outcome)
        {
            case Outcome.Answered:
                Interlocked.Increment(ref _answered);
                break;
            case Outcome.Retried:
                Interlocked.Increment(ref _answered);
                Interlocked.Increment(ref _retried);
                break;
            default:
                Interlocked.Increment(ref _failed);
                break;
        }
        var slot = (int)(_clock.Elapsed / Slot);
        _slots.AddOrUpdate(slot, Add(default, outcome), (_, c) => Add(c, outcome));
    }

    private static (int, int, int) Add((int Answered, int Retried, int Failed) c, Outcome outcome) => outcome switch
    {
        Outcome.Answered => (c.Answered + 1, c.Retried, c.Failed),
        Outcome.Retried => (c.Answered + 1, c.Retried + 1, c.Failed),
        _ => (c.Answered, c.Retried, c.Failed + 1),
    };

    private void Write(string line)
    {
        try
        {
            _output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished; its output is closed.
        }
    }

    private enum Outcome
    {
        Answered,
        Retried,
        Failed,
    }
}
