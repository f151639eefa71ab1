// Remoting throughput and round-trip latency between two transports on loopback, in one process.
using System.Diagnostics;
using ClusterLb.Bench;
using ClusterLb.Remote;
using ClusterLb.Remote.Serialization;
using ClusterLb.Remote.Wire;
using Google.Protobuf;

var messages = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200_000;
var roundTrips = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5_000;
var runs = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;

Console.WriteLine($"| run | payload B | messages | one-way msg/s | one-way MB/s | round trips | rtt p50 us | rtt p99 us | alloc/msg B |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
foreach (var payload in new[] { 100, 1_000 })
{
    for (var run = 1; run <= runs; run++)
    {
        var result = await Bench.RunAsync(messages, roundTrips, payload);
        Console.WriteLine($"| {run} | {payload} | {messages} | {result.MessagesPerSecond:N0} | {result.MegabytesPerSecond:N1} | {roundTrips} | {result.P50:N0} | {result.P99:N0} | {result.AllocatedPerMessage:N0} |");
    }
}

Console.WriteLine();
Console.WriteLine("| run | actors: payload B | messages | one-way msg/s | alloc/msg B | ask round trips | ask p50 us | ask p99 us |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (var run = 1; run <= runs; run++)
{
    var result = await ActorBench.RunAsync(messages, roundTrips, 100);
    Console.WriteLine($"| {run} | 100 | {messages} | {result.MessagesPerSecond:N0} | {result.AllocatedPerMessage:N0} | {roundTrips} | {result.P50:N0} | {result.P99:N0} |");
}

internal sealed record BenchResult(double MessagesPerSecond, double MegabytesPerSecond, double P50, double P99, double AllocatedPerMessage);

internal static class Bench
{
    public static async Task<BenchResult> RunAsync(int messages, int roundTrips, int payloadSize)
    {
        var settings = new RemoteSettings { SystemName = "bench", Port = 0, Secret = "bench", OutboundQueueSize = messages + 10 };
        var serializer = new MessageSerializer().Register(BenchReflection.Descriptor);
        var receiverSink = new CountingSink();
        var senderSink = new CountingSink();
        await using var receiver = new RemoteTransport(settings, receiverSink, serializer);
        await using var sender = new RemoteTransport(settings, senderSink, serializer);
        await receiver.StartAsync();
        await sender.StartAsync();
        var to = receiver.LocalAddress.Address;
        var recipient = new ActorRefData { Path = $"{to}/user/sink" };
        var body = ByteString.CopyFrom(new byte[payloadSize]);

        // Warm up the association and the JIT.
        receiverSink.Expect(1_000);
        for (var i = 0; i < 1_000; i++)
        {
            sender.Send(to, recipient, null, new BenchMessage { Seq = i, Body = body });
        }

        await receiverSink.Done;

        receiverSink.Expect(messages);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < messages; i++)
        {
            sender.Send(to, recipient, null, new BenchMessage { Seq = i, Body = body });
        }

        await receiverSink.Done;
        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var perSecond = messages / watch.Elapsed.TotalSeconds;

        // Round trips: the receiver echoes each message back to the sender's address.
        receiverSink.Echo = (receiver, sender.LocalAddress.Address);
        var latencies = new double[roundTrips];
        var senderRecipient = new ActorRefData { Path = $"{sender.LocalAddress.Address}/user/sink" };
        for (var i = 0; i < roundTrips; i++)
        {
            senderSink.Expect(1);
            var start = Stopwatch.GetTimestamp();
            sender.Send(to, recipient, senderRecipient, new BenchMessage { Seq = i, Body = body });
            await senderSink.Done;
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(latencies);
        return new BenchResult(perSecond, perSecond * payloadSize / 1_000_000, latencies[roundTrips / 2], latencies[(int)(roundTrips * 0.99)], (double)allocated / messages);
    }
}

internal sealed class CountingSink : IInboundMessageSink
{
    private int _remaining;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public (RemoteTransport Transport, NodeAddress Back)? Echo { get; set; }

    public Task Done => _done.Task;

    public void Expect(int count)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _remaining, count);
    }

    public void OnUserMessage(InboundEnvelope envelope)
    {
        if (Echo is { } echo && envelope.Sender is not null)
        {
            echo.Transport.Send(echo.Back, envelope.Sender, null, envelope.Message);
            return;
        }

        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _done.TrySetResult();
        }
    }

    public void OnSystemMessage(InboundEnvelope envelope)
    {
    }
}
