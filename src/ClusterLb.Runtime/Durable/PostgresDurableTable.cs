using System.Data.Common;
using Npgsql;

namespace ClusterLb.Runtime.Durable;

/// <summary>The durable keys in a PostgreSQL table, in the configured schema or the connection's search path.</summary>
internal sealed class PostgresDurableTable : DurableTable
{
    private readonly string _connectionString;
    private readonly string _schema;

    public PostgresDurableTable(string connectionString, string schema, string table)
        : base(Qualify(schema, table))
    {
        _connectionString = connectionString;
        _schema = schema;
        Location = $"PostgreSQL {DescribeServer(connectionString)}, table {(schema.Length > 0 ? schema + "." : string.Empty)}{table}";
    }

    public override string Location { get; }

    protected override string NowExpression => "now()";

    protected override DbConnection Open()
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    protected override void CreateIfMissing(DbConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;

        // CREATE ... IF NOT EXISTS is not atomic in PostgreSQL: two nodes creating at once can both pass the check
        // and one fails on pg_type's unique index. A transaction-scoped advisory lock on the table's name lets one
        // creator in at a time; the others then find the table.
        command.CommandText = "SELECT pg_advisory_xact_lock(hashtext(@name))";
        var name = command.CreateParameter();
        name.ParameterName = "@name";
        name.Value = "ClusterLb.Runtime.Durable:" + QuotedTable;
        command.Parameters.Add(name);
        command.ExecuteNonQuery();
        command.Parameters.Clear();

        if (_schema.Length > 0)
        {
            // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists.
            command.CommandText = "SELECT count(*) FROM pg_namespace WHERE nspname = @schema";
            var schema = command.CreateParameter();
            schema.ParameterName = "@schema";
            schema.Value = _schema;
            command.Parameters.Add(schema);
            var exists = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
            command.Parameters.Clear();
            if (!exists)
            {
                command.CommandText = $"CREATE SCHEMA {SqlIdentifier.Quote(_schema, "durable.sql.postgresql.schema")}";
                command.ExecuteNonQuery();
            }
        }

        command.CommandText =
            $"CREATE TABLE IF NOT EXISTS {QuotedTable} (\"key\" TEXT NOT NULL PRIMARY KEY, serializer_id INTEGER NOT NULL, " +
            "manifest TEXT NOT NULL, payload BYTEA NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())";
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    private static string Qualify(string schema, string table)
    {
        var quotedTable = SqlIdentifier.Quote(table, "durable.sql.table");
        return schema.Length > 0 ? $"{SqlIdentifier.Quote(schema, "durable.sql.postgresql.schema")}.{quotedTable}" : quotedTable;
    }

    /// <summary>user@host:port/database, the part of a connection string an operator needs; never the password.</summary>
    private static string DescribeServer(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        }
        catch (ArgumentException)
        {
            return "(connection string could not be parsed)";
        }
    }
}
