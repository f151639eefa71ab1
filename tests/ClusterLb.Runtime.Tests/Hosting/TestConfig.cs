using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Tests.Hosting;

/// <summary>Writes a node file to a temp directory and loads it the way the node does (over reference.conf).</summary>
internal sealed class TestConfig : IDisposable
{
    public TestConfig()
    {
        Directory.CreateDirectory(Dir);
    }

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "clusterlb-akkacfg-" + Guid.NewGuid().ToString("N"));

    public string DataDir => Path.Combine(Dir, "data");

    /// <summary>The file last written.</summary>
    public string File { get; private set; } = "";

    public Config Load(string hocon, bool useEnvironment = false)
    {
        File = Path.Combine(Dir, "node-" + Guid.NewGuid().ToString("N")[..8] + ".conf");
        System.IO.File.WriteAllText(File, hocon);
        return ClusterLbConfigLoader.Load(File, includeDefaults: true, useEnvironment: useEnvironment);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
