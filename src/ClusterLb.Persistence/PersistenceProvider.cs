namespace ClusterLb.Persistence;

/// <summary>The database behind the journal and snapshot store.</summary>
public enum PersistenceProvider
{
    /// <summary>Embedded SQLite file under the node's data directory (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server through Npgsql.</summary>
    PostgreSql,
}
