using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>Round robin and smooth weighted round robin through a real node to real backends.</summary>
public sealed class DistributionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_equal_hosts_get_exactly_100_each_of_300_requests()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2", "b3");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));

        var answers = await harness.SendAsync(300);

        Assert.Equal(100, answers.GetValueOrDefault("b1"));
        Assert.Equal(100, answers.GetValueOrDefault("b2"));
        Assert.Equal(100, answers.GetValueOrDefault("b3"));
        Assert.All(backends, b => Assert.Equal(100, b.Hits));
    }

    [Fact]
    public async Task Concurrent_requests_still_split_exactly()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2", "b3");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));

        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) =>
            (await harness.Client.GetAsync("/", ct)).EnsureSuccessStatusCode());

        Assert.All(backends, b => Assert.Equal(100, b.Hits));
    }

    [Fact]
    public async Task Weights_5_3_2_split_1000_requests_within_one_percent()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2", "b3");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends, weights: [5, 3, 2]));

        var answers = await harness.SendAsync(1000);

        // Smooth weighted round robin is exact per cycle of 10; 1% of 1000 is the tolerance the issue asks for.
        Assert.InRange(answers.GetValueOrDefault("b1"), 490, 510);
        Assert.InRange(answers.GetValueOrDefault("b2"), 290, 310);
        Assert.InRange(answers.GetValueOrDefault("b3"), 190, 210);
        Assert.Equal(1000, answers.Values.Sum());
    }

    [Fact]
    public async Task Services_match_on_host_and_path_prefix()
    {
        var backends = await NodeHarness.StartBackendsAsync("api", "web");
        await using var harness = await NodeHarness.StartAsync(output, backends,
            new Balancing.Settings.ServiceSettings("api", new Balancing.Settings.ServiceMatch(["api.test"], "/v1"), [NodeHarness.Pool("api-pool", 0, [backends[0]])]),
            new Balancing.Settings.ServiceSettings("web", Balancing.Settings.ServiceMatch.Any, [NodeHarness.Pool("web-pool", 0, [backends[1]])]));

        async Task<string> Get(string host, string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = host;
            return await (await harness.Client.SendAsync(request)).Content.ReadAsStringAsync();
        }

        Assert.Equal("api", await Get("api.test", "/v1/users"));
        Assert.Equal("api", await Get("API.test:8080", "/v1"));
        Assert.Equal("web", await Get("api.test", "/v2"));
        Assert.Equal("web", await Get("api.test", "/v1x"));
        Assert.Equal("web", await Get("other.test", "/v1/users"));
    }
}
