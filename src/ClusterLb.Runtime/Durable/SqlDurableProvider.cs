namespace ClusterLb.Runtime.Durable;

/// <summary>The database behind <see cref="SqlDurableStore"/> (<c>durable.sql.provider</c>).</summary>
public enum SqlDurableProvider
{
    /// <summary>One SQLite file on the node's disk (<c>provider = sqlite</c>).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (<c>provider = postgresql</c>).</summary>
    PostgreSql,
}
