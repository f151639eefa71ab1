using Akka.Actor;
using ClusterLb.Runtime.Audit;

namespace ClusterLb.Runtime.Tests.Audit;

/// <summary>A journal that cannot be opened fails the audit log's start with the database's own reason.</summary>
public sealed class AuditLogStartupFailureTests : IDisposable
{
    private readonly TempDatabaseDirectory _directory = new();

    [Fact]
    public void A_database_directory_that_cannot_be_created_is_refused_with_its_path()
    {
        // Tests may run as root, which ignores permission bits; a regular file in the way stops even root.
        var blocker = Path.Combine(_directory.Path, "not-a-directory");
        File.WriteAllText(blocker, "");

        var error = Assert.Throws<IOException>(() => AuditPersistenceConfig.Sqlite(Path.Combine(blocker, "clusterlb.db")));
        Assert.Contains(blocker, error.Message);
    }

    [Fact]
    public async Task A_database_file_that_cannot_be_opened_fails_the_start_with_the_sqlite_error()
    {
        // The "file" is the directory itself: SQLite cannot open it, whoever runs the test.
        var error = await StartFailingAsync(AuditPersistenceConfig.Sqlite(_directory.Path + "/"));

        Assert.Contains("unable to open database file", error.Message);
    }

    [Fact]
    public async Task An_unreachable_postgres_server_fails_the_start_with_the_connection_error()
    {
        // Port 1 on loopback refuses at once; no PostgreSQL server is needed.
        var error = await StartFailingAsync(AuditPersistenceConfig.Postgres("Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=5"));

        Assert.Contains("Failed to connect to 127.0.0.1:1", error.Message);
    }

    [Fact]
    public void A_malformed_postgres_connection_string_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => AuditPersistenceConfig.Postgres("Hots=db;Nonsense"));
        Assert.Contains("connection string is not valid", error.Message);
    }

    private static async Task<AuditLogUnavailableException> StartFailingAsync(Akka.Configuration.Config persistence)
    {
        var system = ActorSystem.Create("audit-failing", persistence);
        try
        {
            var error = await Assert.ThrowsAsync<AuditLogUnavailableException>(() => AuditLog.StartAsync(system, "n1", AuditTestNode.Timeout));
            Assert.Equal("audit-log-n1", error.PersistenceId);
            Assert.StartsWith("Audit log 'audit-log-n1' is unavailable: the persistence plugin 'akka.persistence.", error.Message);
            return error;
        }
        finally
        {
            await system.Terminate();
        }
    }

    public void Dispose() => _directory.Dispose();
}
