using System.Text;
using ClusterLb.Cluster.Protocol;

namespace ClusterLb.Cluster.Tests.Simulation;

/// <summary>
/// N cluster cores exchanging messages through a discrete-event scheduler on a virtual clock. Everything random
/// (uids, latencies, tick phases, gossip partners) comes from one seed, so a failing run replays exactly.
/// Links can be cut in both directions (partitions) and processes killed or restarted on the same address.
/// </summary>
internal sealed class ClusterSimulation
{
    private static readonly TimeSpan TickEvery = TimeSpan.FromMilliseconds(100);
    private readonly PriorityQueue<Action, (long At, long Seq)> _queue = new();
    private readonly HashSet<(Address, Address)> _blocked = [];
    private readonly List<string> _trace = [];
    private long _seq;

    public ClusterSimulation(int seed, ClusterSettings? settings = null)
    {
        Seed = seed;
        Random = new Random(seed);
        Settings = settings ?? new ClusterSettings();
    }

    public int Seed { get; }
    public Random Random { get; }
    public ClusterSettings Settings { get; private set; }
    public VirtualTimeProvider Time { get; } = new();
    public TimeSpan Now => Time.Elapsed;
    public List<SimNode> Nodes { get; } = [];
    public IEnumerable<SimNode> AliveNodes => Nodes.Where(n => n.Alive);
    /// <summary>Messages handed to the network, by message type (for the benchmark's traffic numbers).</summary>
    public Dictionary<string, long> MessagesSent { get; } = [];

    /// <summary>Creates n nodes; the first <paramref name="seedCount"/> are the seed nodes, in order.</summary>
    public ClusterSimulation WithNodes(int n, int seedCount = 2)
    {
        for (var i = 1; i <= n; i++)
            Nodes.Add(new SimNode($"n{i}", new Address(Address.DefaultProtocol, "sim", $"10.0.0.{i}", 2552)));
        Settings = Settings with { SeedNodes = [.. Nodes.Take(seedCount).Select(x => x.Address)] };
        return this;
    }

    public SimNode this[int i] => Nodes[i - 1];

    /// <summary>Starts a new incarnation (fresh uid) of <paramref name="node"/> after a random delay up to <paramref name="maxDelay"/>.</summary>
    public void Start(SimNode node, TimeSpan? maxDelay = null)
    {
        var delay = maxDelay is { } d ? TimeSpan.FromMilliseconds(Random.Next((int)d.TotalMilliseconds + 1)) : TimeSpan.Zero;
        var uid = Random.NextInt64(1, long.MaxValue);
        var coreSeed = Random.Next();
        Schedule(delay, () =>
        {
            node.Core = new ClusterCore(new UniqueAddress(node.Address, uid), Settings, Time, new Random(coreSeed));
            node.Alive = true;
            Trace($"start {node.Name} uid={uid}");
            Apply(node, node.Core.Start());
            var phase = TimeSpan.FromMilliseconds(Random.Next(100));
            ScheduleTick(node, node.Core, phase);
        });
    }

    public void StartAll(TimeSpan? maxDelay = null)
    {
        foreach (var n in Nodes) Start(n, maxDelay);
    }

    /// <summary>The process dies: no more ticks, messages to it are lost.</summary>
    public void Kill(SimNode node)
    {
        node.Alive = false;
        Trace($"kill {node.Name}");
    }

    /// <summary>Cuts every link between the two sides, both directions.</summary>
    public void Partition(IEnumerable<SimNode> a, IEnumerable<SimNode> b)
    {
        var bs = b.ToList();
        foreach (var x in a)
            foreach (var y in bs)
            {
                _blocked.Add((x.Address, y.Address));
                _blocked.Add((y.Address, x.Address));
            }
        Trace("partition " + string.Join(",", a.Select(n => n.Name)) + " | " + string.Join(",", bs.Select(n => n.Name)));
    }

    /// <summary>Cuts the link from <paramref name="from"/> to <paramref name="to"/> only.</summary>
    public void Block(SimNode from, SimNode to) => _blocked.Add((from.Address, to.Address));

    public void Heal()
    {
        _blocked.Clear();
        Trace("heal");
    }

    /// <summary>Runs until <paramref name="condition"/> holds (checked every 100 ms) or <paramref name="timeout"/> passes.</summary>
    public bool RunUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Now + timeout;
        var nextCheck = Now;
        while (true)
        {
            if (Now >= nextCheck)
            {
                if (condition()) return true;
                nextCheck = Now + TickEvery;
            }
            if (Now >= deadline) return false;
            if (!_queue.TryPeek(out _, out var next) || TimeSpan.FromTicks(next.At) > nextCheck)
            {
                Time.AdvanceTo(nextCheck);
                continue;
            }
            var action = _queue.Dequeue();
            Time.AdvanceTo(TimeSpan.FromTicks(next.At));
            action();
        }
    }

    public void RunFor(TimeSpan duration) => RunUntil(() => false, duration);

    /// <summary>Each alive node agrees: exactly <paramref name="expected"/> are members, all Up, converged, one leader.</summary>
    public bool IsConverged(IReadOnlyCollection<SimNode> expected)
    {
        if (expected.Any(n => n.Core is null)) return false;
        var uids = expected.Select(n => n.Self).ToHashSet();
        UniqueAddress? leader = null;
        foreach (var n in expected)
        {
            if (!n.Alive || !n.Core.IsInitialized) return false;
            var s = n.State;
            if (s.Members.Count != uids.Count || !s.Members.All(m => uids.Contains(m.UniqueAddress) && m.Status == MemberStatus.Up))
                return false;
            if (!n.Core.Convergence || s.Leader is null) return false;
            if (leader is not null && !leader.Equals(s.Leader)) return false;
            leader = s.Leader;
        }
        return true;
    }

    public string Describe()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"seed={Seed} now={Now.TotalSeconds:0.0}s");
        foreach (var n in Nodes.Where(n => n.Core is not null))
        {
            sb.AppendLine($"  {n.Name} alive={n.Alive} terminated={n.Core.IsTerminated} ({n.Core.TerminationReason}) convergence={n.Core.Convergence} leader={n.State.Leader}");
            foreach (var m in n.State.Members)
                sb.AppendLine($"    {m} seen={n.State.LatestGossip.SeenByNode(m.UniqueAddress)} reach={n.State.Reachability.Status(m.UniqueAddress)}");
        }
        sb.AppendLine("  trace (last 40):");
        foreach (var line in _trace.TakeLast(70)) sb.AppendLine("    " + line);
        return sb.ToString();
    }

    /// <summary>The whole trace, for checking that a seed replays identically.</summary>
    public IReadOnlyList<string> FullTrace => _trace;

    public void Trace(string line) => _trace.Add($"{Now.TotalSeconds,8:0.000}s {line}");

    private void ScheduleTick(SimNode node, ClusterCore core, TimeSpan after) =>
        Schedule(after, () =>
        {
            if (!node.Alive || !ReferenceEquals(node.Core, core)) return;
            Apply(node, core.Tick());
            ScheduleTick(node, core, TickEvery);
        });

    private void Apply(SimNode node, CoreEffects effects)
    {
        foreach (var e in effects.Events)
        {
            node.Events.Add((Now, e));
            Trace($"{node.Name}: {e}");
        }
        foreach (var send in effects.Messages) Deliver(node, send);
        if (effects.Terminated && node.Alive)
        {
            node.Alive = false;
            Trace($"{node.Name} terminated: {effects.TerminationReason}");
        }
    }

    private void Deliver(SimNode from, Send send)
    {
        var kind = send.Message.GetType().Name;
        MessagesSent[kind] = MessagesSent.GetValueOrDefault(kind) + 1;
        if (_blocked.Contains((from.Address, send.To))) return;
        var latency = TimeSpan.FromMilliseconds(1 + Random.Next(20));
        Schedule(latency, () =>
        {
            if (_blocked.Contains((from.Address, send.To))) return;
            var target = Nodes.Find(n => n.Address == send.To);
            if (target is null || !target.Alive) return;
            Apply(target, target.Core.Receive(send.Message));
        });
    }

    private void Schedule(TimeSpan after, Action action) =>
        _queue.Enqueue(action, ((Now + after).Ticks, _seq++));
}
