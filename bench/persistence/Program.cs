// Journal throughput: events/s written one by one (one transaction each), written batched (one WriteAsync of
// many single-event atomic writes, split into transactions of batch-size), and replayed. Prints a table.
//
// Usage: run.sh [one-by-one-events] [batched-events]
// PostgreSQL rows need CLUSTERLB_POSTGRES; the run uses a throwaway schema.
using System.Diagnostics;
using System.Globalization;
using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Serialization;
using ClusterLb.Persistence.Sql;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

var single = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000;
var batched = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50_000;
const int CallSize = 500;
var serializer = new ProtobufPayloadSerializer(new MessageTypeRegistry().Register(BytesValue.Descriptor));
var payload = new BytesValue { Value = ByteString.CopyFrom(Enumerable.Range(0, 128).Select(i => (byte)i).ToArray()) };
var rows = new List<string[]>();

var tempDir = Path.Combine(Path.GetTempPath(), "clusterlb-bench-" + Guid.NewGuid().ToString("N"));
foreach (var sync in new[] { "full", "normal" })
{
    await using var dialect = new SqliteDialect(Path.Combine(tempDir, $"bench-{sync}.db"), TimeSpan.FromSeconds(5), sync);
    await Measure($"sqlite (synchronous={sync})", dialect);
}

Directory.Delete(tempDir, recursive: true);

var postgres = Environment.GetEnvironmentVariable("CLUSTERLB_POSTGRES");
if (string.IsNullOrEmpty(postgres))
{
    Console.Error.WriteLine("CLUSTERLB_POSTGRES is not set: PostgreSQL rows skipped.");
}
else
{
    var schema = "clb_bench_" + Guid.NewGuid().ToString("N")[..8];
    await using (var dialect = new PostgreSqlDialect(postgres, new TableNames(Schema: schema)))
    {
        await Measure("postgresql", dialect);
    }

    await using var connection = new NpgsqlConnection(postgres);
    await connection.OpenAsync();
    await using var drop = new NpgsqlCommand($"DROP SCHEMA \"{schema}\" CASCADE", connection);
    await drop.ExecuteNonQueryAsync();
}

var header = new[] { "provider", "operation", "events", "seconds", "events/s" };
var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
string Format(string[] cells) => "| " + string.Join(" | ", cells.Select((c, i) => i >= 2 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))) + " |";
Console.WriteLine(Format(header));
Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
foreach (var row in rows)
{
    Console.WriteLine(Format(row));
}

async Task Measure(string provider, SqlDialect dialect)
{
    var journal = new SqlJournal(dialect, serializer, new SqlStoreOptions(BatchSize: CallSize));
    await journal.ReadHighestSequenceNrAsync("warmup", 0); // creates the tables outside the timing
    await journal.WriteAsync([new AtomicWrite(new PersistentRepr("warmup", 1, payload, "bench"))]);

    var watch = Stopwatch.StartNew();
    for (var seq = 1; seq <= single; seq++)
    {
        await journal.WriteAsync([new AtomicWrite(new PersistentRepr("one-by-one", seq, payload, "bench"))]);
    }

    Add(provider, "write one-by-one", single, watch.Elapsed);

    watch.Restart();
    for (var start = 1; start <= batched; start += CallSize)
    {
        var writes = new List<AtomicWrite>(CallSize);
        for (var seq = start; seq < start + CallSize && seq <= batched; seq++)
        {
            writes.Add(new AtomicWrite(new PersistentRepr("batched", seq, payload, "bench")));
        }

        await journal.WriteAsync(writes);
    }

    Add(provider, $"write batched ({CallSize}/call)", batched, watch.Elapsed);

    var replayed = 0;
    watch.Restart();
    await journal.ReplayAsync("batched", 1, long.MaxValue, long.MaxValue, _ => replayed++);
    Add(provider, "replay", replayed, watch.Elapsed);
    if (replayed != batched)
    {
        throw new InvalidOperationException($"Replayed {replayed} of {batched} events.");
    }
}

void Add(string provider, string operation, int events, TimeSpan elapsed) =>
    rows.Add([provider, operation, events.ToString(CultureInfo.InvariantCulture), elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),
        (events / elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture)]);
