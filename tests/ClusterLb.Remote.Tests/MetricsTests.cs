using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ClusterLb.Remote.Tests.Messages;
using ClusterLb.Remote.Tests.Support;
using Google.Protobuf;

namespace ClusterLb.Remote.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task Dropped_messages_are_exported_on_the_meter_with_reason_and_node()
    {
        await using var a = await TestNode.StartAsync();
        await using var b = await TestNode.StartAsync();
        var measurements = new ConcurrentQueue<(string Instrument, long Value, string? Reason, string? Node)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RemoteMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? reason = null, node = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "reason":
                        reason = tag.Value as string;
                        break;
                    case "node":
                        node = tag.Value as string;
                        break;
                }
            }

            measurements.Enqueue((instrument.Name, value, reason, node));
        });
        listener.Start();

        a.Tell(b, new Ping { Blob = ByteString.CopyFrom(new byte[200_000]) });

        Assert.Contains(measurements, m => m.Instrument == "clusterlb.remote.messages.dropped" && m.Value == 1
            && m.Reason == "oversized" && m.Node == a.Address.ToString());
    }
}
