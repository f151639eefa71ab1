using System.Collections.Immutable;
using Akka.Actor;
using ClusterLb.Balancing.Discovery;
using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Logging;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Runtime.Discovery;

/// <summary>
/// Writes one pool's discovered hosts into the registry. Its child, the source (<see cref="DnsDiscoveryActor"/>,
/// <see cref="AkkaClusterDiscoveryActor"/>, <see cref="KubernetesDiscoveryActor"/>), reports every answer. This actor
/// writes only a host set that differs from the last one written, one write at a time and at most one per
/// <see cref="DiscoverySettings.WriteInterval"/>: answers inside the window are coalesced and the latest is written at
/// its end. So the registry sees at most one change per pool per window, however fast the source flaps.
/// </summary>
public sealed class PoolDiscoveryActor : ReceiveActor, IWithTimers
{
    private const string WriteTimer = "write";
    private readonly string _poolId;
    private readonly DiscoverySettings _settings;
    private readonly IRegistryAdmin _registry;
    private readonly Props _source;
    private readonly ILogger _log;
    private ImmutableArray<DiscoveredHost>? _latest;
    private string? _written;
    private bool _writing;
    private DateTime _lastWrite = DateTime.MinValue;

    /// <summary>Use <see cref="Props"/>.</summary>
    public PoolDiscoveryActor(string poolId, DiscoverySettings settings, IRegistryAdmin registry, Props source)
    {
        _poolId = poolId;
        _settings = settings;
        _registry = registry;
        _source = source;
        _log = Context.System.Logger<PoolDiscoveryActor>();
        Receive<HostsDiscovered>(found =>
        {
            _latest = found.Hosts;
            TryWrite();
        });
        Receive<WriteDue>(_ => TryWrite());
        Receive<WriteDone>(OnWritten);
        Receive<WriteFault>(fault =>
        {
            _writing = false;
            _log.WriteFailed(fault.Cause, _poolId, _settings.Type, (long)_settings.WriteInterval.TotalMilliseconds);
            Timers.StartSingleTimer(WriteTimer, WriteDue.Instance, _settings.WriteInterval);
        });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of <paramref name="poolId"/>'s writer, with <paramref name="source"/> as its child.</summary>
    public static Props Props(string poolId, DiscoverySettings settings, IRegistryAdmin registry, Props source) =>
        Akka.Actor.Props.Create(() => new PoolDiscoveryActor(poolId, settings, registry, source));

    /// <summary>The source actor a <paramref name="settings"/> block asks for.</summary>
    public static Props SourceFor(string poolId, DiscoverySettings settings) => settings switch
    {
        DnsDiscoverySettings dns => DnsDiscoveryActor.Props(poolId, dns),
        AkkaClusterDiscoverySettings members => AkkaClusterDiscoveryActor.Props(poolId, members),
        KubernetesDiscoverySettings kubernetes => KubernetesDiscoveryActor.Props(poolId, kubernetes),
        _ => throw new NotSupportedException($"discovery type {settings.Type}"),
    };

    /// <inheritdoc />
    protected override void PreStart() => Context.ActorOf(_source, _settings.Type);

    private void TryWrite()
    {
        if (_writing || _latest is not { } hosts || Fingerprint(hosts) == _written)
        {
            return;
        }
        var wait = _lastWrite + _settings.WriteInterval - DateTime.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            Timers.StartSingleTimer(WriteTimer, WriteDue.Instance, wait);
            return;
        }
        _writing = true;
        _registry.ApplyAsync(new SyncDiscoveredHosts(_poolId, _settings.Type, hosts), CancellationToken.None)
            .PipeTo(Self, success: r => new WriteDone(hosts, r), failure: ex => new WriteFault(ex));
    }

    private void OnWritten(WriteDone done)
    {
        _writing = false;
        _lastWrite = DateTime.UtcNow;
        var result = done.Result;
        // A refused write (the pool was deleted, a bad address) is not retried until the source's answer changes.
        _written = Fingerprint(done.Hosts);
        if (result.Status != RegistryWriteStatus.Applied)
        {
            _log.WriteWarning(_poolId, _settings.Type, $"not written ({result.Status}): {result.Reason}");
        }
        else
        {
            if (result.Consistency != "unchanged")
            {
                _log.HostsWritten(_poolId, _settings.Type, done.Hosts.Length, _written, result.Consistency);
            }
            if (result.Reason.Length > 0)
            {
                _log.WriteWarning(_poolId, _settings.Type, result.Reason);
            }
        }
        TryWrite();
    }

    private static string Fingerprint(ImmutableArray<DiscoveredHost> hosts) =>
        string.Join(", ", hosts.Select(h => $"{h.Address}*{h.Weight}{(h.Draining ? " draining" : "")}").Order(StringComparer.Ordinal));

    private sealed record WriteDone(ImmutableArray<DiscoveredHost> Hosts, RegistryWriteResult Result);

    private sealed record WriteFault(Exception Cause);

    private sealed class WriteDue
    {
        public static readonly WriteDue Instance = new();
    }
}
