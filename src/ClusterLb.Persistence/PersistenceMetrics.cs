using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClusterLb.Persistence;

/// <summary>The <c>ClusterLb.Persistence</c> meter: journal throughput, conflicts, rejections and breaker trips.</summary>
public static class PersistenceMetrics
{
    public const string MeterName = "ClusterLb.Persistence";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> EventsWritten =
        Meter.CreateCounter<long>("clusterlb.persistence.journal.events_written", "{event}", "Events committed to the journal.");

    internal static readonly Counter<long> EventsRejected =
        Meter.CreateCounter<long>("clusterlb.persistence.journal.events_rejected", "{event}", "Events refused before storage (serialization).");

    internal static readonly Counter<long> EventsReplayed =
        Meter.CreateCounter<long>("clusterlb.persistence.journal.events_replayed", "{event}", "Events read back by replays.");

    internal static readonly Counter<long> WriteConflicts =
        Meter.CreateCounter<long>("clusterlb.persistence.journal.write_conflicts", "{write}", "Writes that lost to another writer of the same persistence id.");

    internal static readonly Histogram<double> WriteDuration =
        Meter.CreateHistogram<double>("clusterlb.persistence.journal.write.duration", "ms", "Time to commit one journal write call.");

    internal static readonly Counter<long> BreakerOpened =
        Meter.CreateCounter<long>("clusterlb.persistence.circuit_breaker.opened", "{transition}", "Times a journal or snapshot-store breaker opened.");

    internal static TagList Provider(string provider) => new() { { "provider", provider } };
}
