using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Tests;

public class ConfigReaderTests
{
    private static Config WithReference(Config config) =>
        config.WithFallback(ConfigFactory.ParseFile(Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf"))).Resolve();

    private static BalancingSettings ReadString(string text) =>
        BalancingConfigReader.Read(WithReference(ConfigFactory.ParseString(text, "test.conf")));

    [Fact]
    public void Single_node_example_reads_as_documented()
    {
        var config = WithReference(ConfigFactory.ParseFile(Path.Combine(AppContext.BaseDirectory, "hocon", "single-node.conf")));
        var settings = BalancingConfigReader.Read(config);

        Assert.Equal(["api", "web"], settings.Services.Select(s => s.Name));
        var api = settings.Services[0];
        Assert.Equal(["api.example.com", "*.api.example.com"], api.Match.Hosts.ToArray());
        Assert.Equal("/v1", api.Match.PathPrefix);
        Assert.Equal(["primary", "standby"], api.Pools.Select(p => p.Id));
        Assert.Equal([5, 3, 2], api.Pools[0].Hosts.Select(h => h.Weight));
        Assert.True(api.Pools[0].HasUnequalWeights);
        Assert.Equal(TimeSpan.FromSeconds(2), api.Pools[0].HealthCheck.Interval);
        Assert.Equal(TimeSpan.FromSeconds(5), api.Pools[1].HealthCheck.Interval);
        Assert.Equal("/healthz", api.Pools[1].HealthCheck.Path);
        Assert.Equal(3, api.Pools[1].Passive.Fall);
        Assert.True(api.Pools[0].Passive.UnhealthyStatuses.Contains(503));
        Assert.False(api.Pools[0].Passive.UnhealthyStatuses.Contains(500));

        var web = settings.Services[1];
        Assert.Equal(["host-1", "host-2"], web.Pools[0].Hosts.Select(h => h.Id));
        Assert.Equal("/", web.Pools[0].HealthCheck.Path);
        Assert.Equal(1, web.Pools[0].Passive.Fall);
        Assert.True(web.Pools[0].HealthCheck.HealthyStatuses.Contains(302));
    }

    [Fact]
    public void Reference_defaults_alone_give_no_services() =>
        Assert.Empty(ReadString("").Services);

    [Fact]
    public void Pools_are_ordered_by_priority_and_defaults_fill_ids()
    {
        var settings = ReadString("""
            clusterlb.services.s.pools = [
              { priority = 5, hosts = ["http://127.0.0.1:1"] }
              { id = first, priority = 1, hosts = [{ address = "http://127.0.0.1:2", weight = 2 }] }
            ]
            """);
        var pools = settings.Services[0].Pools;
        Assert.Equal(["first", "s"], pools.Select(p => p.Id));
        Assert.Equal("host-1", pools[0].Hosts[0].Id);
    }

    [Fact]
    public void Services_without_pool_ids_get_ids_unique_across_services()
    {
        var settings = ReadString("""
            clusterlb.services.api.pools = [{ hosts = ["http://127.0.0.1:1"] }, { hosts = ["http://127.0.0.1:2"] }]
            clusterlb.services.web.pools = [{ hosts = ["http://127.0.0.1:3"] }]
            """);
        Assert.Equal(["api", "api-2", "web"], settings.Services.SelectMany(s => s.Pools).Select(p => p.Id).Order());
    }

    [Fact]
    public void Validation_errors_name_file_line_and_column()
    {
        var ex = Assert.Throws<SettingsException>(() => ReadString("""
            clusterlb.services.s.pools = [
              { id = p, hosts = [
                  { id = a, address = "http://127.0.0.1:1", weight = 0 }
              ] }
            ]
            """));
        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("test.conf:3:", error);
        Assert.Contains("hosts[0].weight", error);
    }

    [Fact]
    public void Bad_status_items_and_durations_are_reported_with_location()
    {
        var ex = Assert.Throws<SettingsException>(() => ReadString("""
            clusterlb.services {
              s { pools = [{ hosts = ["http://127.0.0.1:1"] }], health-check.healthy-statuses = "7xx" }
              t { pools = [{ hosts = ["http://127.0.0.1:1"] }], health-check.interval = "soon" }
            }
            """));
        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.Contains("7xx") && e.Contains("test.conf:2"));
        Assert.Contains(ex.Errors, e => e.Contains("clusterlb.services.t") && e.Contains("test.conf:3"));
    }

    [Fact]
    public void Unknown_method_is_reported()
    {
        var ex = Assert.Throws<SettingsException>(() => ReadString("""clusterlb.services.s.pools = [{ method = fastest, hosts = ["http://127.0.0.1:1"] }]"""));
        Assert.Contains(ex.Errors, e => e.Contains("fastest") && e.Contains("round-robin"));
    }

    [Fact]
    public void Relative_address_is_reported_with_location()
    {
        var ex = Assert.Throws<SettingsException>(() => ReadString("""clusterlb.services.s.pools = [{ hosts = [{ address = "10.0.0.1:80" }] }]"""));
        Assert.Contains(ex.Errors, e => e.Contains("test.conf:1") && e.Contains("10.0.0.1:80"));
    }
}
