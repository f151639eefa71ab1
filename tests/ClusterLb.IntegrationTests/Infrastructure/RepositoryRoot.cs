namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>The checkout the tests run from: the directory above the test binaries that holds ClusterLb.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ClusterLb.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no ClusterLb.sln above {AppContext.BaseDirectory}");
    }
}
