using System.Collections.Immutable;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Tests;

/// <summary>The registry's value format, validation, settings and change descriptions, without actors.</summary>
public sealed class RegistryModelTests
{
    private static readonly IReadOnlySet<string> Services = new HashSet<string> { "web", "api" };

    [Fact]
    public void A_pool_key_round_trips_through_the_json_entries()
    {
        var map = new Dictionary<string, string>
        {
            [RegistryCodec.PoolEntry] = RegistryCodec.EncodePool("web", BalancingMethod.Random, 3, BalancingOptions.Default),
            ["z"] = RegistryCodec.EncodeHost(new HostSpec("z", new Uri("https://10.0.0.9:8443/base"), 7, HostAdminState.Drain)),
            ["a"] = RegistryCodec.EncodeHost(new HostSpec("a", new Uri("http://10.0.0.1:80"), 1, HostAdminState.Down)),
        };

        var pool = RegistryCodec.DecodePool("p", map)!;

        Assert.Equal(("p", "web", BalancingMethod.Random, 3), (pool.Id, pool.Service, pool.Method, pool.Priority));
        Assert.Equal(
            [new HostSpec("a", new Uri("http://10.0.0.1:80"), 1, HostAdminState.Down), new HostSpec("z", new Uri("https://10.0.0.9:8443/base"), 7, HostAdminState.Drain)],
            pool.Hosts.ToArray());
        Assert.Equal("""{"address":"http://10.0.0.1/","weight":1,"state":"down"}""", map["a"]);
    }

    [Fact]
    public void A_removed_host_is_a_tombstone_entry_that_decoding_skips_without_a_problem()
    {
        var map = new Dictionary<string, string>
        {
            [RegistryCodec.PoolEntry] = RegistryCodec.EncodePool("web", BalancingMethod.RoundRobin, 0, BalancingOptions.Default),
            ["kept"] = RegistryCodec.EncodeHost(new HostSpec("kept", new Uri("http://10.0.0.1"), 1, HostAdminState.Up)),
            ["gone"] = RegistryCodec.Removed,
        };
        var problems = new List<string>();

        var pool = RegistryCodec.DecodePool("p", map, problems)!;

        Assert.Equal(["kept"], pool.Hosts.Select(h => h.Id));
        Assert.Empty(problems);
        Assert.True(RegistryCodec.IsRemoved(map["gone"]));
        Assert.False(RegistryCodec.IsRemoved(map["kept"]));
    }

    [Fact]
    public void Unreadable_host_entries_are_skipped_and_named_and_a_map_without_pool_entry_is_no_pool()
    {
        var map = new Dictionary<string, string>
        {
            [RegistryCodec.PoolEntry] = RegistryCodec.EncodePool("web", BalancingMethod.RoundRobin, 0, BalancingOptions.Default),
            ["good"] = RegistryCodec.EncodeHost(new HostSpec("good", new Uri("http://10.0.0.1"), 2, HostAdminState.Up)),
            ["notjson"] = "{",
            ["heavy"] = """{"address":"http://10.0.0.2","weight":100000,"state":"up"}""",
            ["odd"] = """{"address":"http://10.0.0.3","weight":1,"state":"sideways"}""",
        };
        var problems = new List<string>();

        var pool = RegistryCodec.DecodePool("p", map, problems)!;

        Assert.Equal(["good"], pool.Hosts.Select(h => h.Id));
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("'notjson'"));
        Assert.Null(RegistryCodec.DecodePool("p", map.Where(e => e.Key != RegistryCodec.PoolEntry).ToDictionary()));
        Assert.Null(RegistryCodec.DecodePool("p", new Dictionary<string, string> { [RegistryCodec.PoolEntry] = "[]" }, problems));
        Assert.Contains(problems, p => p.Contains("unreadable pool entry"));
    }

    [Theory]
    [InlineData("id", "bad id")]
    [InlineData("id", "")]
    [InlineData("id", "$pool")]
    public void Host_ids_are_checked(string field, string id)
    {
        var result = RegistryValidator.Check(new AddHost("p", id, new Uri("http://10.0.0.1"), 1), Services);
        Assert.Equal((RegistryWriteStatus.Invalid, field), (result!.Status, result.Field));
    }

    [Fact]
    public void Each_refusal_names_its_field()
    {
        var ok = new Uri("http://10.0.0.1");
        Assert.Null(RegistryValidator.Check(new AddHost("p", "h-1_x.y", ok, HostSettings.MaxWeight), Services));
        Assert.Null(RegistryValidator.Check(new CreatePool("p", "api", BalancingMethod.RoundRobin, RegistryValidator.MaxPriority), Services));
        Assert.Null(RegistryValidator.Check(new UpdatePool("p", null, 2), Services));
        Assert.Equal("service", RegistryValidator.Check(new CreatePool("p", "nope", BalancingMethod.RoundRobin, 0), Services)!.Field);
        Assert.Contains("api, web", RegistryValidator.Check(new CreatePool("p", "nope", BalancingMethod.RoundRobin, 0), Services)!.Reason);
        Assert.Equal("priority", RegistryValidator.Check(new CreatePool("p", "web", BalancingMethod.RoundRobin, RegistryValidator.MaxPriority + 1), Services)!.Field);
        Assert.Equal("priority", RegistryValidator.Check(new UpdatePool("p", BalancingMethod.Random, -5), Services)!.Field);
        Assert.Equal("method", RegistryValidator.Check(new UpdatePool("p", (BalancingMethod)7, null), Services)!.Field);
        Assert.Equal("address", RegistryValidator.Check(new AddHost("p", "h", new Uri("file:///etc/passwd"), 1), Services)!.Field);
        Assert.Equal("address", RegistryValidator.Check(new AddHost("p", "h", null!, 1), Services)!.Field);
        Assert.Equal("weight", RegistryValidator.Check(new UpdateHost("p", "h", -1), Services)!.Field);
        Assert.Equal("command", RegistryValidator.Check(null!, Services)!.Field);
    }

    [Fact]
    public void Changes_are_described_per_pool_and_host()
    {
        var host = new HostSpec("h", new Uri("http://10.0.0.1"), 1, HostAdminState.Up);
        var before = new Dictionary<string, PoolSpec>
        {
            ["p"] = new("p", "web", BalancingMethod.RoundRobin, 0, [host, host with { Id = "gone" }]),
            ["old"] = new("old", "web", BalancingMethod.RoundRobin, 1, []),
        };
        var after = new Dictionary<string, PoolSpec>
        {
            ["p"] = new("p", "web", BalancingMethod.Random, 2, [host with { Weight = 4, State = HostAdminState.Drain }, host with { Id = "new" }]),
            ["fresh"] = new("fresh", "web", BalancingMethod.RoundRobin, 3, []),
        };

        var changes = RegistryDiff.Changes(before, after).Select(c => $"{c.Pool.Id}/{c.Host ?? "-"}: {c.Detail}").ToList();

        Assert.Equal(
        [
            "old/-: pool deleted",
            "fresh/-: pool created (round-robin, priority 3, 0 hosts)",
            "p/-: method round-robin -> random",
            "p/-: priority 0 -> 2",
            "p/gone: host removed",
            "p/h: weight 1 -> 4",
            "p/h: state up -> drain",
            "p/new: host added (http://10.0.0.1/, weight 1, up)",
        ], changes);
        Assert.True(RegistryDiff.Same(after["p"], after["p"] with { Hosts = [.. after["p"].Hosts] }));
        Assert.False(RegistryDiff.Same(before["p"], after["p"]));

        // An option alone is a change too: the routers must follow a PUT of only load-scope or panic-threshold.
        var scoped = after["p"] with { Options = BalancingOptions.Default with { LoadScope = LoadScope.Cluster } };
        Assert.False(RegistryDiff.Same(after["p"], scoped));
        Assert.Equal(["p/-: options changed"], RegistryDiff.Changes(after, new Dictionary<string, PoolSpec>(after) { ["p"] = scoped })
            .Select(c => $"{c.Pool.Id}/{c.Host ?? "-"}: {c.Detail}"));
    }

    [Fact]
    public void Registry_settings_read_their_block_and_refuse_a_non_positive_timeout_naming_the_key()
    {
        var settings = RegistrySettings.FromConfig(ConfigFactory.ParseString("clusterlb.registry { write-timeout = 250ms }"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.WriteTimeout);
        Assert.Equal(new RegistrySettings().SeedReadTimeout, settings.SeedReadTimeout);
        Assert.Equal(new RegistrySettings(), RegistrySettings.FromConfig(null));

        var ex = Assert.Throws<ArgumentException>(() => RegistrySettings.FromConfig(ConfigFactory.ParseString("clusterlb.registry.seed-read-timeout = 0s")));
        Assert.Contains("clusterlb.registry.seed-read-timeout", ex.Message);
    }

    [Fact]
    public void The_shipped_reference_conf_holds_the_registry_defaults()
    {
        var reference = ConfigFactory.ParseFile(Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf")).Resolve();
        Assert.True(reference.HasPath(RegistrySettings.ConfigPath));
        Assert.Equal(new RegistrySettings(), RegistrySettings.FromConfig(reference));
    }

    [Fact]
    public void Pool_ids_must_be_unique_across_services_and_the_error_names_both_places()
    {
        var ex = Assert.Throws<SettingsException>(() => BalancingConfigReader.Read(ConfigFactory.ParseString("""
            clusterlb.services {
              api { match.path-prefix = "/api", pools = [{ id = main, hosts = ["http://127.0.0.1:1"] }] }
              web { pools = [{ id = main, hosts = ["http://127.0.0.1:2"] }] }
            }
            """, "test.conf").Resolve()));

        var error = Assert.Single(ex.Errors);
        Assert.Contains("clusterlb.services.web.pools[0].id", error);
        Assert.Contains("duplicate pool id 'main'", error);
        Assert.Contains("clusterlb.services.api.pools[0]", error);
        Assert.StartsWith("test.conf:3:", error);
    }

    [Fact]
    public void Runtime_pools_take_the_services_checks_over_the_global_ones()
    {
        var settings = BalancingConfigReader.Read(ConfigFactory.ParseString("""
            clusterlb.health-check { path = "/global", rise = 4 }
            clusterlb.services.web {
              health-check { path = "/svc", passive.fall = 9 }
              pools = [{ id = main, health-check.path = "/pool", hosts = ["http://127.0.0.1:1"] }]
            }
            """).Resolve());

        var web = settings.Services.Single();
        Assert.Equal(("/svc", 4, 9), (web.RuntimeHealthCheck.Path, web.RuntimeHealthCheck.Rise, web.RuntimePassive.Fall));
        Assert.Equal("/pool", web.Pools.Single().HealthCheck.Path);
    }

    [Fact]
    public void Bad_checks_for_runtime_pools_are_refused_once_even_when_every_configured_pool_overrides_them()
    {
        var ex = Assert.Throws<SettingsException>(() => BalancingConfigReader.Read(ConfigFactory.ParseString("""
            clusterlb.services.web {
              health-check.rise = 0
              pools = [{ id = main, health-check.rise = 2, hosts = ["http://127.0.0.1:1"] }]
            }
            """).Resolve()));
        Assert.Equal(["clusterlb.services.web.health-check.rise: must be at least 1 (was 0)."], ex.Errors.Select(e => e[e.IndexOf("clusterlb.", StringComparison.Ordinal)..]));

        var inherited = Assert.Throws<SettingsException>(() => BalancingConfigReader.Read(ConfigFactory.ParseString("""
            clusterlb.services.web {
              health-check.rise = 0
              pools = [{ id = main, hosts = ["http://127.0.0.1:1"] }]
            }
            """).Resolve()));
        Assert.Contains("clusterlb.services.web.pools[0].health-check.rise", Assert.Single(inherited.Errors));
    }
}
