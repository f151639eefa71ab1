using System.Collections.Concurrent;
using System.Net;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>A pool's <c>keepalive</c> block bounds and ages its own connections; other pools keep the proxy-wide pool.</summary>
public sealed class PoolKeepaliveTests(ITestOutputHelper output)
{
    private const int Concurrent = 16;

    [Fact]
    public async Task Max_connections_and_idle_timeout_apply_to_the_pool_that_sets_them()
    {
        var connections = new ConcurrentDictionary<string, ConcurrentDictionary<string, bool>>();
        var closed = new ConcurrentDictionary<string, int>();
        await using var backend = await KestrelBackend.StartAsync(HttpProtocols.Http1, null, null, app => app.Run(async context =>
        {
            // Which connection each service's requests came on, and when each connection ends.
            var service = context.Request.Path.Value!.Trim('/');
            var id = context.Connection.Id;
            if (connections.GetOrAdd(service, _ => new()).TryAdd(id, true))
            {
                context.Features.Get<IConnectionLifetimeFeature>()!.ConnectionClosed.Register(() => closed.AddOrUpdate(service, 1, (_, n) => n + 1));
            }
            // The backend takes a while to answer, so concurrent requests need concurrent connections.
            await Task.Delay(100, context.RequestAborted);
            await context.Response.WriteAsync(service);
        }));
        await using var harness = await NodeHarness.StartAsync(output, [], ProxySettings.Loopback,
            Service("bounded", new KeepaliveSettings(2, TimeSpan.FromMilliseconds(300)), backend.Url),
            Service("shared", KeepaliveSettings.Inherit, backend.Url));

        await Task.WhenAll(Enumerable.Range(0, Concurrent).SelectMany(_ => new[] { GetAsync(harness, "bounded"), GetAsync(harness, "shared") }));

        output.WriteLine($"connections: bounded {connections["bounded"].Count}, shared {connections["shared"].Count}");
        Assert.InRange(connections["bounded"].Count, 1, 2);
        Assert.True(connections["shared"].Count > 2, $"the unbounded pool opened {connections["shared"].Count} connections for {Concurrent} concurrent requests");
        // The bounded pool's idle connections close after 300 ms (the shared pool's live 60 s).
        await Poll.UntilAsync(() => closed.GetValueOrDefault("bounded") == connections["bounded"].Count, "the bounded pool's idle connections to close");
        Assert.Equal(0, closed.GetValueOrDefault("shared"));
    }

    private static ServiceSettings Service(string name, KeepaliveSettings keepalive, Uri address) =>
        new(name, new ServiceMatch([], $"/{name}"), [
            new PoolSettings(name, BalancingMethod.RoundRobin, 0, [new HostSettings("k1", address)], HealthCheckSettings.Default with { Enabled = false }, PassiveHealthSettings.Default)
            {
                Connection = UpstreamConnectionSettings.Default with { Keepalive = keepalive },
            }]);

    private static async Task GetAsync(NodeHarness harness, string service)
    {
        using var response = await harness.Client.GetAsync($"/{service}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(service, await response.Content.ReadAsStringAsync());
    }
}
