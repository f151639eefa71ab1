using Akka.Actor;
using ClusterLb.Balancing.Discovery;
using ClusterLb.Runtime.Logging;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Runtime.Discovery;

/// <summary>
/// Resolves one pool's DNS discovery name and tells its parent (<see cref="PoolDiscoveryActor"/>) every answer.
/// The next resolution is due when the shortest TTL runs out, never sooner than <c>min-interval</c> nor later than
/// <c>interval</c>. A failed resolution keeps the last hosts and retries with a doubling pause (logged once per
/// streak of failures); a name with no answer keeps them for <c>hold</c>, then reports none.
/// </summary>
public sealed class DnsDiscoveryActor : ReceiveActor, IWithTimers
{
    private const string ResolveTimer = "resolve";
    private readonly string _poolId;
    private readonly DnsDiscoverySettings _settings;
    private readonly DnsHostResolver _resolver;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private DateTime _lastAnswer = DateTime.UtcNow;
    private int _lastCount;
    private int _misses;

    /// <summary>Use <see cref="Props"/>.</summary>
    public DnsDiscoveryActor(string poolId, DnsDiscoverySettings settings)
    {
        _poolId = poolId;
        _settings = settings;
        _resolver = new DnsHostResolver(settings);
        _log = Context.System.Logger<DnsDiscoveryActor>();
        Receive<Resolve>(_ => _resolver.ResolveAsync(_stopping.Token).PipeTo(Self, failure: ex => DnsResolution.Failed(ex.GetBaseException().Message)));
        Receive<DnsResolution>(OnResolution);
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the resolver of <paramref name="poolId"/>.</summary>
    public static Props Props(string poolId, DnsDiscoverySettings settings) =>
        Akka.Actor.Props.Create(() => new DnsDiscoveryActor(poolId, settings));

    /// <inheritdoc />
    protected override void PreStart() => Self.Tell(Resolve.Instance);

    /// <inheritdoc />
    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void OnResolution(DnsResolution resolution)
    {
        TimeSpan next;
        switch (resolution.Outcome)
        {
            case DnsOutcome.Answered:
                if (_misses > 0)
                {
                    _log.DnsRecovered(_poolId, resolution.Hosts.Length);
                }
                _misses = 0;
                _lastAnswer = DateTime.UtcNow;
                _lastCount = resolution.Hosts.Length;
                Context.Parent.Tell(new HostsDiscovered(resolution.Hosts));
                next = Clamp(resolution.Ttl);
                break;
            case DnsOutcome.NoAnswer:
                next = Backoff();
                if (_misses == 1)
                {
                    _log.DnsNoAnswer(_poolId, resolution.Error, (long)_settings.Hold.TotalMilliseconds);
                }
                if (DateTime.UtcNow - _lastAnswer >= _settings.Hold)
                {
                    _lastCount = 0;
                    Context.Parent.Tell(new HostsDiscovered([]));
                }
                break;
            default:
                next = Backoff();
                if (_misses == 1)
                {
                    // Once per streak; DnsRecovered says when it ends.
                    _log.DnsFailed(_poolId, resolution.Error, _lastCount, (long)next.TotalMilliseconds);
                }
                break;
        }
        Timers.StartSingleTimer(ResolveTimer, Resolve.Instance, next);
    }

    private TimeSpan Clamp(TimeSpan ttl) =>
        ttl < _settings.MinInterval ? _settings.MinInterval : ttl > _settings.Interval ? _settings.Interval : ttl;

    // min-interval, then twice as long after each miss in a row, up to interval.
    private TimeSpan Backoff()
    {
        var pause = _settings.MinInterval * Math.Pow(2, Math.Min(_misses++, 16));
        return pause > _settings.Interval ? _settings.Interval : pause;
    }

    private sealed class Resolve
    {
        public static readonly Resolve Instance = new();
    }
}
