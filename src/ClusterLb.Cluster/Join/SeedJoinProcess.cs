using System.Collections.Immutable;

namespace ClusterLb.Cluster.Join;

/// <summary>Something the seed join process wants done.</summary>
public abstract record JoinCommand;
/// <summary>Send InitJoin to a seed.</summary>
public sealed record SendInitJoin(Address To) : JoinCommand;
/// <summary>Send Join to the node that acknowledged.</summary>
public sealed record SendJoin(Address To) : JoinCommand;
/// <summary>Form a new cluster with this node as its only member.</summary>
public sealed record JoinSelf : JoinCommand;

/// <summary>Where the join stands.</summary>
public enum SeedJoinPhase
{
    /// <summary>Not started, or no seeds configured.</summary>
    Idle,
    /// <summary>This node is the first seed: asking the other seeds whether a cluster exists, forming one on timeout.</summary>
    FirstSeedDiscovery,
    /// <summary>Asking all seeds until one acknowledges.</summary>
    SeedDiscovery,
    /// <summary>Join sent; waiting for Welcome.</summary>
    AwaitingWelcome,
    /// <summary>Welcomed, or formed the cluster.</summary>
    Joined,
}

/// <summary>
/// The seed-node join protocol as a pure state machine: events in (time, InitJoinAck/Nack, Welcome), commands out.
/// The first seed asks the other seeds every second and forms the cluster itself only when all of them say no, or
/// nobody answers within seed-node-timeout, so a restarted first seed rejoins the running cluster instead of
/// forming an island. Every other node asks all seeds every seed-node-timeout and joins the first that says yes.
/// A Join without Welcome is retried from scratch after retry-unsuccessful-join-after.
/// </summary>
public sealed class SeedJoinProcess
{
    /// <summary>How often the first seed repeats InitJoin (Akka's JoinSeedNodeTick).</summary>
    public static readonly TimeSpan FirstSeedResendInterval = TimeSpan.FromSeconds(1);

    private readonly Address _self;
    private readonly ImmutableArray<Address> _seeds;
    private readonly TimeSpan _seedNodeTimeout;
    private readonly TimeSpan? _retryJoinAfter;
    private ImmutableHashSet<Address> _remaining = [];
    private TimeSpan _deadline;
    private TimeSpan _nextResend;

    /// <summary>Creates the process; nothing is sent before <see cref="Start"/>.</summary>
    public SeedJoinProcess(Address self, IEnumerable<Address> seeds, TimeSpan seedNodeTimeout, TimeSpan? retryUnsuccessfulJoinAfter)
    {
        _self = self;
        _seeds = seeds.Distinct().ToImmutableArray();
        _seedNodeTimeout = seedNodeTimeout;
        _retryJoinAfter = retryUnsuccessfulJoinAfter;
    }

    /// <summary>Current phase.</summary>
    public SeedJoinPhase Phase { get; private set; }
    /// <summary>The node a Join was sent to (while awaiting Welcome).</summary>
    public Address? JoinTarget { get; private set; }

    /// <summary>Begins (or restarts) the join.</summary>
    public IReadOnlyList<JoinCommand> Start(TimeSpan now)
    {
        JoinTarget = null;
        if (_seeds.IsEmpty)
        {
            Phase = SeedJoinPhase.Idle;
            return [];
        }
        if (_seeds.Length == 1 && _seeds[0] == _self)
            return Joined(new JoinSelf());
        _remaining = _seeds.Where(s => s != _self).ToImmutableHashSet();
        if (_seeds[0] == _self)
        {
            Phase = SeedJoinPhase.FirstSeedDiscovery;
            _deadline = now + _seedNodeTimeout;
            _nextResend = now + FirstSeedResendInterval;
        }
        else
        {
            Phase = SeedJoinPhase.SeedDiscovery;
            _nextResend = now + _seedNodeTimeout;
        }
        return InitJoins();
    }

    /// <summary>Sends Join straight to <paramref name="target"/> (a manual join without seeds).</summary>
    public IReadOnlyList<JoinCommand> JoinTo(Address target, TimeSpan now)
    {
        if (target == _self) return Joined(new JoinSelf());
        return AwaitWelcome(target, now);
    }

    /// <summary>Time passes: resends, first-seed timeout, join retry.</summary>
    public IReadOnlyList<JoinCommand> Tick(TimeSpan now)
    {
        switch (Phase)
        {
            case SeedJoinPhase.FirstSeedDiscovery when now >= _deadline:
                return Joined(new JoinSelf());
            case SeedJoinPhase.FirstSeedDiscovery when now >= _nextResend:
                _nextResend = now + FirstSeedResendInterval;
                return InitJoins();
            case SeedJoinPhase.SeedDiscovery when now >= _nextResend:
                _nextResend = now + _seedNodeTimeout;
                return InitJoins();
            case SeedJoinPhase.AwaitingWelcome when _retryJoinAfter is not null && now >= _deadline:
                return _seeds.IsEmpty ? AwaitWelcome(JoinTarget!, now) : Start(now);
            default:
                return [];
        }
    }

    /// <summary>A seed said a cluster exists: join through it (only the first Ack counts).</summary>
    public IReadOnlyList<JoinCommand> OnInitJoinAck(Address from, TimeSpan now) =>
        Phase is SeedJoinPhase.FirstSeedDiscovery or SeedJoinPhase.SeedDiscovery ? AwaitWelcome(from, now) : [];

    /// <summary>A seed said no. Only the first seed cares: when every other seed said no, it forms the cluster.</summary>
    public IReadOnlyList<JoinCommand> OnInitJoinNack(Address from, TimeSpan now)
    {
        if (Phase != SeedJoinPhase.FirstSeedDiscovery) return [];
        _remaining = _remaining.Remove(from);
        return _remaining.IsEmpty ? Joined(new JoinSelf()) : [];
    }

    /// <summary>True when the Welcome comes from the node we asked; the join is then complete.</summary>
    public bool OnWelcome(Address from)
    {
        if (Phase != SeedJoinPhase.AwaitingWelcome || from != JoinTarget) return false;
        Phase = SeedJoinPhase.Joined;
        return true;
    }

    private IReadOnlyList<JoinCommand> InitJoins() =>
        _remaining.OrderBy(a => a, AddressOrdering.Instance).Select(a => (JoinCommand)new SendInitJoin(a)).ToList();

    private IReadOnlyList<JoinCommand> AwaitWelcome(Address target, TimeSpan now)
    {
        Phase = SeedJoinPhase.AwaitingWelcome;
        JoinTarget = target;
        _deadline = now + (_retryJoinAfter ?? TimeSpan.Zero);
        return [new SendJoin(target)];
    }

    private IReadOnlyList<JoinCommand> Joined(JoinCommand command)
    {
        Phase = SeedJoinPhase.Joined;
        JoinTarget = _self;
        return [command];
    }
}
