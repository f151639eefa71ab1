using System.Collections.Concurrent;
using ClusterLb.Actors;
using ClusterLb.Cluster.Tools;
using ClusterLb.Cluster.Wire;
using Google.Protobuf.WellKnownTypes;

namespace ClusterLb.Cluster.Tests.MultiNode;

[Collection(MultiNodeCollection.Name)]
public class SingletonHandOverTests
{
    /// <summary>Start and stop of every singleton instance, in the order they happened, across all nodes of a test.</summary>
    private sealed class LifecycleLog
    {
        private readonly object _gate = new();
        private readonly List<(string Node, bool Started, long Timestamp)> _entries = [];

        public void Record(string node, bool started)
        {
            lock (_gate) _entries.Add((node, started, System.Diagnostics.Stopwatch.GetTimestamp()));
        }

        public List<(string Node, bool Started, long Timestamp)> Snapshot()
        {
            lock (_gate) return [.. _entries];
        }

        /// <summary>The most instances alive at once, and a readable history.</summary>
        public (int MaxAlive, string History) Analyse()
        {
            var entries = Snapshot();
            int alive = 0, max = 0;
            foreach (var e in entries)
            {
                alive += e.Started ? 1 : -1;
                max = Math.Max(max, alive);
            }
            return (max, string.Join(" ", entries.Select(e => $"{(e.Started ? "start" : "stop")}@{e.Node}")));
        }
    }

    /// <summary>A singleton that records its lifetime and answers with the node it runs on.</summary>
    private sealed class RecordedSingleton(LifecycleLog log) : ActorBase
    {
        private string Node => Cluster.Get(Context.System).SelfAddress.ToString();

        protected override void PreStart() => log.Record(Node, started: true);

        protected override void PostStop() => log.Record(Node, started: false);

        protected override bool Receive(object message)
        {
            if (message is not StringValue) return false;
            Sender.Tell(new StringValue { Value = Node }, Self);
            return true;
        }
    }

    /// <summary>A singleton whose stop takes until the test opens the gate.</summary>
    private sealed class SlowToStop(LifecycleLog log, ManualResetEventSlim gate) : ActorBase
    {
        protected override void PreStart() => log.Record("here", started: true);

        protected override void PostStop()
        {
            gate.Wait(TimeSpan.FromSeconds(30)); // an event, not a sleep: the test opens it
            log.Record("here", started: false);
        }

        protected override bool Receive(object message) => false;
    }

    /// <summary>Plays the new oldest's manager: records what the old one sends it.</summary>
    private sealed class Recorder(ConcurrentQueue<object> into) : ActorBase
    {
        protected override bool Receive(object message)
        {
            into.Enqueue(message);
            return true;
        }
    }

    [Fact]
    public async Task Asked_to_hand_over_while_its_singleton_stops_the_manager_answers_InProgress_then_Done_and_forwards_later_messages()
    {
        await using var c = await TestCluster.StartAsync(1);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var node = c.Nodes[0];
        var log = new LifecycleLog();
        using var gate = new ManualResetEventSlim(false);
        var manager = node.System.ActorOf(ClusterSingletonManager.Props(Props.Create(() => new SlowToStop(log, gate))), "slow");
        await Eventually.Until(() => Task.FromResult((log.Snapshot().Count == 1, log.Analyse().History)), "the singleton started");
        var received = new ConcurrentQueue<object>();
        var successor = node.System.ActorOf(Props.Create(() => new Recorder(received)), "successor");

        manager.Tell(new SingletonHandOverToMe(), successor);

        await Eventually.Until(() => Task.FromResult((received.Any(m => m is SingletonHandOverInProgress), string.Join(", ", received))), "HandOverInProgress");
        Assert.DoesNotContain(received, m => m is SingletonHandOverDone); // the singleton cannot have stopped: its PostStop waits for the gate
        gate.Set();
        await Eventually.Until(() => Task.FromResult((received.Any(m => m is SingletonHandOverDone), string.Join(", ", received))), "HandOverDone");
        Assert.Equal("start@here stop@here", log.Analyse().History);

        manager.Tell(new StringValue { Value = "late" });
        await Eventually.Until(() => Task.FromResult((received.OfType<StringValue>().Any(v => v.Value == "late"), string.Join(", ", received))),
            "a message sent to the manager after the hand-over reaches the successor");
        Assert.Equal("start@here stop@here", log.Analyse().History); // and this node, still the oldest, did not start it again
    }

    [Fact]
    public async Task Graceful_leaves_of_the_oldest_hand_the_singleton_over_without_two_instances_at_once()
    {
        await using var c = await TestCluster.StartAsync(4);
        foreach (var n in c.Nodes) n.Remoting.Transport.Serializer.Register(StringValue.Descriptor);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var log = new LifecycleLog();
        foreach (var n in c.Nodes) n.System.ActorOf(ClusterSingletonManager.Props(Props.Create(() => new RecordedSingleton(log))), "recorded");
        var status = await c.Nodes[0].StatusAsync();
        var byAge = status.Members.OrderBy(m => m.UpNumber).Select(m => c.Nodes.Single(n => n.Uid == m.Uid)).ToList();
        var proxy = byAge[^1].System.ActorOf(ClusterSingletonProxy.Props("/user/recorded"), "recorded-proxy");
        var first = await proxy.Ask<StringValue>(new StringValue { Value = "?" }, TimeSpan.FromSeconds(30));
        Assert.Equal(byAge[0].Address.ToString(), first.Value);

        for (var i = 0; i < 2; i++)
        {
            var (leaving, next) = (byAge[i], byAge[i + 1]);
            leaving.Cluster.Leave(leaving.Address);
            await leaving.Cluster.WhenTerminated.WaitAsync(Eventually.DefaultDeadline);
            await Eventually.Until(async () =>
            {
                var answer = await proxy.Ask<StringValue>(new StringValue { Value = "?" }, TimeSpan.FromSeconds(5));
                return (answer.Value == next.Address.ToString(), answer.Value);
            }, $"the proxy reaches the singleton on {next.Address}");
        }

        var (maxAlive, history) = log.Analyse();
        Assert.True(maxAlive == 1, $"two singleton instances overlapped: {history}");
        var expected = string.Join(" ", byAge.Take(2).SelectMany(n => new[] { $"start@{n.Address}", $"stop@{n.Address}" }).Append($"start@{byAge[2].Address}"));
        Assert.Equal(expected, history);
        // Both take-overs went through the handshake, not the fallback on removal.
        Assert.Equal(2, c.Logs.Lines.Count(l => l.Contains("the previous oldest handed over", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task After_the_oldest_is_downed_and_removed_the_next_oldest_waits_the_down_removal_margin_before_starting_the_singleton()
    {
        var margin = TimeSpan.FromSeconds(3);
        await using var c = await TestCluster.StartAsync(3, extra: $"clusterlb.cluster.down-removal-margin = {margin.TotalSeconds}s");
        foreach (var n in c.Nodes) n.Remoting.Transport.Serializer.Register(StringValue.Descriptor);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var log = new LifecycleLog();
        foreach (var n in c.Nodes) n.System.ActorOf(ClusterSingletonManager.Props(Props.Create(() => new RecordedSingleton(log))), "recorded");
        var status = await c.Nodes[0].StatusAsync();
        var byAge = status.Members.OrderBy(m => m.UpNumber).Select(m => c.Nodes.Single(n => n.Uid == m.Uid)).ToList();
        var proxy = byAge[^1].System.ActorOf(ClusterSingletonProxy.Props("/user/recorded"), "recorded-proxy");
        Assert.Equal(byAge[0].Address.ToString(), (await proxy.Ask<StringValue>(new StringValue { Value = "?" }, TimeSpan.FromSeconds(30))).Value);

        await byAge[0].KillAsync();
        await Eventually.Until(async () =>
        {
            var answer = await proxy.Ask<StringValue>(new StringValue { Value = "?" }, TimeSpan.FromSeconds(5));
            return (answer.Value == byAge[1].Address.ToString(), answer.Value);
        }, $"the singleton runs on {byAge[1].Address} after the oldest was downed", TimeSpan.FromSeconds(60));

        var removedAt = c.Logs.FirstTimestamp("starting the singleton after down-removal-margin");
        Assert.True(removedAt is not null, "the new oldest waited for the margin: " + string.Join(" | ", c.Logs.Lines.Where(l => l.Contains("singleton", StringComparison.OrdinalIgnoreCase))));
        var started = log.Snapshot().Single(e => e.Started && e.Node == byAge[1].Address.ToString());
        var waited = System.Diagnostics.Stopwatch.GetElapsedTime(removedAt.Value, started.Timestamp);
        Assert.True(waited >= margin - TimeSpan.FromMilliseconds(100), $"started {waited} after the removal; the margin is {margin}");
        Assert.Contains(c.Logs.Lines, l => l.Contains("down-removal-margin elapsed", StringComparison.Ordinal));
    }
}
