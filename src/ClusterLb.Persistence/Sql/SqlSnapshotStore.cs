using ClusterLb.Persistence.Serialization;
using ClusterLb.Persistence.Snapshot;

namespace ClusterLb.Persistence.Sql;

/// <summary>The snapshot store over Akka.Persistence.Sql's <c>snapshot</c> table.</summary>
public sealed class SqlSnapshotStore : ISnapshotStore
{
    private const string Criteria =
        "persistence_id = @pid AND sequence_number <= @maxSeq AND sequence_number >= @minSeq AND created <= @maxTs AND created >= @minTs";

    private readonly SqlDialect _dialect;
    private readonly ProtobufPayloadSerializer _serializer;
    private readonly SqlStoreOptions _options;
    private readonly string _saveSql;
    private readonly string _loadSql;
    private readonly string _deleteOneSql;
    private readonly string _deleteMatchingSql;

    public SqlSnapshotStore(SqlDialect dialect, ProtobufPayloadSerializer serializer, SqlStoreOptions? options = null)
    {
        _dialect = dialect ?? throw new ArgumentNullException(nameof(dialect));
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        _options = options ?? SqlStoreOptions.Default;
        _options.Validate();

        var s = dialect.SnapshotTable;
        _saveSql =
            $"INSERT INTO {s} (persistence_id, sequence_number, created, snapshot, manifest, serializer_id) " +
            "VALUES (@pid, @seq, @created, @snapshot, @manifest, @serializer) " +
            "ON CONFLICT (persistence_id, sequence_number) DO UPDATE SET " +
            "created = excluded.created, snapshot = excluded.snapshot, manifest = excluded.manifest, serializer_id = excluded.serializer_id";
        _loadSql =
            $"SELECT sequence_number, created, snapshot, manifest, serializer_id FROM {s} WHERE {Criteria} " +
            "ORDER BY sequence_number DESC LIMIT 1";
        _deleteOneSql = $"DELETE FROM {s} WHERE persistence_id = @pid AND sequence_number = @seq";
        _deleteMatchingSql = $"DELETE FROM {s} WHERE {Criteria}";
    }

    public async Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentException.ThrowIfNullOrEmpty(metadata.PersistenceId);
        var serialized = _serializer.Serialize(snapshot);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_saveSql);
        command.AddParameter("@pid", metadata.PersistenceId);
        command.AddParameter("@seq", metadata.SequenceNr);
        command.AddParameter("@created", ToTicks(metadata.Timestamp));
        command.AddParameter("@snapshot", serialized.Bytes);
        command.AddParameter("@manifest", serialized.Manifest);
        command.AddParameter("@serializer", serialized.SerializerId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        if (criteria.MaxSequenceNr <= 0)
        {
            return null;
        }

        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_loadSql);
        AddCriteria(command, persistenceId, criteria);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var metadata = new SnapshotMetadata(persistenceId, reader.GetInt64(0), new DateTime(reader.GetInt64(1), DateTimeKind.Utc));
        var serializerId = reader.IsDBNull(4) ? ProtobufPayloadSerializer.SerializerId : reader.GetInt32(4);
        var snapshot = _serializer.Deserialize(serializerId, reader.GetString(3), (byte[])reader.GetValue(2));
        return new SelectedSnapshot(metadata, snapshot);
    }

    public async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_deleteOneSql);
        command.AddParameter("@pid", metadata.PersistenceId);
        command.AddParameter("@seq", metadata.SequenceNr);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(criteria);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_deleteMatchingSql);
        AddCriteria(command, persistenceId, criteria);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddCriteria(System.Data.Common.DbCommand command, string persistenceId, SnapshotSelectionCriteria criteria)
    {
        command.AddParameter("@pid", persistenceId);
        command.AddParameter("@maxSeq", criteria.MaxSequenceNr);
        command.AddParameter("@minSeq", criteria.MinSequenceNr);
        command.AddParameter("@maxTs", ToTicks(criteria.MaxTimestamp));
        command.AddParameter("@minTs", ToTicks(criteria.MinTimestamp));
    }

    private static long ToTicks(DateTime timestamp) =>
        timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime().Ticks : timestamp.Ticks;

    private Task EnsureSchemaAsync(CancellationToken cancellationToken) =>
        _options.AutoInitialize ? _dialect.EnsureSchemaAsync(cancellationToken) : Task.CompletedTask;
}
