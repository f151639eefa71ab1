using System.Collections.Concurrent;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// A bounded closed-loop load: <c>concurrency</c> workers send GETs one after the other until <c>total</c> have
/// been sent, and every answer is tallied by the backend that gave it (its <c>X-Backend</c> header) or as an error.
/// </summary>
internal sealed class LoadGenerator
{
    private readonly ConcurrentDictionary<string, int> _byBackend = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _errors = new();
    private int _sent;
    private int _completed;

    /// <summary>Answers per backend.</summary>
    public IReadOnlyDictionary<string, int> ByBackend => _byBackend;

    /// <summary>What went wrong for each request that did not get a 2xx: a status with its body, or an exception.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>Requests answered so far (any outcome).</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>The share of answers <paramref name="backend"/> gave.</summary>
    public double ShareOf(string backend) => _byBackend.GetValueOrDefault(backend) / (double)Math.Max(1, Completed);

    /// <summary>Sends <paramref name="total"/> requests to <paramref name="client"/>; completes when every one is answered.</summary>
    public Task RunAsync(HttpClient client, int total, int concurrency, string path = "/") =>
        Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref _sent) <= total)
            {
                await SendOneAsync(client, path);
                Interlocked.Increment(ref _completed);
            }
        })));

    private async Task SendOneAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path);
            if (response.IsSuccessStatusCode && response.Headers.TryGetValues("X-Backend", out var names))
            {
                _byBackend.AddOrUpdate(names.First(), 1, (_, n) => n + 1);
            }
            else
            {
                _errors.Enqueue($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
        catch (HttpRequestException ex)
        {
            _errors.Enqueue(ex.Message);
        }
        catch (TaskCanceledException ex)
        {
            _errors.Enqueue(ex.Message);
        }
    }
}
