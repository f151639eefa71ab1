using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Tests;

/// <summary>A pool's method and its options as an operator writes them in HOCON, and the errors a bad one gets.</summary>
public class PoolOptionsConfigTests
{
    private static BalancingSettings Read(string text) =>
        BalancingConfigReader.Read(ConfigFactory.ParseString(text, "pools.conf").Resolve());

    private static SettingsException Refused(string text) =>
        Assert.Throws<SettingsException>(() => Read(text));

    [Theory]
    [InlineData("round-robin", BalancingMethod.RoundRobin)]
    [InlineData("random", BalancingMethod.Random)]
    [InlineData("least-request", BalancingMethod.LeastRequest)]
    [InlineData("least-conn", BalancingMethod.LeastRequest)]
    [InlineData("p2c", BalancingMethod.PowerOfTwoChoices)]
    [InlineData("peak-ewma", BalancingMethod.PeakEwma)]
    [InlineData("ip-hash", BalancingMethod.IpHash)]
    public void Every_method_name_reads_from_a_pool(string name, BalancingMethod expected)
    {
        var settings = Read($$"""clusterlb.services.web.pools = [{ id = main, method = {{name}}, hosts = ["http://127.0.0.1:1"] }]""");
        Assert.Equal(expected, settings.Services.Single().Pools.Single().Method);
    }

    [Fact]
    public void Hash_options_slow_start_panic_and_a_sticky_cookie_read_as_written()
    {
        var pool = Read("""
            clusterlb.services.web.pools = [{
              id = main, method = hash, hash-key = "header:X-User", hash-balance-factor = 1.25
              slow-start = 30s, panic-threshold = 40
              affinity { type = sticky-cookie, cookie-name = lb, http-only = off, same-site = strict, max-age = 1h, path = "/app" }
              hosts = ["http://127.0.0.1:1"]
            }]
            """).Services.Single().Pools.Single();

        var options = pool.Options;
        Assert.Equal((BalancingMethod.Hash, HashKeySource.Header, "X-User"), (pool.Method, options.HashKey!.Source, options.HashKey.Name));
        Assert.Equal((1.25, TimeSpan.FromSeconds(30), 40), (options.HashBalanceFactor, options.SlowStart, options.PanicThreshold));
        Assert.Equal(AffinityMode.StickyCookie, options.Affinity.Mode);
        Assert.Equal(new StickyCookieSettings("lb", false, CookieSameSite.Strict, TimeSpan.FromHours(1), "/app"), options.Affinity.Cookie);
    }

    [Theory]
    [InlineData("", LoadScope.Node)]
    [InlineData("load-scope = node,", LoadScope.Node)]
    [InlineData("load-scope = cluster,", LoadScope.Cluster)]
    public void Load_scope_reads_node_or_cluster_and_defaults_to_node(string option, LoadScope expected)
    {
        var pool = Read($$"""clusterlb.services.web.pools = [{ id = main, method = least-request, {{option}} hosts = ["http://127.0.0.1:1"] }]""")
            .Services.Single().Pools.Single();
        Assert.Equal(expected, pool.Options.LoadScope);
        var policy = Assert.IsType<Algorithms.LeastRequestPolicy>(Algorithms.BalancingPolicies.For(pool));
        Assert.Equal(expected, policy.Scope);
    }

    [Fact]
    public void A_pool_without_options_takes_the_defaults()
    {
        var pool = Read("""clusterlb.services.web.pools = [{ id = main, hosts = ["http://127.0.0.1:1"] }]""").Services.Single().Pools.Single();
        Assert.Equal(BalancingMethod.RoundRobin, pool.Method);
        Assert.Equal(BalancingOptions.Default, pool.Options);
    }

    [Fact]
    public void Client_ip_affinity_reads_its_timeout()
    {
        var affinity = Read("""
            clusterlb.services.web.pools = [{ id = main, affinity { type = client-ip, timeout = 10m }, hosts = ["http://127.0.0.1:1"] }]
            """).Services.Single().Pools.Single().Options.Affinity;
        Assert.Equal((AffinityMode.ClientIp, TimeSpan.FromMinutes(10)), (affinity.Mode, affinity.ClientIpTimeout));
    }

    [Fact]
    public void Service_retries_fall_back_to_the_global_block()
    {
        var services = Read("""
            clusterlb.retries { attempts = 3, retry-on = "502,503", budget = 10 }
            clusterlb.services {
              web.pools = [{ id = main, hosts = ["http://127.0.0.1:1"] }]
              api { match.path-prefix = "/api", retries.attempts = 1, pools = [{ id = api, hosts = ["http://127.0.0.1:2"] }] }
            }
            """).Services.ToDictionary(s => s.Name);

        var web = services["web"].Retries;
        Assert.Equal((3, 10, RetrySettings.Default.MinPerSecond), (web.Attempts, web.BudgetPercent, web.MinPerSecond));
        Assert.True(web.RetryOn.Contains(502) && web.RetryOn.Contains(503) && !web.RetryOn.Contains(500));
        Assert.Equal((1, 10), (services["api"].Retries.Attempts, services["api"].Retries.BudgetPercent));
    }

    [Fact]
    public void Hash_without_a_key_is_refused_with_the_pool_location()
    {
        var error = Assert.Single(Refused("""
            clusterlb.services.web.pools = [
              { id = main, method = hash, hosts = ["http://127.0.0.1:1"] }
            ]
            """).Errors);
        Assert.StartsWith("pools.conf:2:", error);
        Assert.Contains("clusterlb.services.web.pools[0].hash-key", error);
        Assert.Contains("needs a hash-key", error);
    }

    [Theory]
    [InlineData("method = fastest", "fastest", 2)]
    [InlineData("hash-key = \"body\"", "body", 2)]
    [InlineData("affinity {\n type = sticky\n}", "sticky", 3)]
    [InlineData("affinity.same-site = sometimes, affinity.type = sticky-cookie", "sometimes", 2)]
    [InlineData("method = least-request, load-scope = everywhere", "load-scope", 2)]
    public void A_bad_option_value_is_refused_at_its_line(string option, string named, int line)
    {
        var error = Assert.Single(Refused($$"""
            clusterlb.services.web.pools = [{ id = main, hosts = ["http://127.0.0.1:1"]
              {{option}}
            }]
            """).Errors);
        Assert.StartsWith($"pools.conf:{line}:", error);
        Assert.Contains(named, error);
    }

    [Theory]
    [InlineData("panic-threshold = 150", "panic-threshold")]
    [InlineData("hash-balance-factor = 0.5", "hash-balance-factor")]
    [InlineData("slow-start = 2h", "slow-start")]
    [InlineData("affinity { type = sticky-cookie, cookie-name = \"a b\" }", "affinity.cookie-name")]
    [InlineData("affinity { type = sticky-cookie, path = \"app\" }", "affinity.path")]
    [InlineData("affinity { type = client-ip, timeout = 0s }", "affinity.timeout")]
    public void An_out_of_range_option_is_refused_naming_it(string option, string named)
    {
        var error = Assert.Single(Refused($$"""
            clusterlb.services.web.pools = [{ id = main, hosts = ["http://127.0.0.1:1"], {{option}} }]
            """).Errors);
        Assert.Contains($"clusterlb.services.web.pools[0].{named}", error);
        Assert.StartsWith("pools.conf:1:", error);
    }

    [Theory]
    [InlineData("attempts = 9", "retries.attempts")]
    [InlineData("budget = 101", "retries.budget")]
    [InlineData("retry-on = \"7xx\"", "7xx")]
    public void Bad_retry_settings_are_refused_naming_the_key(string setting, string named)
    {
        var error = Assert.Single(Refused($$"""
            clusterlb.services.web { retries { {{setting}} }, pools = [{ id = main, hosts = ["http://127.0.0.1:1"] }] }
            """).Errors);
        Assert.Contains(named, error);
    }
}
