namespace ClusterLb.Hocon.Tests;

public sealed class IncludeTests
{
    private static readonly HoconResolveOptions NoEnv = new() { UseEnvironment = false };

    [Fact]
    public void Plain_includes_are_relative_to_the_including_file_and_merge_in_place()
    {
        using var dir = new TempDirectory();
        dir.Write("conf/main.conf", "a = 1\nsub { include \"parts/x.conf\" }\nsub.y = override\n");
        dir.Write("conf/parts/x.conf", "x = 1\ny = 2\nz = ${x}\n");

        var config = ConfigFactory.ParseFile(dir.PathOf("conf/main.conf")).Resolve(NoEnv);

        Assert.Equal("""{"a":1,"sub":{"x":1,"y":"override","z":1}}""", config.ToJson(indented: false));
    }

    [Fact]
    public void Appends_and_substitutions_in_an_included_file_are_relative_to_the_include_point_first()
    {
        using var dir = new TempDirectory();
        dir.Write("main.conf", "top = 7\nsub { include \"inc.conf\" }\nsub.list += 3");
        dir.Write("inc.conf", "list += 1\nlist += 2\ncopy = ${list}\nfromRoot = ${top}");

        var config = ConfigFactory.ParseFile(dir.PathOf("main.conf")).Resolve(NoEnv);

        Assert.Equal(["1", "2", "3"], config.GetStringList("sub.list"));
        Assert.Equal(["1", "2", "3"], config.GetStringList("sub.copy"));
        Assert.Equal(7, config.GetInt("sub.fromRoot"));
    }

    [Fact]
    public void An_included_file_with_an_array_root_is_an_error()
    {
        using var dir = new TempDirectory();
        dir.Write("main.conf", "include \"list.json\"");
        dir.Write("list.json", "[1, 2]");

        var error = Assert.ThrowsAny<HoconException>(() => ConfigFactory.ParseFile(dir.PathOf("main.conf")));

        Assert.Contains("object at its root", error.Message);
        Assert.Equal(dir.PathOf("list.json"), error.File);
    }

    [Fact]
    public void A_name_without_extension_loads_properties_json_and_conf_with_conf_winning()
    {
        using var dir = new TempDirectory();
        dir.Write("main.conf", "include \"base\"");
        dir.Write("base.properties", "p.q=from-properties\nshared=properties");
        dir.Write("base.json", """{ "j": 1, "shared": "json" }""");
        dir.Write("base.conf", "c = 2\nshared = conf");

        var config = ConfigFactory.ParseFile(dir.PathOf("main.conf")).Resolve(NoEnv);

        Assert.Equal("from-properties", config.GetString("p.q"));
        Assert.Equal(1, config.GetInt("j"));
        Assert.Equal("conf", config.GetString("shared"));
    }

    [Fact]
    public void Missing_includes_are_ignored_unless_required()
    {
        using var dir = new TempDirectory();
        dir.Write("ok.conf", "include \"nope\"\ninclude file(\"nope.conf\")\ninclude classpath(\"nope.conf\")\na = 1");
        dir.Write("bad.conf", "a = 1\ninclude required(\"nope.conf\")");

        Assert.Equal(1, ConfigFactory.ParseFile(dir.PathOf("ok.conf")).GetInt("a"));
        var error = Assert.ThrowsAny<HoconException>(() => ConfigFactory.ParseFile(dir.PathOf("bad.conf")));
        Assert.Contains("required include \"nope.conf\" was not found", error.Message);
        Assert.Equal((2, 1), (error.Line, error.Column));
    }

    [Fact]
    public void Required_file_includes_accept_whitespace_and_newlines_inside_the_parentheses()
    {
        using var dir = new TempDirectory();
        var target = dir.Write("t.conf", "t = 1");
        dir.Write("main.conf", $"include required( file(\n  \"{target}\" ) )\n");

        Assert.Equal(1, ConfigFactory.ParseFile(dir.PathOf("main.conf")).GetInt("t"));
    }

    [Fact]
    public void Include_cycles_are_errors()
    {
        using var dir = new TempDirectory();
        dir.Write("a.conf", "include \"b.conf\"");
        dir.Write("b.conf", "include \"a.conf\"");

        var error = Assert.ThrowsAny<HoconException>(() => ConfigFactory.ParseFile(dir.PathOf("a.conf")));

        Assert.Contains("include cycle", error.Message);
    }

    [Fact]
    public void Network_urls_are_refused_with_a_clear_error()
    {
        var error = Assert.ThrowsAny<HoconException>(() => ConfigFactory.ParseString("include url(\"http://localhost:1/x.conf\")"));

        Assert.Contains("does not fetch configuration over the network", error.Message);
    }

    [Fact]
    public void Includes_can_be_turned_off()
    {
        var options = new HoconParseOptions { AllowIncludes = false };

        var error = Assert.ThrowsAny<HoconException>(() => ConfigFactory.ParseString("include \"x\"", options: options));

        Assert.Contains("include is disabled", error.Message);
    }
}
