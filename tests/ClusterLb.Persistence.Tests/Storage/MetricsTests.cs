using System.Diagnostics.Metrics;
using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Sql;
using ClusterLb.Persistence.Tests.Infrastructure;
using ClusterLb.Persistence.Tests.Messages;

namespace ClusterLb.Persistence.Tests.Storage;

public sealed class MetricsTests
{
    [Fact]
    public async Task Journal_writes_rejections_conflicts_and_replays_are_counted()
    {
        // Other tests run in parallel and use the same static meter, so each count is a lower bound.
        var totals = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PersistenceMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (totals)
            {
                totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();

        await using var database = new SqliteTestDatabase();
        var journal = new SqlJournal(database.CreateDialect(), TestRegistry.Serializer());
        await journal.WriteAsync(
        [
            new AtomicWrite([Event(1), Event(2), Event(3)]),
            new AtomicWrite(new PersistentRepr("p", 4, new NotRegistered(), "w")),
        ]);
        await Assert.ThrowsAsync<JournalWriteConflictException>(() => journal.WriteAsync([new AtomicWrite(Event(3))]));
        await journal.ReplayAsync("p", 1, long.MaxValue, long.MaxValue, _ => { });

        Assert.True(totals.GetValueOrDefault("clusterlb.persistence.journal.events_written") >= 3);
        Assert.True(totals.GetValueOrDefault("clusterlb.persistence.journal.events_rejected") >= 1);
        Assert.True(totals.GetValueOrDefault("clusterlb.persistence.journal.write_conflicts") >= 1);
        Assert.True(totals.GetValueOrDefault("clusterlb.persistence.journal.events_replayed") >= 3);
    }

    private static PersistentRepr Event(long seq) => new("p", seq, new CounterIncremented { Amount = seq }, "w");
}
