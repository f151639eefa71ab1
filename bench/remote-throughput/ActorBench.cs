using System.Diagnostics;
using ClusterLb.Actors;
using ClusterLb.Bench;
using ClusterLb.Remote;
using ClusterLb.Remote.Serialization;
using Google.Protobuf;

/// <summary>The same measurements through actors: a RemoteActorRef on one node, a counting actor on the other.</summary>
internal static class ActorBench
{
    public static async Task<BenchResult> RunAsync(int messages, int roundTrips, int payloadSize)
    {
        var settings = new RemoteSettings { SystemName = "bench", Port = 0, Secret = "bench", OutboundQueueSize = messages + 10 };
        var options = new RemotingOptions { Serializer = new MessageSerializer().Register(BenchReflection.Descriptor) };
        await using var receiver = await Remoting.StartAsync(settings, options);
        await using var sender = await Remoting.StartAsync(settings, options);
        var counter = new Counter();
        receiver.System.ActorOf(Props.Create(() => new CountingActor(counter)), "sink");
        var sink = sender.Resolve($"{receiver.SelfAddress.Address}/user/sink");
        var body = ByteString.CopyFrom(new byte[payloadSize]);

        counter.Expect(1_000);
        for (var i = 0; i < 1_000; i++)
        {
            sink.Tell(new BenchMessage { Seq = i, Body = body });
        }

        await counter.Done;
        counter.Expect(messages);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < messages; i++)
        {
            sink.Tell(new BenchMessage { Seq = i, Body = body });
        }

        await counter.Done;
        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var perSecond = messages / watch.Elapsed.TotalSeconds;

        var latencies = new double[roundTrips];
        for (var i = 0; i < roundTrips; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await sink.Ask<BenchMessage>(new BenchMessage { Seq = -1 - i, Body = body }, TimeSpan.FromSeconds(10));
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(latencies);
        return new BenchResult(perSecond, perSecond * payloadSize / 1_000_000, latencies[roundTrips / 2], latencies[(int)(roundTrips * 0.99)], (double)allocated / messages);
    }

    private sealed class Counter
    {
        private int _remaining;
        private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Done => _done.Task;

        public void Expect(int count)
        {
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _remaining, count);
        }

        public void One()
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _done.TrySetResult();
            }
        }
    }

    /// <summary>Counts one-way messages; answers asks (negative sequence numbers).</summary>
    private sealed class CountingActor : ReceiveActor
    {
        public CountingActor(Counter counter) => Receive<BenchMessage>(m =>
        {
            if (m.Seq < 0)
            {
                Sender.Tell(m, Self);
                return;
            }

            counter.One();
        });
    }
}
