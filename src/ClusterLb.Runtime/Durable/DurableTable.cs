using System.Data;
using System.Data.Common;

namespace ClusterLb.Runtime.Durable;

/// <summary>
/// The table of durable keys over one long-lived ADO.NET connection, opened (and the table created) on first use.
/// Not thread-safe: it belongs to the single actor that writes. After any failed call the owner calls
/// <see cref="Reset"/>, so the next call reconnects and re-creates a table that was dropped.
/// </summary>
internal abstract class DurableTable : IDisposable
{
    private DbConnection? _connection;

    protected DurableTable(string quotedTable)
    {
        QuotedTable = quotedTable;
    }

    /// <summary>Where the rows live, for logs and errors; never contains a password.</summary>
    public abstract string Location { get; }

    /// <summary>The table name, quoted and schema-qualified where the provider has schemas.</summary>
    protected string QuotedTable { get; }

    /// <summary>The SQL expression for the current time in the <c>updated_at</c> column.</summary>
    protected abstract string NowExpression { get; }

    /// <summary>Reads every stored row.</summary>
    public IReadOnlyList<DurableRow> ReadAll()
    {
        using var command = Connection().CreateCommand();
        command.CommandText = $"SELECT \"key\", serializer_id, manifest, payload FROM {QuotedTable}";
        using var reader = command.ExecuteReader();
        var rows = new List<DurableRow>();
        while (reader.Read())
        {
            rows.Add(new DurableRow(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), (byte[])reader.GetValue(3)));
        }

        return rows;
    }

    /// <summary>Inserts or replaces the rows in one transaction: all of them are stored, or none.</summary>
    public void Upsert(IReadOnlyCollection<DurableRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var connection = Connection();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            $"INSERT INTO {QuotedTable} (\"key\", serializer_id, manifest, payload, updated_at) " +
            $"VALUES (@key, @serializer_id, @manifest, @payload, {NowExpression}) " +
            "ON CONFLICT (\"key\") DO UPDATE SET serializer_id = excluded.serializer_id, manifest = excluded.manifest, " +
            "payload = excluded.payload, updated_at = excluded.updated_at";
        var key = AddParameter(command, "@key", DbType.String);
        var serializerId = AddParameter(command, "@serializer_id", DbType.Int32);
        var manifest = AddParameter(command, "@manifest", DbType.String);
        var payload = AddParameter(command, "@payload", DbType.Binary);
        foreach (var row in rows)
        {
            key.Value = row.Key;
            serializerId.Value = row.SerializerId;
            manifest.Value = row.Manifest;
            payload.Value = row.Payload;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Drops the connection so the next call opens a fresh one (after a failure, or when stopping).</summary>
    public void Reset()
    {
        var connection = _connection;
        _connection = null;
        connection?.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => Reset();

    /// <summary>Opens a connection with the provider's session settings applied.</summary>
    protected abstract DbConnection Open();

    /// <summary>Creates the table (and whatever it lives in) unless it exists; safe when several nodes start at once.</summary>
    protected abstract void CreateIfMissing(DbConnection connection);

    private DbConnection Connection()
    {
        if (_connection is not null)
        {
            return _connection;
        }

        var connection = Open();
        try
        {
            CreateIfMissing(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _connection = connection;
        return connection;
    }

    private static DbParameter AddParameter(DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
