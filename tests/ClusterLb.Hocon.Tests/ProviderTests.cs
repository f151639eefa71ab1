using Microsoft.Extensions.Configuration;

namespace ClusterLb.Hocon.Tests;

/// <summary>
/// The provider must give the options binder the same key shape JSON gives it: sections joined by ':', arrays as
/// indexes. (The binder package is not among the allowed dependencies, so these tests check the shape it reads.)
/// </summary>
public sealed class ProviderTests
{
    private const string Text = """
        clusterlb {
          node { name = node-1, port = 4053, enabled = true, ratio = 0.5, nothing = null }
          seeds = [ "127.0.0.1:4053", "127.0.0.1:4054" ]
          pools = [ { name = web, weight = 3 }, { name = api, weight = 1 } ]
          timeout = 5 s
        }
        """;

    [Fact]
    public void Keys_are_joined_with_colons_and_arrays_are_indexed()
    {
        var configuration = new ConfigurationBuilder().AddHocon(ConfigFactory.ParseString(Text)).Build();

        Assert.Equal("node-1", configuration["clusterlb:node:name"]);
        Assert.Equal("4053", configuration["clusterlb:node:port"]);
        Assert.Equal("true", configuration["clusterlb:node:enabled"]);
        Assert.Equal("0.5", configuration["clusterlb:node:ratio"]);
        Assert.Null(configuration["clusterlb:node:nothing"]);
        Assert.Equal("127.0.0.1:4054", configuration["clusterlb:seeds:1"]);
        Assert.Equal("api", configuration["clusterlb:pools:1:name"]);
        Assert.Equal("5 s", configuration["clusterlb:timeout"]);
    }

    [Fact]
    public void Sections_enumerate_children_the_way_the_binder_walks_them()
    {
        var configuration = new ConfigurationBuilder().AddHocon(ConfigFactory.ParseString(Text)).Build();

        var pools = configuration.GetSection("clusterlb:pools").GetChildren().ToList();

        Assert.Equal(["0", "1"], pools.Select(p => p.Key));
        Assert.Equal(["web", "api"], pools.Select(p => p["name"]));
        Assert.Equal(["enabled", "name", "nothing", "port", "ratio"],
            configuration.GetSection("clusterlb:node").GetChildren().Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.True(configuration.GetSection("clusterlb:node").Exists());
    }

    [Fact]
    public void AddHoconFile_resolves_substitutions_and_later_sources_override()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("app.conf", "base = 10\nsvc { port = ${base}, name = x }");

        var configuration = new ConfigurationBuilder()
            .AddHoconFile(file)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["svc:name"] = "overridden" })
            .Build();

        Assert.Equal("10", configuration["svc:port"]);
        Assert.Equal("overridden", configuration["svc:name"]);
    }

    [Fact]
    public void A_missing_optional_file_gives_no_keys_and_a_missing_required_file_fails()
    {
        using var dir = new TempDirectory();

        var optional = new ConfigurationBuilder().AddHoconFile(dir.PathOf("none.conf"), optional: true).Build();
        Assert.Empty(optional.AsEnumerable());

        var error = Assert.ThrowsAny<HoconException>(() => new ConfigurationBuilder().AddHoconFile(dir.PathOf("none.conf")).Build());
        Assert.Contains("cannot read configuration file", error.Message);
    }

    [Fact]
    public void Unresolvable_substitutions_fail_when_the_configuration_is_built()
    {
        var builder = new ConfigurationBuilder().AddHocon(ConfigFactory.ParseString("a = ${does-not-exist-anywhere-7f3a}"));

        Assert.ThrowsAny<HoconException>(() => builder.Build());
    }
}
