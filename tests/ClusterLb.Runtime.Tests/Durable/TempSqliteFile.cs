using Microsoft.Data.Sqlite;

namespace ClusterLb.Runtime.Tests.Durable;

/// <summary>A database path in a fresh temporary directory (not yet created, so the store must create it), removed afterwards.</summary>
internal sealed class TempSqliteFile : IDisposable
{
    private readonly string _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "clusterlb-durable-" + Guid.NewGuid().ToString("N"));

    public TempSqliteFile()
    {
        Path = System.IO.Path.Combine(_directory, "nested", "ddata.db");
    }

    public string Path { get; }

    /// <summary>The keys stored in <paramref name="table"/>, read through a separate connection.</summary>
    public IReadOnlyList<string> StoredKeys(string table = "ddata_durable")
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT key FROM {table} ORDER BY key";
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    public void Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A connection of its own (another writer on the same file, as a second node process would be).</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; a failing cleanup must not hide the test's result.
        }
    }
}
