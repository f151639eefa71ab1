using System.Collections.Immutable;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Tests;

public class SettingsTests
{
    [Theory]
    [InlineData("200-399", 200, true)]
    [InlineData("200-399", 399, true)]
    [InlineData("200-399", 400, false)]
    [InlineData("5xx", 500, true)]
    [InlineData("5xx", 599, true)]
    [InlineData("5xx", 499, false)]
    [InlineData("200, 404", 404, true)]
    [InlineData("200, 404", 201, false)]
    [InlineData("2XX", 204, true)]
    public void Status_sets_parse_operator_notation(string text, int code, bool expected) =>
        Assert.Equal(expected, StatusCodeSet.Parse(text).Contains(code));

    [Theory]
    [InlineData("abc")]
    [InlineData("600")]
    [InlineData("399-200")]
    [InlineData("6xx")]
    [InlineData("20")]
    public void Bad_status_items_are_rejected_with_the_item(string text)
    {
        var ex = Assert.Throws<FormatException>(() => StatusCodeSet.Parse(text));
        Assert.Contains(text, ex.Message);
    }

    [Fact]
    public void Out_of_range_codes_are_never_contained()
    {
        var set = StatusCodeSet.Parse("1xx,5xx");
        Assert.False(set.Contains(0));
        Assert.False(set.Contains(99));
        Assert.False(set.Contains(600));
        Assert.False(set.Contains(-1));
        Assert.True(StatusCodeSet.None.IsEmpty);
    }

    [Theory]
    [InlineData("round-robin", BalancingMethod.RoundRobin)]
    [InlineData("Random", BalancingMethod.Random)]
    public void Methods_parse(string name, BalancingMethod expected) => Assert.Equal(expected, BalancingMethodNames.Parse(name));

    [Fact]
    public void Unknown_method_names_the_choices()
    {
        var ex = Assert.Throws<FormatException>(() => BalancingMethodNames.Parse("fastest"));
        Assert.Contains("round-robin", ex.Message);
    }

    [Fact]
    public void Validation_reports_every_problem_with_its_path()
    {
        var badPool = new PoolSettings("p", BalancingMethod.RoundRobin, 0,
            [new HostSettings("a", new Uri("ftp://x"), 0), new HostSettings("a", new Uri("http://127.0.0.1:1"), 1)],
            HealthCheckSettings.Default with { Rise = 0, Path = "health" },
            PassiveHealthSettings.Default);
        var settings = new BalancingSettings([
            new ServiceSettings("web", new ServiceMatch([], "api"), [badPool]),
            new ServiceSettings("web", ServiceMatch.Any, []),
            new ServiceSettings("ported", new ServiceMatch(["example.com:8080", "a*b.com"], "/"), [badPool with { Hosts = [new HostSettings("x", new Uri("http://127.0.0.1:1"))], HealthCheck = HealthCheckSettings.Default }]),
        ]);

        var ex = Assert.Throws<SettingsException>(() => settings.Validate());
        Assert.Contains(ex.Errors, e => e.StartsWith("clusterlb.services.web.match.path-prefix"));
        Assert.Contains(ex.Errors, e => e.StartsWith("clusterlb.services.web.pools[0].hosts[0].address"));
        Assert.Contains(ex.Errors, e => e.StartsWith("clusterlb.services.web.pools[0].hosts[0].weight"));
        Assert.Contains(ex.Errors, e => e.Contains("duplicate host id 'a'"));
        Assert.Contains(ex.Errors, e => e.StartsWith("clusterlb.services.web.pools[0].health-check.rise"));
        Assert.Contains(ex.Errors, e => e.StartsWith("clusterlb.services.web.pools[0].health-check.path"));
        Assert.Contains(ex.Errors, e => e.Contains("duplicate service name 'web'"));
        Assert.Contains(ex.Errors, e => e.Contains("at least one pool"));
        Assert.Contains(ex.Errors, e => e.StartsWith("clusterlb.services.ported.match.hosts") && e.Contains("has a port"));
        Assert.Contains(ex.Errors, e => e.StartsWith("clusterlb.services.ported.match.hosts") && e.Contains("a*b.com"));
    }

    [Fact]
    public void Valid_settings_pass()
    {
        var pool = new PoolSettings("p", BalancingMethod.RoundRobin, 0,
            ImmutableArray.Create(new HostSettings("a", new Uri("http://127.0.0.1:1"), 5)),
            HealthCheckSettings.Default, PassiveHealthSettings.Default);
        var settings = new BalancingSettings([new ServiceSettings("web", ServiceMatch.Any, [pool])]);
        Assert.Same(settings, settings.Validate());
    }
}
