using ClusterLb.Hocon;
using ClusterLb.Runtime.Hosting;

namespace ClusterLb.Runtime.Tests.Hosting;

/// <summary>Keys of the former engine are refused with their position and what to use instead.</summary>
public sealed class RemovedKeysTests : IDisposable
{
    private readonly TestConfig _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string> Removed() => new(RemovedKeys.All.Keys);

    [Theory]
    [MemberData(nameof(Removed))]
    public void Each_removed_key_is_refused_at_its_position(string key)
    {
        var config = _files.Load($"clusterlb.node.name = n1\n{key} = 1\n");
        var e = Assert.Throws<HoconException>(() => AkkaNodeConfig.Map(config, _files.DataDir, false, null));
        Assert.Equal(_files.File, e.File);
        Assert.Equal(2, e.Line);
        Assert.Equal(1, e.Column >= 1 ? 1 : 0);
        Assert.Contains($"{key} was removed: ", e.Message);
        Assert.StartsWith($"{_files.File}:2:", e.Message);
    }

    [Fact]
    public void The_cluster_secret_points_at_tls()
    {
        var config = _files.Load("clusterlb.cluster {\n  secret = \"s\"\n}\n");
        var e = Assert.Throws<HoconException>(() => AkkaNodeConfig.Map(config, _files.DataDir, false, null));
        Assert.Contains("clusterlb.cluster.tls", e.Message);
    }

    [Fact]
    public void Reference_conf_itself_holds_no_removed_key()
    {
        var defaults = ClusterLbConfigLoader.Load(null, includeDefaults: true, useEnvironment: false);
        Assert.True(File.Exists(ClusterLbConfigLoader.ReferencePath));
        RemovedKeys.Refuse(defaults);
    }
}
