using ClusterLb.Runtime.Audit;
using ClusterLb.Runtime.Audit.Events;
using Microsoft.Data.Sqlite;

namespace ClusterLb.Runtime.Tests.Audit;

/// <summary>What the journal table holds, read with plain SQL: protobuf bytes, never Akka's JSON serializer.</summary>
public sealed class AuditJournalPayloadTests : IDisposable
{
    // Akka's serializer ids: 1 is the Newtonsoft JSON default, 2 is Akka.Remote's ProtobufSerializer.
    private const int JsonSerializerId = 1;
    private const int ProtobufSerializerId = 2;

    private readonly TempDatabaseDirectory _directory = new();

    [Fact]
    public async Task Events_are_stored_as_protobuf_with_their_type_as_manifest()
    {
        // No remoting in this system: the binding must come from AuditPersistenceConfig itself.
        await using (var node = await AuditTestNode.StartAsync(AuditPersistenceConfig.Sqlite(_directory.DatabaseFile), "n1"))
        {
            await node.RecordAsync("host-add", "main/b1");
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _directory.DatabaseFile, Pooling = false }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id, sequence_number, identifier, manifest, message FROM journal";
        using var reader = command.ExecuteReader();

        Assert.True(reader.Read());
        Assert.Equal("audit-log-n1", reader.GetString(0));
        Assert.Equal(1, reader.GetInt64(1));
        Assert.NotEqual(JsonSerializerId, reader.GetInt32(2));
        Assert.Equal(ProtobufSerializerId, reader.GetInt32(2));
        Assert.StartsWith(typeof(AuditEntry).FullName + ", ClusterLb.Runtime", reader.GetString(3));

        var entry = AuditEntry.Parser.ParseFrom((byte[])reader.GetValue(4));
        Assert.Equal(("n1", "admin", "host-add", "main/b1"), (entry.Node, entry.Actor, entry.Action, entry.Target));
        Assert.False(reader.Read());
    }

    public void Dispose() => _directory.Dispose();
}
