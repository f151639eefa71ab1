using System.Net;
using System.Net.Sockets;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>CoordinatedShutdown: stop accepting, finish what is in flight, then stop.</summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Shutdown_stops_accepting_and_completes_an_in_flight_slow_request()
    {
        var backends = await NodeHarness.StartBackendsAsync("slow");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
        var proxy = harness.Node.ProxyUrl;

        var slow = harness.Client.GetAsync("/slow");
        await backends[0].SlowStarted;

        var shutdown = harness.Node.ShutdownAsync();
        await Poll.UntilAsync(() => !Accepts(proxy), "the proxy to stop accepting connections");
        Assert.False(shutdown.IsCompleted, "shutdown must wait for the in-flight request");

        backends[0].ReleaseSlow();
        var response = await slow;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("slow slow done", await response.Content.ReadAsStringAsync());

        await shutdown.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(harness.Node.System.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task The_drain_is_bounded_by_the_drain_timeout()
    {
        var backends = await NodeHarness.StartBackendsAsync("stuck");
        var proxy = Proxy.ProxySettings.Loopback with { DrainTimeout = TimeSpan.FromMilliseconds(300) };
        await using var harness = await NodeHarness.StartAsync(output, backends, proxy, new Balancing.Settings.ServiceSettings("web", Balancing.Settings.ServiceMatch.Any, [NodeHarness.Pool("main", 0, backends)]));

        var stuck = harness.Client.GetAsync("/slow");
        await backends[0].SlowStarted;

        // The backend never answers; shutdown must still finish, cutting the request at the drain timeout.
        await harness.Node.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(harness.Node.System.WhenTerminated.IsCompleted);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => stuck);
    }

    private static bool Accepts(Uri url)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, url.Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
