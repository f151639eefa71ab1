using System.Net;
using ClusterLb.Balancing.Health;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>Pools in priority order: fail over when the primary has no healthy host, 503 when nothing has one.</summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Traffic_moves_to_the_next_pool_and_back_then_503_when_every_pool_is_down()
    {
        var backends = await NodeHarness.StartBackendsAsync("p1", "p2", "s1");
        var checks = NodeHarness.FastChecks(rise: 2, fall: 2);
        await using var harness = await NodeHarness.StartAsync(output, backends,
            NodeHarness.Pool("standby", 1, [backends[2]], checks),
            NodeHarness.Pool("primary", 0, [backends[0], backends[1]], checks));

        var answers = await harness.SendAsync(10);
        Assert.Equal(5, answers.GetValueOrDefault("p1"));
        Assert.Equal(5, answers.GetValueOrDefault("p2"));
        Assert.Equal(0, backends[2].Hits);

        backends[0].HealthStatus = 503;
        backends[1].HealthStatus = 503;
        await harness.WaitForHealthAsync("p1", HostHealth.Down);
        await harness.WaitForHealthAsync("p2", HostHealth.Down);
        answers = await harness.SendAsync(10);
        Assert.Equal(10, answers.GetValueOrDefault("s1"));

        backends[2].HealthStatus = 503;
        await harness.WaitForHealthAsync("s1", HostHealth.Down);
        var response = await harness.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("no healthy upstream host for service 'web' (0/3 hosts healthy)\n", await response.Content.ReadAsStringAsync());
        var hitsWhileAllDown = backends.Sum(b => b.Hits);
        await harness.SendAsync(20);
        Assert.Equal(hitsWhileAllDown, backends.Sum(b => b.Hits));

        backends[0].HealthStatus = 200;
        await harness.WaitForHealthAsync("p1", HostHealth.Up);
        answers = await harness.SendAsync(4);
        Assert.Equal(4, answers.GetValueOrDefault("p1"));
    }
}
