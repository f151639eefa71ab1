using Akka.Actor;
using ClusterLb.Balancing.Discovery;
using ClusterLb.Runtime.Logging;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Runtime.Discovery;

/// <summary>
/// Lists one pool's Service EndpointSlices every <c>interval</c> and tells its parent (<see cref="PoolDiscoveryActor"/>)
/// every host they hold now (<see cref="EndpointSliceHosts"/>); an answer with no endpoints is an empty set. A failed
/// list (an error status, a timeout, no connection, unreadable credentials) tells the parent nothing, so the last
/// hosts stay; it is logged once per streak of failures, and the next list is due at the interval as always.
/// </summary>
public sealed class KubernetesDiscoveryActor : ReceiveActor, IWithTimers
{
    private const string ListTimer = "list";
    private readonly string _poolId;
    private readonly KubernetesDiscoverySettings _settings;
    private readonly EndpointSliceLister _lister;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private int _lastCount;
    private int _failures;
    private string _note = "";

    /// <summary>Use <see cref="Props"/>.</summary>
    public KubernetesDiscoveryActor(string poolId, KubernetesDiscoverySettings settings, Func<string, string?>? environment = null)
    {
        _poolId = poolId;
        _settings = settings;
        _lister = new EndpointSliceLister(settings, KubernetesApiConnection.Namespace(settings), environment);
        _log = Context.System.Logger<KubernetesDiscoveryActor>();
        Receive<List>(_ => _lister.ListAsync(_stopping.Token).PipeTo(Self, failure: ex => KubernetesListing.Failed(ex.GetBaseException().Message)));
        Receive<KubernetesListing>(OnListing);
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the lister of <paramref name="poolId"/>.</summary>
    public static Props Props(string poolId, KubernetesDiscoverySettings settings) =>
        Akka.Actor.Props.Create(() => new KubernetesDiscoveryActor(poolId, settings, null));

    /// <inheritdoc />
    protected override void PreStart()
    {
        _log.KubernetesListing(_poolId, _settings.Service, _lister.Namespace, (long)_settings.Interval.TotalMilliseconds);
        Self.Tell(List.Instance);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _lister.Dispose();
    }

    private void OnListing(KubernetesListing listing)
    {
        if (!listing.Succeeded)
        {
            if (_failures++ == 0)
            {
                _log.KubernetesFailed(_poolId, listing.Error, _lastCount, (long)_settings.Interval.TotalMilliseconds);
            }
        }
        else
        {
            if (_failures > 0)
            {
                _log.KubernetesRecovered(_poolId, _failures, listing.Hosts.Length);
                _failures = 0;
            }
            if (listing.Note != _note)
            {
                _note = listing.Note;
                if (_note.Length > 0)
                {
                    _log.KubernetesNote(_poolId, _note);
                }
            }
            _lastCount = listing.Hosts.Length;
            Context.Parent.Tell(new HostsDiscovered(listing.Hosts));
        }
        Timers.StartSingleTimer(ListTimer, List.Instance, _settings.Interval);
    }

    private sealed class List
    {
        public static readonly List Instance = new();
    }
}
