using System.Collections.Concurrent;
using System.Net;

namespace ClusterLb.Runtime.Tests.Support;

/// <summary>Answers health probes without sockets: 200 unless a status is scripted for the probe's authority.</summary>
public sealed class ScriptedProbes : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, int> _counts = new();

    /// <summary>Status per authority (<c>b.test</c>); the rest answer 200.</summary>
    public ConcurrentDictionary<string, int> Status { get; } = new();

    public int Count(string authority) => _counts.GetValueOrDefault(authority);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var authority = request.RequestUri!.Authority;
        _counts.AddOrUpdate(authority, 1, (_, n) => n + 1);
        return Task.FromResult(new HttpResponseMessage((HttpStatusCode)Status.GetValueOrDefault(authority, 200)));
    }
}
