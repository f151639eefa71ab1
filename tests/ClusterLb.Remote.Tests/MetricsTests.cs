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

    [Fact]
    public async Task Bytes_sent_by_one_node_are_the_bytes_the_other_received_and_the_meter_exports_them()
    {
        await using var a = await TestNode.StartAsync();
        await using var b = await TestNode.StartAsync();
        var sentOnMeter = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RemoteMetrics.MeterName && instrument.Name == "clusterlb.remote.bytes.sent")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "node" && tag.Value as string == a.Address.ToString())
                {
                    Interlocked.Add(ref sentOnMeter, value);
                }
            }
        });
        listener.Start();
        const int count = 50;
        const int blob = 1000;

        for (var i = 0; i < count; i++)
        {
            a.Tell(b, new Ping { Seq = i, Blob = ByteString.CopyFrom(new byte[blob]) });
        }

        await Eventually.True(() => b.Sink.User.Count == count, "every ping arrived");
        await Eventually.True(() => a.Metrics.BytesSent == b.Metrics.BytesReceived && b.Metrics.BytesSent == a.Metrics.BytesReceived,
            "each side counted what the other wrote");
        Assert.True(a.Metrics.BytesSent > count * blob, $"{a.Metrics.BytesSent} bytes sent for {count} pings of {blob} bytes");
        Assert.True(b.Metrics.BytesSent > 0, "the handshake answer is counted");
        Assert.Equal(a.Metrics.BytesSent, Interlocked.Read(ref sentOnMeter));
    }
}
