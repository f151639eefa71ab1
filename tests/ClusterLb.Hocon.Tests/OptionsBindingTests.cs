using Microsoft.Extensions.Configuration;

namespace ClusterLb.Hocon.Tests;

/// <summary>Options bind to HOCON through the provider exactly as they bind to JSON.</summary>
public sealed class OptionsBindingTests
{
    private const string Text = """
        clusterlb {
          node { name = node-1, port = 4053, enabled = true, ratio = 0.5 }
          node.roles = [ frontend, "edge" ]
          pools = [ { name = web, weight = 3 }, { name = api, weight = 1 } ]
          pools += { name = ${clusterlb.node.name}"-local", weight = 2 }
        }
        """;

    [Fact]
    public void A_section_binds_to_an_options_type_with_scalars_lists_and_nested_objects()
    {
        var configuration = new ConfigurationBuilder().AddHocon(ConfigFactory.ParseString(Text).Resolve()).Build();

        var options = configuration.GetSection("clusterlb").Get<ClusterOptions>();

        Assert.NotNull(options);
        Assert.Equal("node-1", options.Node.Name);
        Assert.Equal(4053, options.Node.Port);
        Assert.True(options.Node.Enabled);
        Assert.Equal(0.5, options.Node.Ratio);
        Assert.Equal(["frontend", "edge"], options.Node.Roles);
        Assert.Equal(["web", "api", "node-1-local"], options.Pools.Select(p => p.Name));
        Assert.Equal([3, 1, 2], options.Pools.Select(p => p.Weight));
    }

    [Fact]
    public void A_value_of_the_wrong_type_fails_binding_with_the_key_in_the_message()
    {
        var configuration = new ConfigurationBuilder()
            .AddHocon(ConfigFactory.ParseString("clusterlb.node.port = not-a-number"))
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => configuration.GetSection("clusterlb").Get<ClusterOptions>());

        Assert.Contains("not-a-number", error.Message);
        Assert.Contains("clusterlb:node:port", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class ClusterOptions
    {
        public NodeOptions Node { get; set; } = new();
        public List<PoolOptions> Pools { get; set; } = [];
    }

    private sealed class NodeOptions
    {
        public string Name { get; set; } = "";
        public int Port { get; set; }
        public bool Enabled { get; set; }
        public double Ratio { get; set; }
        public List<string> Roles { get; set; } = [];
    }

    private sealed class PoolOptions
    {
        public string Name { get; set; } = "";
        public int Weight { get; set; }
    }
}
