namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>A directory of its own per node (its SQLite journal), so parallel tests never share a file.</summary>
internal sealed class TempDirectory : IDisposable
{
    private TempDirectory(string path) => Path = path;

    public string Path { get; }

    public static TempDirectory Create() => new(Directory.CreateTempSubdirectory("clusterlb-test-").FullName);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
