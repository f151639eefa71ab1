namespace ClusterLb.Hocon.Tests;

public sealed class ConfigApiTests
{
    private static Config Resolved(string text) =>
        ConfigFactory.ParseString(text).Resolve(new HoconResolveOptions { UseEnvironment = false });

    [Fact]
    public void Typed_getters_read_values_by_path()
    {
        var config = Resolved("""
            clusterlb {
              node { name = "node-1", port = 4053, weight = 0.75, enabled = yes }
              seeds = [ "a:1", "b:2" ]
              big = 9000000000
            }
            """);

        Assert.Equal("node-1", config.GetString("clusterlb.node.name"));
        Assert.Equal(4053, config.GetInt("clusterlb.node.port"));
        Assert.Equal(9_000_000_000L, config.GetLong("clusterlb.big"));
        Assert.Equal(0.75, config.GetDouble("clusterlb.node.weight"));
        Assert.True(config.GetBool("clusterlb.node.enabled"));
        Assert.Equal(["a:1", "b:2"], config.GetStringList("clusterlb.seeds"));
        Assert.Equal("4053", config.GetString("clusterlb.node.port"));
        Assert.Equal(["node", "seeds", "big"], config.GetConfig("clusterlb").Keys);
    }

    [Fact]
    public void Defaults_apply_only_when_the_path_is_absent()
    {
        var config = Resolved("a { b = 1 }");

        Assert.Equal(1, config.GetInt("a.b", 7));
        Assert.Equal(7, config.GetInt("a.c", 7));
        Assert.Equal("x", config.GetString("nope.deeper", "x"));
        Assert.Equal(TimeSpan.FromSeconds(3), config.GetDuration("a.d", TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void Missing_key_names_the_full_path()
    {
        var config = Resolved("a { b { c = 1 } }").GetConfig("a");

        var error = Assert.Throws<ConfigMissingException>(() => config.GetString("b.missing"));

        Assert.Equal("a.b.missing", error.Path);
        Assert.Contains("a.b.missing", error.Message);
    }

    [Fact]
    public void WithFallback_layers_and_merges_objects()
    {
        var user = ConfigFactory.ParseString("a { x = 1 }, list = [1]");
        var reference = ConfigFactory.ParseString("a { x = 0, y = 2 }, list = [0, 0], other = ${a.y}");

        var config = user.WithFallback(reference).Resolve();

        Assert.Equal(1, config.GetInt("a.x"));
        Assert.Equal(2, config.GetInt("a.y"));
        Assert.Equal(2, config.GetInt("other"));
        Assert.Equal(["1"], config.GetStringList("list"));
    }

    [Fact]
    public void A_user_layer_can_extend_a_list_from_the_layer_below_by_self_reference()
    {
        var reference = ConfigFactory.ParseString("clusterlb.seeds = [a]\nport = 1");
        var user = ConfigFactory.ParseString("clusterlb.seeds = ${clusterlb.seeds} [b]\nclusterlb.seeds += c\nport = ${port}0");

        var config = user.WithFallback(reference).Resolve();

        Assert.Equal(["a", "b", "c"], config.GetStringList("clusterlb.seeds"));
        Assert.Equal(10, config.GetInt("port"));
    }

    [Fact]
    public void Integers_beyond_64_bits_stay_strings_but_read_as_doubles()
    {
        var config = Resolved("big = 123456789012345678901234567890");

        Assert.Equal(HoconValueKind.String, config.GetValue("big")!.Kind);
        Assert.Equal(1.2345678901234568E+29, config.GetDouble("big"));
        Assert.ThrowsAny<HoconException>(() => config.GetLong("big"));
    }

    [Fact]
    public void HasPath_is_false_for_absent_and_null_values()
    {
        var config = Resolved("a = 1, n = null");

        Assert.True(config.HasPath("a"));
        Assert.False(config.HasPath("n"));
        Assert.False(config.HasPath("b"));
        Assert.NotNull(config.GetValue("n"));
        Assert.Null(config.GetValue("b"));
    }

    [Fact]
    public void Getters_on_an_unresolved_substitution_say_to_resolve_first()
    {
        var config = ConfigFactory.ParseString("a = ${b}, b = 1");

        var error = Assert.Throws<HoconException>(() => config.GetInt("a"));

        Assert.Contains("Resolve()", error.Message);
        Assert.Equal(1, config.Resolve().GetInt("a"));
    }

    [Fact]
    public void GetConfigList_reads_objects_in_an_array()
    {
        var config = Resolved("pools = [ { name = a }, { name = b } ]");

        var pools = config.GetConfigList("pools");

        Assert.Equal(["a", "b"], pools.Select(p => p.GetString("name")));
    }

    [Fact]
    public void Environment_fallback_is_on_by_default_and_can_be_turned_off()
    {
        var config = ConfigFactory.ParseString("ip = ${?CLUSTER_IP}, port = 1");
        var env = new HoconResolveOptions { EnvironmentLookup = n => n == "CLUSTER_IP" ? "10.0.0.5" : null };

        Assert.Equal("10.0.0.5", config.Resolve(env).GetString("ip"));
        Assert.False(config.Resolve(env with { UseEnvironment = false }).HasPath("ip"));
    }

    [Fact]
    public void ToJson_renders_the_resolved_tree()
    {
        var config = Resolved("a { b = [1, 2.5, \"x\", true, null] }");

        Assert.Equal("{\"a\":{\"b\":[1,2.5,\"x\",true,null]}}", config.ToJson(indented: false));
    }
}
