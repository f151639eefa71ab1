using System.Collections;

namespace ClusterLb.Hocon.Tests;

public sealed class LoaderTests
{
    [Theory]
    [InlineData("a_b_c", new[] { "a", "b", "c" })]
    [InlineData("clusterlb_node_data__dir", new[] { "clusterlb", "node", "data-dir" })]
    [InlineData("a___b", new[] { "a_b" })]
    [InlineData("a____b", new[] { "a_", "b" })]
    [InlineData("a_____b", new[] { "a_-b" })]
    public void Override_names_map_underscores_like_lightbend(string name, string[] path) =>
        Assert.Equal(path, EnvironmentOverrides.ToPath(name));

    [Fact]
    public void Overrides_become_string_values_at_their_paths()
    {
        var env = new Hashtable
        {
            ["CONFIG_FORCE_clusterlb_node_name"] = "from-env",
            ["CONFIG_FORCE_clusterlb_node_port"] = "4100",
            ["UNRELATED"] = "x",
            ["CONFIG_FORCE_"] = "ignored",
        };

        var overrides = EnvironmentOverrides.Load(env);

        Assert.Equal("from-env", overrides.GetString("clusterlb.node.name"));
        Assert.Equal(4100, overrides.GetInt("clusterlb.node.port"));
        Assert.Equal(["clusterlb"], overrides.Keys);
    }

    [Fact]
    public void Load_with_no_defaults_and_no_environment_gives_exactly_the_file()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("node.conf", "clusterlb.node.name = n1\nx = ${?HOME}");

        var config = ClusterLbConfigLoader.Load(file, includeDefaults: false, useEnvironment: false);

        Assert.Equal("""{"clusterlb":{"node":{"name":"n1"}}}""", config.ToJson(indented: false));
    }

    [Fact]
    public void Load_layers_the_file_over_reference_conf()
    {
        Assert.True(File.Exists(ClusterLbConfigLoader.ReferencePath), "reference.conf is copied next to the test assembly");
        using var dir = new TempDirectory();
        var file = dir.Write("node.conf", "clusterlb.node.name = custom");

        var config = ClusterLbConfigLoader.Load(file, includeDefaults: true, useEnvironment: false);
        var defaults = ClusterLbConfigLoader.Load(null, includeDefaults: true, useEnvironment: false);

        Assert.Equal("custom", config.GetString("clusterlb.node.name"));
        Assert.Equal(defaults.GetString("clusterlb.node.data-dir"), config.GetString("clusterlb.node.data-dir"));
    }
}
