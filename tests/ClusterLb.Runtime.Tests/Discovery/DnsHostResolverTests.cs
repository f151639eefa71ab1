using System.Collections.Immutable;
using ClusterLb.Balancing.Discovery;
using ClusterLb.Runtime.Discovery;
using ClusterLb.Tests.Shared;

namespace ClusterLb.Runtime.Tests.Discovery;

/// <summary>DnsHostResolver against a real DNS responder on a loopback UDP port.</summary>
public sealed class DnsHostResolverTests : IAsyncLifetime
{
    private readonly TestDnsServer _dns = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _dns.DisposeAsync();

    private DnsHostResolver Resolver(string name, DnsRecordKind record = DnsRecordKind.Auto, int port = 8080) =>
        new(new DnsDiscoverySettings(name, record, port, "http", [_dns.EndPoint], TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30)));

    private static string[] Hosts(DnsResolution r) => r.Hosts.Select(h => $"{h.Address} {h.Weight}").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task A_and_aaaa_answers_become_hosts_at_the_configured_port_with_the_shortest_ttl()
    {
        _dns.SetAddresses("api.test", TimeSpan.FromSeconds(7), "10.0.0.1", "10.0.0.2", "fd00::5");

        var both = await Resolver("api.test").ResolveAsync(CancellationToken.None);
        var v4 = await Resolver("api.test", DnsRecordKind.A).ResolveAsync(CancellationToken.None);

        Assert.Equal(DnsOutcome.Answered, both.Outcome);
        Assert.Equal(["http://10.0.0.1:8080/ 1", "http://10.0.0.2:8080/ 1", "http://[fd00::5]:8080/ 1"], Hosts(both));
        Assert.Equal(TimeSpan.FromSeconds(7), both.Ttl);
        Assert.Equal(["http://10.0.0.1:8080/ 1", "http://10.0.0.2:8080/ 1"], Hosts(v4));
        Assert.Equal(["10.0.0.1-8080", "10.0.0.2-8080", "fd00--5-8080"], both.Hosts.Select(h => h.Id).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Srv_answers_use_the_lowest_priority_their_ports_and_weights_and_resolve_their_targets(bool glue)
    {
        _dns.SrvGlue = glue;
        _dns.SetAddresses("a.test", TimeSpan.FromSeconds(60), "10.0.1.1");
        _dns.SetAddresses("b.test", TimeSpan.FromSeconds(4), "10.0.1.2");
        _dns.SetAddresses("backup.test", TimeSpan.FromSeconds(60), "10.0.1.9");
        _dns.SetSrv("_http._tcp.api.test", TimeSpan.FromSeconds(20), (10, 5, 9001, "a.test"), (10, 0, 9002, "b.test"), (20, 5, 9009, "backup.test"));

        var result = await Resolver("_http._tcp.api.test").ResolveAsync(CancellationToken.None);

        Assert.Equal(DnsOutcome.Answered, result.Outcome);
        Assert.Equal(["http://10.0.1.1:9001/ 5", "http://10.0.1.2:9002/ 1"], Hosts(result));
        Assert.Equal(TimeSpan.FromSeconds(4), result.Ttl);
    }

    [Fact]
    public async Task An_unknown_name_is_no_answer_and_a_failing_or_silent_server_is_a_failure()
    {
        var unknown = await Resolver("nope.test").ResolveAsync(CancellationToken.None);
        Assert.Equal(DnsOutcome.NoAnswer, unknown.Outcome);
        Assert.Contains("NXDOMAIN", unknown.Error);

        _dns.SetAddresses("v6only.test", TimeSpan.FromSeconds(5), "fd00::1");
        var noRecords = await Resolver("v6only.test", DnsRecordKind.A).ResolveAsync(CancellationToken.None);
        Assert.Equal(DnsOutcome.NoAnswer, noRecords.Outcome);
        Assert.Contains("no A records", noRecords.Error);

        _dns.SetAddresses("api.test", TimeSpan.FromSeconds(5), "10.0.0.1");
        _dns.Mode = DnsServerMode.ServerFailure;
        var servfail = await Resolver("api.test").ResolveAsync(CancellationToken.None);
        Assert.Equal((DnsOutcome.Failed, ImmutableArray<DiscoveredHost>.Empty.Length), (servfail.Outcome, servfail.Hosts.Length));

        _dns.Mode = DnsServerMode.Silent;
        var silent = await Resolver("api.test").ResolveAsync(CancellationToken.None);
        Assert.Equal(DnsOutcome.Failed, silent.Outcome);
        Assert.NotEmpty(silent.Error);
    }
}
