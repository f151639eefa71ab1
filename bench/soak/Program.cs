using System.Diagnostics;
using System.Globalization;

// bench/soak's load: RATE requests per second for MINUTES minutes, node after node, each request tried on the next
// node when one refuses, resets, times out or answers 5xx (each node at most once). At the end of every minute it
// prints one tab-separated line: minute, sent, answered, retried, failed, p50 ms, p99 ms, max ms (latency of the
// whole client request, retries included) and the first failure of the minute.
var options = Options.Parse(args);
using var client = new HttpClient(new SocketsHttpHandler
{
    ConnectTimeout = TimeSpan.FromSeconds(1),
    PooledConnectionLifetime = TimeSpan.FromSeconds(5),
    MaxConnectionsPerServer = 64,
})
{ Timeout = TimeSpan.FromSeconds(3) };

var minutes = new Minute[options.Minutes];
for (var m = 0; m < minutes.Length; m++)
{
    minutes[m] = new Minute();
}
using var inFlight = new SemaphoreSlim(512);
var clock = Stopwatch.StartNew();
var interval = TimeSpan.FromSeconds(1.0 / options.Rate);
var total = (long)(options.Rate * 60.0 * options.Minutes);
var pending = new List<Task>();
var reported = 0;
for (long n = 0; n < total; n++)
{
    var due = interval * n;
    if (due > clock.Elapsed)
    {
        await Task.Delay(due - clock.Elapsed);
    }
    var minute = minutes[Math.Min((int)(clock.Elapsed.TotalMinutes), minutes.Length - 1)];
    Interlocked.Increment(ref minute.Sent);
    await inFlight.WaitAsync();
    pending.Add(SendAsync(n, minute).ContinueWith(_ => inFlight.Release(), TaskScheduler.Default));
    if (pending.Count > 4096)
    {
        pending.RemoveAll(t => t.IsCompleted);
    }
    while (reported < (int)clock.Elapsed.TotalMinutes && reported < minutes.Length - 1)
    {
        Print(reported + 1, minutes[reported]);
        reported++;
    }
}
await Task.WhenAll(pending);
for (; reported < minutes.Length; reported++)
{
    Print(reported + 1, minutes[reported]);
}

async Task SendAsync(long n, Minute minute)
{
    var started = Stopwatch.GetTimestamp();
    string? firstError = null;
    for (var attempt = 0; attempt < options.Proxies.Length; attempt++)
    {
        var node = options.Proxies[(n + attempt) % options.Proxies.Length];
        var error = await TryAsync(node);
        if (error is null)
        {
            minute.Record(Stopwatch.GetElapsedTime(started), retried: attempt > 0);
            return;
        }
        firstError ??= $"{node}: {error}";
    }
    minute.Fail(firstError!);
}

async Task<string?> TryAsync(Uri node)
{
    try
    {
        using var response = await client.GetAsync(node);
        await response.Content.ReadAsByteArrayAsync();
        return (int)response.StatusCode >= 500 ? $"status {(int)response.StatusCode}" : null;
    }
    catch (HttpRequestException ex)
    {
        return ex.HttpRequestError.ToString();
    }
    catch (TaskCanceledException)
    {
        return "timeout";
    }
}

static void Print(int number, Minute minute)
{
    var (p50, p99, max) = minute.Percentiles();
    Console.WriteLine(string.Join('\t',
        number.ToString(CultureInfo.InvariantCulture), minute.Sent, minute.Answered, minute.Retried, minute.Failed,
        p50.ToString("0.0", CultureInfo.InvariantCulture), p99.ToString("0.0", CultureInfo.InvariantCulture),
        max.ToString("0.0", CultureInfo.InvariantCulture), minute.FirstFailure ?? "-"));
}

/// <summary>What one minute of load saw.</summary>
internal sealed class Minute
{
    private readonly List<double> _latencies = [];
    private readonly Lock _lock = new();
    public int Sent;
    public int Answered;
    public int Retried;
    public int Failed;

    public string? FirstFailure { get; private set; }

    public void Record(TimeSpan latency, bool retried)
    {
        lock (_lock)
        {
            _latencies.Add(latency.TotalMilliseconds);
            Answered++;
            Retried += retried ? 1 : 0;
        }
    }

    public void Fail(string error)
    {
        lock (_lock)
        {
            Failed++;
            FirstFailure ??= error;
        }
    }

    public (double P50, double P99, double Max) Percentiles()
    {
        lock (_lock)
        {
            if (_latencies.Count == 0)
            {
                return (0, 0, 0);
            }
            _latencies.Sort();
            double At(double q) => _latencies[Math.Min(_latencies.Count - 1, (int)(q * _latencies.Count))];
            return (At(0.50), At(0.99), _latencies[^1]);
        }
    }
}

/// <summary>The command line: --proxies URL,URL,... --rate N --minutes M.</summary>
internal sealed record Options(Uri[] Proxies, double Rate, int Minutes)
{
    public static Options Parse(string[] args)
    {
        string Value(string name) =>
            args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? throw new ArgumentException($"missing {name}");
        return new Options(
            [.. Value("--proxies").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(u => new Uri(u))],
            double.Parse(Value("--rate"), CultureInfo.InvariantCulture),
            int.Parse(Value("--minutes"), CultureInfo.InvariantCulture));
    }
}
