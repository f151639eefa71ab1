using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Node.Configuration;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Forwarding;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary><c>clusterlb.proxy.limits</c> and the upstream timeout: each abuse gets its status code or a closed connection, over raw sockets.</summary>
public sealed class ProxyLimitsTests(ITestOutputHelper output)
{
    private static readonly ProxyLimits Small = ProxyLimits.Default with
    {
        MaxRequestHeadersSize = 4096,
        MaxRequestBodySize = 1000,
        RequestHeadersTimeout = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task Oversized_headers_get_431_and_a_request_within_the_limit_is_forwarded()
    {
        await using var harness = await StartAsync(Small);
        var big = await SendRawAsync(harness, $"GET / HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 5000)}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 431", big, StringComparison.Ordinal);

        var small = await SendRawAsync(harness, $"GET / HTTP/1.1\r\nHost: x\r\nX-Small: {new string('a', 1000)}\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", small, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_and_is_not_forwarded()
    {
        await using var harness = await StartAsync(Small);
        var hits = harness.Backends[0].Hits;
        var answer = await SendRawAsync(harness, $"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\nConnection: close\r\n\r\n{new string('b', 2000)}");
        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Equal(hits, harness.Backends[0].Hits);

        var fits = await SendRawAsync(harness, $"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\nConnection: close\r\n\r\n{new string('b', 500)}");
        Assert.StartsWith("HTTP/1.1 200", fits, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_never_finishes_its_headers_is_disconnected_after_the_headers_timeout()
    {
        await using var harness = await StartAsync(Small);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, harness.Node.ProxyUrl.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "));
        var started = Stopwatch.GetTimestamp();

        // Kestrel answers 408 (or just closes) once the timeout passes; either way the connection ends.
        var answer = await RawTcp.ReadToEndAsync(stream, TimeSpan.FromSeconds(15), started);
        var elapsed = answer.Elapsed;
        output.WriteLine($"closed after {elapsed.TotalMilliseconds:0} ms: {answer.StatusLine}");
        Assert.True(answer.Ended, answer.ToString());
        var rest = answer.Text;
        Assert.True(rest.Length == 0 || rest.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), rest);
        Assert.True(elapsed >= TimeSpan.FromSeconds(0.9), $"closed after {elapsed}, before the 1 s timeout");
    }

    [Fact]
    public async Task A_backend_silent_past_the_upstream_activity_timeout_gets_504()
    {
        var backends = await NodeHarness.StartBackendsAsync("stuck");
        var proxy = ProxySettings.Loopback with { Upstream = UpstreamSettings.Default with { ActivityTimeout = TimeSpan.FromMilliseconds(500) } };
        await using var harness = await NodeHarness.StartAsync(output, backends, proxy, new ServiceSettings("web", ServiceMatch.Any, [NodeHarness.Pool("main", 0, backends)]));
        using var response = await harness.Client.GetAsync("/slow");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        backends[0].ReleaseSlow();
    }

    [Fact]
    public async Task A_client_over_its_rate_gets_429_once_its_burst_is_spent()
    {
        await using var harness = await StartAsync(ProxyLimits.Default with { RateLimit = new ClientRateLimit(true, 1, 3) });
        var codes = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await harness.Client.GetAsync("/");
            codes.Add((int)response.StatusCode);
        }
        output.WriteLine(string.Join(" ", codes));
        Assert.Equal([200, 200, 200], codes[..3]);
        Assert.Contains(429, codes);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_client_it_names_has_its_own_rate_limit_bucket()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1");
        var proxy = ProxySettings.Loopback with
        {
            Limits = ProxyLimits.Default with { RateLimit = new ClientRateLimit(true, 1, 3) },
            ClientAddress = new ClientAddressSettings([IPNetwork.Parse("127.0.0.1/32")], "X-Forwarded-For"),
        };
        await using var harness = await NodeHarness.StartAsync(output, backends, proxy, new ServiceSettings("web", ServiceMatch.Any, [NodeHarness.Pool("main", 0, backends)]));

        async Task<int> SendAsync(string client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await harness.Client.SendAsync(request);
            return (int)response.StatusCode;
        }

        var first = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            first.Add(await SendAsync("203.0.113.1"));
        }
        output.WriteLine(string.Join(" ", first));
        Assert.Equal([200, 200, 200], first[..3]);
        Assert.Contains(429, first);
        // The first client's bucket is spent; another client behind the same proxy (the same peer address) is not.
        Assert.Equal(200, await SendAsync("203.0.113.2"));
    }

    [Fact]
    public async Task Without_the_rate_limit_the_same_burst_is_all_forwarded()
    {
        await using var harness = await StartAsync(ProxyLimits.Default);
        for (var i = 0; i < 6; i++)
        {
            using var response = await harness.Client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("rate-limit.requests-per-second = 0", "clusterlb.proxy.limits.rate-limit.requests-per-second")]
    [InlineData("rate-limit.burst = 0", "clusterlb.proxy.limits.rate-limit.burst")]
    [InlineData("max-request-headers-size = 10", "clusterlb.proxy.limits.max-request-headers-size")]
    [InlineData("max-request-body-size = -1", "clusterlb.proxy.limits.max-request-body-size")]
    [InlineData("request-headers-timeout = 0s", "clusterlb.proxy.limits.request-headers-timeout")]
    [InlineData("min-request-body-rate-grace = 100ms", "clusterlb.proxy.limits.min-request-body-rate-grace")]
    [InlineData("keep-alive-timeout = 0s", "clusterlb.proxy.limits.keep-alive-timeout")]
    [InlineData("max-concurrent-connections = -5", "clusterlb.proxy.limits.max-concurrent-connections")]
    [InlineData("max-request-body-size = lots", "max-request-body-size")]
    public void A_bad_limit_is_reported_with_its_key_and_location(string setting, string key)
    {
        var config = ConfigFactory.ParseString($"clusterlb.proxy.limits {{\n  {setting}\n}}", "bad.conf")
            .WithFallback(ConfigFactory.ParseFile(Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf")))
            .Resolve();
        var ex = Assert.Throws<SettingsException>(() => NodeConfigReader.Read(config));
        output.WriteLine(string.Join(Environment.NewLine, ex.Errors));
        Assert.Contains(ex.Errors, e => e.Contains(key, StringComparison.Ordinal) && e.Contains("bad.conf:2", StringComparison.Ordinal));
    }

    [Fact]
    public void The_limits_are_read_from_hocon()
    {
        var config = ConfigFactory.ParseString("clusterlb.proxy.limits { max-request-headers-size = 8k, max-request-body-size = 0, request-headers-timeout = 3s, min-request-body-rate = 0, keep-alive-timeout = 20s, max-concurrent-connections = 500 }")
            .WithFallback(ConfigFactory.ParseFile(Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf")))
            .Resolve();
        var limits = NodeConfigReader.Read(config).Proxy.Limits;
        Assert.Equal(ProxyLimits.Default with
        {
            MaxRequestHeadersSize = 8192,
            MaxRequestBodySize = 0,
            RequestHeadersTimeout = TimeSpan.FromSeconds(3),
            MinRequestBodyRate = 0,
            KeepAliveTimeout = TimeSpan.FromSeconds(20),
            MaxConcurrentConnections = 500,
        }, limits);
        var defaults = NodeConfigReader.Read(ConfigFactory.ParseFile(Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf")).Resolve()).Proxy.Limits;
        Assert.Equal(ProxyLimits.Default, defaults);
    }

    private async Task<NodeHarness> StartAsync(ProxyLimits limits)
    {
        var backends = await NodeHarness.StartBackendsAsync("b1");
        return await NodeHarness.StartAsync(output, backends, ProxySettings.Loopback with { Limits = limits },
            new ServiceSettings("web", ServiceMatch.Any, [NodeHarness.Pool("main", 0, backends)]));
    }

    /// <summary>The whole answer to <paramref name="request"/>; fails when the proxy keeps the connection open past the deadline.</summary>
    private static async Task<string> SendRawAsync(NodeHarness harness, string request)
    {
        var answer = await RawTcp.SendAsync(harness.Node.ProxyUrl.Port, request);
        Assert.True(answer.Ended, $"the proxy did not end the connection: {answer}");
        return answer.Text;
    }
}
