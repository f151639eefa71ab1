using System.Data.Common;
using System.Diagnostics;
using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Serialization;

namespace ClusterLb.Persistence.Sql;

/// <summary>
/// The event journal over Akka.Persistence.Sql's <c>journal</c> and <c>tags</c> tables. The UNIQUE
/// (persistence_id, sequence_number) constraint is what turns a second writer into a
/// <see cref="JournalWriteConflictException"/> instead of a forked history.
/// </summary>
public sealed class SqlJournal : IJournal
{
    private readonly SqlDialect _dialect;
    private readonly ProtobufPayloadSerializer _serializer;
    private readonly SqlStoreOptions _options;
    private readonly string _insertSql;
    private readonly string _insertReturningSql;
    private readonly string _insertTagSql;
    private readonly string _replaySql;
    private readonly string _highestSql;
    private readonly string _markDeletedSql;
    private readonly string _highestDeletedSql;
    private readonly string _deleteTagsSql;
    private readonly string _deleteRowsSql;

    public SqlJournal(SqlDialect dialect, ProtobufPayloadSerializer serializer, SqlStoreOptions? options = null)
    {
        _dialect = dialect ?? throw new ArgumentNullException(nameof(dialect));
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        _options = options ?? SqlStoreOptions.Default;
        _options.Validate();

        var j = dialect.JournalTable;
        _insertSql =
            $"INSERT INTO {j} (deleted, persistence_id, sequence_number, created, message, identifier, manifest, writer_uuid) " +
            $"VALUES ({dialect.False}, @pid, @seq, @created, @message, @identifier, @manifest, @writer)";
        _insertReturningSql = dialect.InsertReturningOrdering(_insertSql);
        _insertTagSql = $"INSERT INTO {dialect.TagsTable} (ordering_id, tag, persistence_id, sequence_nr) VALUES (@ordering, @tag, @pid, @seq)";
        _replaySql =
            $"SELECT sequence_number, created, message, identifier, manifest, writer_uuid FROM {j} " +
            $"WHERE persistence_id = @pid AND deleted = {dialect.False} AND sequence_number >= @from AND sequence_number <= @to " +
            "ORDER BY sequence_number LIMIT @limit";
        _highestSql = $"SELECT MAX(sequence_number) FROM {j} WHERE persistence_id = @pid AND sequence_number >= @from";
        _markDeletedSql = $"UPDATE {j} SET deleted = {dialect.True} WHERE persistence_id = @pid AND sequence_number <= @to";
        _highestDeletedSql = $"SELECT MAX(sequence_number) FROM {j} WHERE persistence_id = @pid AND deleted = {dialect.True}";
        _deleteTagsSql = $"DELETE FROM {dialect.TagsTable} WHERE persistence_id = @pid AND sequence_nr <= @to";
        _deleteRowsSql = $"DELETE FROM {j} WHERE persistence_id = @pid AND sequence_number <= @to AND sequence_number < @marker";
    }

    public async Task<IReadOnlyList<Exception?>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var results = new Exception?[writes.Count];
        var accepted = new List<(AtomicWrite Write, SerializedPayload[] Rows)>(writes.Count);
        for (var i = 0; i < writes.Count; i++)
        {
            // A payload that cannot be serialized rejects its atomic write only; the others still go in.
            try
            {
                var rows = new SerializedPayload[writes[i].Payload.Count];
                for (var r = 0; r < rows.Length; r++)
                {
                    rows[r] = _serializer.Serialize(writes[i].Payload[r].Payload);
                }

                accepted.Add((writes[i], rows));
            }
            catch (PayloadSerializationException e)
            {
                results[i] = e;
                PersistenceMetrics.EventsRejected.Add(writes[i].Payload.Count, PersistenceMetrics.Provider(_dialect.Name));
            }
        }

        if (accepted.Count == 0)
        {
            return results;
        }

        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        var start = 0;
        while (start < accepted.Count)
        {
            // Split into transactions of about BatchSize rows, never inside an atomic write.
            var end = start;
            var rowCount = 0;
            do
            {
                rowCount += accepted[end].Rows.Length;
                end++;
            }
            while (end < accepted.Count && rowCount + accepted[end].Rows.Length <= _options.BatchSize);

            try
            {
                await WriteTransactionAsync(connection, accepted, start, end, cancellationToken).ConfigureAwait(false);
            }
            catch (JournalWriteConflictException)
            {
                PersistenceMetrics.WriteConflicts.Add(1, PersistenceMetrics.Provider(_dialect.Name));
                throw;
            }

            PersistenceMetrics.EventsWritten.Add(rowCount, PersistenceMetrics.Provider(_dialect.Name));
            start = end;
        }

        PersistenceMetrics.WriteDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, PersistenceMetrics.Provider(_dialect.Name));
        return results;
    }

    public async Task ReplayAsync(
        string persistenceId,
        long fromSequenceNr,
        long toSequenceNr,
        long max,
        Action<PersistentRepr> onReplayed,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        ArgumentNullException.ThrowIfNull(onReplayed);
        if (max <= 0 || fromSequenceNr > toSequenceNr)
        {
            return;
        }

        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_replaySql);
        command.AddParameter("@pid", persistenceId);
        var from = command.AddParameter("@from", fromSequenceNr);
        command.AddParameter("@to", toSequenceNr);
        var limit = command.AddParameter("@limit", 0L);

        var remaining = max;
        var next = fromSequenceNr;
        while (remaining > 0)
        {
            var page = Math.Min(remaining, _options.ReplayBatchSize);
            from.Value = next;
            limit.Value = page;
            var batch = new List<PersistentRepr>((int)page);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var sequenceNr = reader.GetInt64(0);
                    var manifest = reader.IsDBNull(4) ? string.Empty : reader.GetString(4);
                    var serializerId = reader.IsDBNull(3) ? ProtobufPayloadSerializer.SerializerId : reader.GetInt32(3);
                    var payload = _serializer.Deserialize(serializerId, manifest, (byte[])reader.GetValue(2));
                    batch.Add(new PersistentRepr(
                        persistenceId,
                        sequenceNr,
                        payload,
                        reader.IsDBNull(5) ? string.Empty : reader.GetString(5),
                        null,
                        reader.GetInt64(1)));
                }
            }

            // The callback runs after the reader is closed so a slow consumer holds no database cursor.
            foreach (var repr in batch)
            {
                onReplayed(repr);
            }

            PersistenceMetrics.EventsReplayed.Add(batch.Count, PersistenceMetrics.Provider(_dialect.Name));

            if (batch.Count < page)
            {
                return;
            }

            remaining -= batch.Count;
            next = batch[^1].SequenceNr + 1;
        }
    }

    public async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_highestSql);
        command.AddParameter("@pid", persistenceId);
        command.AddParameter("@from", fromSequenceNr);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        if (toSequenceNr < 1)
        {
            return;
        }

        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        await using (var mark = connection.CreateCommand(_markDeletedSql, transaction))
        {
            mark.AddParameter("@pid", persistenceId);
            mark.AddParameter("@to", toSequenceNr);
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long marker;
        await using (var highest = connection.CreateCommand(_highestDeletedSql, transaction))
        {
            highest.AddParameter("@pid", persistenceId);
            var value = await highest.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            marker = value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        await using (var tags = connection.CreateCommand(_deleteTagsSql, transaction))
        {
            tags.AddParameter("@pid", persistenceId);
            tags.AddParameter("@to", toSequenceNr);
            await tags.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Keep the highest deleted row: it is what ReadHighestSequenceNr sees, so the sequence never regresses.
        await using (var rows = connection.CreateCommand(_deleteRowsSql, transaction))
        {
            rows.AddParameter("@pid", persistenceId);
            rows.AddParameter("@to", toSequenceNr);
            rows.AddParameter("@marker", marker);
            await rows.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteTransactionAsync(
        DbConnection connection,
        List<(AtomicWrite Write, SerializedPayload[] Rows)> accepted,
        int start,
        int end,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (connection.CanCreateBatch && !HasTags(accepted, start, end))
        {
            // One round trip for the whole transaction instead of one per event (PostgreSQL).
            await WriteBatchAsync(connection, transaction, accepted, start, end, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await using var insert = connection.CreateCommand(_insertSql, transaction);
        var pid = insert.AddParameter("@pid", string.Empty);
        var seq = insert.AddParameter("@seq", 0L);
        var created = insert.AddParameter("@created", 0L);
        var message = insert.AddParameter("@message", Array.Empty<byte>());
        var identifier = insert.AddParameter("@identifier", 0);
        var manifest = insert.AddParameter("@manifest", string.Empty);
        var writer = insert.AddParameter("@writer", string.Empty);
        DbCommand? tagInsert = null;
        try
        {
            var now = DateTime.UtcNow.Ticks;
            for (var w = start; w < end; w++)
            {
                var (write, rows) = accepted[w];
                for (var r = 0; r < rows.Length; r++)
                {
                    var repr = write.Payload[r];
                    pid.Value = repr.PersistenceId;
                    seq.Value = repr.SequenceNr;
                    created.Value = now;
                    message.Value = rows[r].Bytes;
                    identifier.Value = rows[r].SerializerId;
                    manifest.Value = rows[r].Manifest;
                    writer.Value = repr.WriterUuid;
                    var hasTags = repr.Tags is { Count: > 0 };
                    insert.CommandText = hasTags ? _insertReturningSql : _insertSql;
                    try
                    {
                        if (!hasTags)
                        {
                            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                            continue;
                        }

                        var ordering = Convert.ToInt64(
                            await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false),
                            System.Globalization.CultureInfo.InvariantCulture);
                        tagInsert ??= CreateTagInsert(connection, transaction);
                        foreach (var tag in repr.Tags!.Distinct(StringComparer.Ordinal))
                        {
                            tagInsert.Parameters["@ordering"].Value = ordering;
                            tagInsert.Parameters["@tag"].Value = tag;
                            tagInsert.Parameters["@pid"].Value = repr.PersistenceId;
                            tagInsert.Parameters["@seq"].Value = repr.SequenceNr;
                            await tagInsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }
                    catch (DbException e) when (_dialect.IsUniqueViolation(e))
                    {
                        throw new JournalWriteConflictException(write.PersistenceId, write.LowestSequenceNr, write.HighestSequenceNr, e);
                    }
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (tagInsert is not null)
            {
                await tagInsert.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static bool HasTags(List<(AtomicWrite Write, SerializedPayload[] Rows)> accepted, int start, int end)
    {
        for (var w = start; w < end; w++)
        {
            foreach (var repr in accepted[w].Write.Payload)
            {
                if (repr.Tags is { Count: > 0 })
                {
                    return true;
                }
            }
        }

        return false;
    }

    private async Task WriteBatchAsync(
        DbConnection connection,
        DbTransaction transaction,
        List<(AtomicWrite Write, SerializedPayload[] Rows)> accepted,
        int start,
        int end,
        CancellationToken cancellationToken)
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        var owners = new Dictionary<DbBatchCommand, AtomicWrite>(ReferenceEqualityComparer.Instance);
        var now = DateTime.UtcNow.Ticks;
        for (var w = start; w < end; w++)
        {
            var (write, rows) = accepted[w];
            for (var r = 0; r < rows.Length; r++)
            {
                var repr = write.Payload[r];
                var command = batch.CreateBatchCommand();
                command.CommandText = _insertSql;
                AddBatchParameter(command, "@pid", repr.PersistenceId);
                AddBatchParameter(command, "@seq", repr.SequenceNr);
                AddBatchParameter(command, "@created", now);
                AddBatchParameter(command, "@message", rows[r].Bytes);
                AddBatchParameter(command, "@identifier", rows[r].SerializerId);
                AddBatchParameter(command, "@manifest", rows[r].Manifest);
                AddBatchParameter(command, "@writer", repr.WriterUuid);
                batch.BatchCommands.Add(command);
                owners[command] = write;
            }
        }

        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (_dialect.IsUniqueViolation(e))
        {
            var write = e.BatchCommand is { } failed && owners.TryGetValue(failed, out var owner) ? owner : accepted[start].Write;
            throw new JournalWriteConflictException(write.PersistenceId, write.LowestSequenceNr, write.HighestSequenceNr, e);
        }
    }

    private static void AddBatchParameter(DbBatchCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private DbCommand CreateTagInsert(DbConnection connection, DbTransaction transaction)
    {
        var command = connection.CreateCommand(_insertTagSql, transaction);
        command.AddParameter("@ordering", 0L);
        command.AddParameter("@tag", string.Empty);
        command.AddParameter("@pid", string.Empty);
        command.AddParameter("@seq", 0L);
        return command;
    }

    private Task EnsureSchemaAsync(CancellationToken cancellationToken) =>
        _options.AutoInitialize ? _dialect.EnsureSchemaAsync(cancellationToken) : Task.CompletedTask;
}
