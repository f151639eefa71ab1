using Akka.Configuration;
using ClusterLb.Runtime.Hosting;

namespace ClusterLb.Runtime.Tests.Hosting;

/// <summary>The rendered text, parsed back by Akka, gives the same values; secrets are masked unless asked.</summary>
public sealed class RenderTests : IDisposable
{
    private readonly TestConfig _files = new();

    public void Dispose() => _files.Dispose();

    private const string Node = """
        clusterlb.cluster {
          tls.enabled = off
          seed-nodes = ["lb1:4053", "lb2:4053"]
          roles = [lb]
          failure-detector.threshold = 9.5
        }
        clusterlb.persistence { provider = postgresql, postgresql.connection-string = "Host=db;Password=hunter2" }
        akka {
          remote.dot-netty.tcp.batching.enabled = false
          actor.serialization-bindings { "System.String, System.Private.CoreLib" = json }
          "quoted.key" = "a \"quoted\" value with spaces, commas and = signs"
        }
        """;

    [Theory]
    [InlineData(AkkaConfigFormat.Hocon)]
    [InlineData(AkkaConfigFormat.Json)]
    public void Rendered_text_parses_back_to_every_value_akka_was_given(AkkaConfigFormat format)
    {
        var config = _files.Load(Node);
        var original = AkkaNodeConfig.Map(config, _files.DataDir, false, null).Config;
        var parsed = ConfigurationFactory.ParseString(AkkaNodeConfig.Render(config, _files.DataDir, format, showSecrets: true));

        var leaves = Leaves(original.Root, "").ToList();
        Assert.True(leaves.Count > 60, $"only {leaves.Count} keys rendered");
        foreach (var (path, value) in leaves)
        {
            Assert.True(parsed.HasPath(path), $"{path} missing after the round trip");
            Assert.Equal(value, Flatten(parsed.GetValue(path)));
        }
    }

    [Fact]
    public void Json_is_json()
    {
        var text = AkkaNodeConfig.Render(_files.Load(Node), _files.DataDir, AkkaConfigFormat.Json);
        using var doc = System.Text.Json.JsonDocument.Parse(text);
        Assert.Equal("cluster", doc.RootElement.GetProperty("akka").GetProperty("actor").GetProperty("provider").GetString());
    }

    [Fact]
    public void Secrets_are_masked_unless_shown()
    {
        var config = _files.Load(Node);
        var masked = AkkaNodeConfig.Render(config, _files.DataDir);
        Assert.DoesNotContain("hunter2", masked);
        Assert.Contains("<redacted>", masked);
        Assert.Contains("hunter2", AkkaNodeConfig.Render(config, _files.DataDir, showSecrets: true));
    }

    private static IEnumerable<(string Path, string Value)> Leaves(Akka.Configuration.Hocon.HoconValue value, string prefix)
    {
        foreach (var (key, child) in value.GetObject().Items)
        {
            var path = prefix.Length == 0 ? Quote(key) : prefix + "." + Quote(key);
            if (child.IsObject())
            {
                foreach (var leaf in Leaves(child, path))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return (path, Flatten(child));
            }
        }
    }

    private static string Quote(string key) => key.Contains('.') || key.Contains(' ') || key.Contains(',') ? "\"" + key + "\"" : key;

    private static string Flatten(Akka.Configuration.Hocon.HoconValue value) =>
        value.Values.Any(e => e is Akka.Configuration.Hocon.HoconArray)
            ? "[" + string.Join("|", value.GetArray().Select(e => e.GetString())) + "]"
            : value.GetString() ?? "null";
}
