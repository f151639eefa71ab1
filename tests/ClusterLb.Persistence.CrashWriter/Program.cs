// Writes events for one persistence id one by one, continuing after the highest stored sequence number, and
// prints each sequence number to stdout only after the journal acknowledged it. The crash-safety tests kill this
// process with SIGKILL mid-stream and then check that every printed number is stored exactly once.
//
// Usage: CrashWriter sqlite <file> <persistence-id> <max-events>
//        CrashWriter postgresql <connection-string> <schema> <persistence-id> <max-events>
using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Serialization;
using ClusterLb.Persistence.Sql;
using Google.Protobuf.WellKnownTypes;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: CrashWriter sqlite <file> <pid> <max> | postgresql <connection-string> <schema> <pid> <max>");
    return 2;
}

SqlDialect dialect;
string persistenceId;
long max;
if (args[0] == "sqlite")
{
    dialect = new SqliteDialect(args[1], TimeSpan.FromSeconds(5));
    persistenceId = args[2];
    max = long.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
}
else if (args[0] == "postgresql" && args.Length >= 5)
{
    dialect = new PostgreSqlDialect(args[1], new TableNames(Schema: args[2]));
    persistenceId = args[3];
    max = long.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
}
else
{
    Console.Error.WriteLine($"unknown provider '{args[0]}'");
    return 2;
}

var journal = new SqlJournal(dialect, new ProtobufPayloadSerializer(new MessageTypeRegistry().Register(Int64Value.Descriptor)));
var writer = Guid.NewGuid().ToString("N");
var next = await journal.ReadHighestSequenceNrAsync(persistenceId, 0) + 1;
Console.Out.Flush();
var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
await stdout.WriteLineAsync($"start {next}");
for (var written = 0L; written < max; written++, next++)
{
    var results = await journal.WriteAsync([new AtomicWrite(new PersistentRepr(persistenceId, next, new Int64Value { Value = next }, writer))]);
    if (results[0] is { } rejected)
    {
        Console.Error.WriteLine($"rejected: {rejected.Message}");
        return 1;
    }

    await stdout.WriteLineAsync($"ack {next}");
}

await dialect.DisposeAsync();
return 0;
