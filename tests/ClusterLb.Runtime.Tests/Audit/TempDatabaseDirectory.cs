using Microsoft.Data.Sqlite;

namespace ClusterLb.Runtime.Tests.Audit;

/// <summary>A fresh directory for one test's SQLite files, removed afterwards.</summary>
internal sealed class TempDatabaseDirectory : IDisposable
{
    public TempDatabaseDirectory()
    {
        Path = Directory.CreateTempSubdirectory("clusterlb-audit-").FullName;
    }

    public string Path { get; }

    /// <summary>A database file path inside the directory (a sub-directory that does not exist yet).</summary>
    public string DatabaseFile => System.IO.Path.Combine(Path, "persistence", "clusterlb.db");

    public void Dispose()
    {
        // Pooled connections keep the file open; release them so the directory can go.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A connection still closing must not fail the test; the OS temp cleaner takes the rest.
        }
    }
}
