using System.Net;
using ClusterLb.Balancing.Discovery;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Tests;

/// <summary>A pool's discovery block as HOCON, discovered hosts in the registry's codec, and the sync plan.</summary>
public class DiscoveryTests
{
    private static PoolSettings Pool(string body) =>
        BalancingConfigReader.Read(ConfigFactory.ParseString($"clusterlb.services.web.pools = [{{ id = main\n{body}\n}}]", "pools.conf").Resolve())
            .Services.Single().Pools.Single();

    private static string Refusal(string body) =>
        Assert.Single(Assert.Throws<SettingsException>(() => Pool(body)).Errors);

    [Fact]
    public void A_dns_block_reads_with_its_defaults_and_needs_no_static_hosts()
    {
        var dns = Assert.IsType<DnsDiscoverySettings>(Pool("""discovery { type = dns, name = "api.internal" }""").Discovery);

        Assert.Equal(("api.internal", DnsRecordKind.AOrAaaa, 80, "http"), (dns.Name, dns.Effective, dns.Port, dns.Scheme));
        Assert.Empty(dns.Resolvers);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30)), (dns.Interval, dns.MinInterval, dns.Timeout, dns.Hold));
        Assert.Equal((1, TimeSpan.FromSeconds(1), "dns"), (dns.Weight, dns.WriteInterval, dns.Type));
    }

    [Fact]
    public void Every_dns_key_reads_as_written_and_an_underscore_name_is_an_srv_query()
    {
        var dns = Assert.IsType<DnsDiscoverySettings>(Pool("""
            hosts = ["http://10.9.9.9:80"]
            discovery {
              type = dns, name = "_https._tcp.api.internal.", scheme = https, resolvers = ["127.0.0.1:5353", "10.0.0.2", "[::1]:53"]
              interval = 10s, min-interval = 2s, timeout = 500ms, hold = 0s, weight = 7, write-interval = 3s
            }
            """).Discovery);

        Assert.Equal(("_https._tcp.api.internal", DnsRecordKind.Srv, 443, "https"), (dns.Name, dns.Effective, dns.Port, dns.Scheme));
        Assert.Equal([IPEndPoint.Parse("127.0.0.1:5353"), IPEndPoint.Parse("10.0.0.2:53"), IPEndPoint.Parse("[::1]:53")], dns.Resolvers.ToArray());
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), TimeSpan.Zero), (dns.Interval, dns.MinInterval, dns.Timeout, dns.Hold));
        Assert.Equal((7, TimeSpan.FromSeconds(3)), (dns.Weight, dns.WriteInterval));
        Assert.Equal(DnsRecordKind.Aaaa, ((DnsDiscoverySettings)Pool("""discovery { type = dns, name = "api", record = aaaa }""").Discovery!).Effective);
    }

    [Theory]
    [InlineData("discovery { name = \"api\" }", "pools.conf:2:", "discovery.type is required")]
    [InlineData("discovery { type = consul, name = \"api\" }", "pools.conf:2:", "discovery.type 'consul' is unknown")]
    [InlineData("discovery { type = dns }", "pools.conf:2:", "discovery.name is required")]
    [InlineData("discovery { type = dns, name = \"bad name!\" }", "pools.conf:2:", "is not a DNS name")]
    [InlineData("discovery { type = dns, name = api, record = mx }", "pools.conf:2:", "discovery.record 'mx'")]
    [InlineData("discovery { type = dns, name = api, port = 70000 }", "pools.conf:2:", "discovery.port 70000")]
    [InlineData("discovery { type = dns, name = api, scheme = ftp }", "pools.conf:2:", "discovery.scheme 'ftp'")]
    [InlineData("discovery { type = dns, name = api, resolvers = [\"dns.google\"] }", "pools.conf:2:", "'dns.google' is not an IP address")]
    [InlineData("discovery { type = dns, name = api, interval = 1s, min-interval = 5s }", "pools.conf:2:", "must not exceed discovery.interval")]
    [InlineData("discovery { type = dns, name = api, timeout = 0s }", "pools.conf:2:", "discovery.timeout must be positive")]
    [InlineData("discovery { type = dns, name = api, weight = 0 }", "pools.conf:2:", "discovery.weight 0")]
    [InlineData("discovery { type = dns, name = api, intervall = 5s }", "pools.conf:2:", "discovery.intervall is not a key")]
    public void A_bad_discovery_block_is_refused_with_its_file_line_and_column(string body, string at, string reason)
    {
        var error = Refusal(body);

        Assert.StartsWith(at, error);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void An_akka_cluster_block_reads_its_role_and_grace()
    {
        var members = Assert.IsType<AkkaClusterDiscoverySettings>(Pool("""discovery { type = akka-cluster, role = "backend:api" }""").Discovery);
        Assert.Equal(("backend:api", TimeSpan.FromSeconds(10), 1, "akka-cluster"), (members.Role, members.UnreachableGrace, members.Weight, members.Type));

        var tuned = Assert.IsType<AkkaClusterDiscoverySettings>(Pool("""discovery { type = akka-cluster, role = "backend:api", unreachable-grace = 0s, weight = 4, write-interval = 2s }""").Discovery);
        Assert.Equal((TimeSpan.Zero, 4, TimeSpan.FromSeconds(2)), (tuned.UnreachableGrace, tuned.Weight, tuned.WriteInterval));
    }

    [Theory]
    [InlineData("discovery { type = akka-cluster }", "discovery.role is required")]
    [InlineData("discovery { type = akka-cluster, role = clusterlb }", "not the load balancers' own role")]
    [InlineData("discovery { type = akka-cluster, role = b, unreachable-grace = -1s }", "must not be negative")]
    [InlineData("discovery { type = akka-cluster, role = b, name = api }", "discovery.name is not a key of a akka-cluster discovery")]
    public void A_bad_akka_cluster_block_is_refused_with_its_location(string body, string reason)
    {
        var error = Refusal(body);
        Assert.StartsWith("pools.conf:2:", error);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void A_pool_with_neither_hosts_nor_discovery_is_still_refused()
    {
        Assert.Contains("a pool needs at least one host, or a discovery block", Refusal("hosts = []"));
    }

    [Fact]
    public void A_discovered_host_keeps_its_source_through_the_codec_and_a_static_one_writes_none()
    {
        var discovered = new HostSpec("10.0.0.1-80", new Uri("http://10.0.0.1/"), 2, HostAdminState.Up) { Source = HostSources.Dns };
        var json = RegistryCodec.EncodeHost(discovered);

        Assert.Contains("\"source\":\"dns\"", json);
        Assert.True(RegistryCodec.TryDecodeHost("10.0.0.1-80", json, out var back));
        Assert.Equal(discovered, back);
        Assert.True(back.IsDiscovered);
        Assert.DoesNotContain("source", RegistryCodec.EncodeHost(discovered with { Source = HostSources.Static }));
        Assert.True(RegistryCodec.TryDecodeHost("a", """{"address":"http://a/","weight":1,"state":"up"}""", out var old));
        Assert.False(old.IsDiscovered);
    }

    [Theory]
    [InlineData("http://10.0.0.5:8080/", "10.0.0.5-8080")]
    [InlineData("http://[fd00::5]:80/", "fd00--5-80")]
    [InlineData("https://Api-1.Internal/", "api-1.internal-443")]
    public void A_discovered_host_id_is_its_host_and_port(string address, string id)
    {
        var host = new DiscoveredHost(new Uri(address), 1);
        Assert.Equal(id, host.Id);
        Assert.True(RegistryValidator.IsValidId(host.Id));
    }

    [Fact]
    public void The_sync_plan_adds_changes_and_drops_its_own_hosts_only()
    {
        var entries = new Dictionary<string, string>
        {
            [RegistryCodec.PoolEntry] = RegistryCodec.EncodePool("web", BalancingMethod.RoundRobin, 0, BalancingOptions.Default),
            ["static"] = RegistryCodec.EncodeHost(new HostSpec("static", new Uri("http://static/"), 1, HostAdminState.Up)),
            ["10.0.0.1-80"] = RegistryCodec.EncodeHost(new HostSpec("10.0.0.1-80", new Uri("http://10.0.0.1/"), 1, HostAdminState.Up) { Source = HostSources.Dns }),
            ["10.0.0.2-80"] = RegistryCodec.EncodeHost(new HostSpec("10.0.0.2-80", new Uri("http://10.0.0.2/"), 1, HostAdminState.Up) { Source = HostSources.Dns }),
            ["10.0.0.3-80"] = RegistryCodec.EncodeHost(new HostSpec("10.0.0.3-80", new Uri("http://10.0.0.3/"), 1, HostAdminState.Up) { Source = "kubernetes" }),
            ["gone"] = RegistryCodec.Removed,
        };

        var plan = DiscoveredHostSync.Plan(entries, HostSources.Dns, [
            new DiscoveredHost(new Uri("http://10.0.0.1/"), 1),
            new DiscoveredHost(new Uri("http://10.0.0.2/"), 5),
            new DiscoveredHost(new Uri("http://10.0.0.4/"), 1),
        ]);

        Assert.Equal(["10.0.0.2-80", "10.0.0.4-80"], plan.Writes.Where(w => !RegistryCodec.IsRemoved(w.Value)).Select(w => w.Key));
        Assert.Empty(plan.Writes.Where(w => RegistryCodec.IsRemoved(w.Value)));
        Assert.Empty(plan.Clashes);

        // A host another source (or an operator) holds under the same id is left out, and named.
        var dropped = DiscoveredHostSync.Plan(entries, HostSources.Dns, [new DiscoveredHost(new Uri("http://10.0.0.3/"), 1)]);
        Assert.Equal(["10.0.0.1-80", "10.0.0.2-80"], dropped.Writes.Where(w => RegistryCodec.IsRemoved(w.Value)).Select(w => w.Key));
        Assert.Empty(dropped.Writes.Where(w => !RegistryCodec.IsRemoved(w.Value)));
        Assert.Equal(["10.0.0.3-80"], dropped.Clashes.ToArray());
    }

    [Fact]
    public void A_draining_discovered_host_is_written_with_state_drain_and_back_up_when_it_stays()
    {
        var entries = new Dictionary<string, string>
        {
            ["10.0.0.1-80"] = RegistryCodec.EncodeHost(new HostSpec("10.0.0.1-80", new Uri("http://10.0.0.1/"), 1, HostAdminState.Up) { Source = HostSources.Dns }),
        };
        var drain = DiscoveredHostSync.Plan(entries, HostSources.Dns, [new DiscoveredHost(new Uri("http://10.0.0.1/"), 1) { Draining = true }]);

        var written = Assert.Single(drain.Writes);
        Assert.True(RegistryCodec.TryDecodeHost(written.Key, written.Value, out var host));
        Assert.Equal(HostAdminState.Drain, host.State);

        entries[written.Key] = written.Value;
        var back = Assert.Single(DiscoveredHostSync.Plan(entries, HostSources.Dns, [new DiscoveredHost(new Uri("http://10.0.0.1/"), 1)]).Writes);
        Assert.True(RegistryCodec.TryDecodeHost(back.Key, back.Value, out var up));
        Assert.Equal(HostAdminState.Up, up.State);
    }
}
