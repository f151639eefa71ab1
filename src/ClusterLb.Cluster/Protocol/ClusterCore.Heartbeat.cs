using System.Collections.Immutable;
using ClusterLb.Cluster.FailureDetection;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Cluster.Protocol;

public sealed partial class ClusterCore
{
    private ImmutableHashSet<UniqueAddress> _heartbeatReceivers = [];
    private ImmutableDictionary<UniqueAddress, TimeSpan> _firstHeartbeatSent = ImmutableDictionary<UniqueAddress, TimeSpan>.Empty;
    private long _heartbeatSeq;

    /// <summary>The nodes this node currently heartbeats.</summary>
    public IReadOnlySet<UniqueAddress> HeartbeatReceivers => _heartbeatReceivers;

    private void HeartbeatTick(TimeSpan now)
    {
        if (!IsInitialized) return;
        var gossip = State.LatestGossip;
        var members = gossip.Members.Select(m => m.UniqueAddress).ToList();
        var ring = new HeartbeatNodeRing(Self, members, State.Reachability.AllUnreachableOrTerminated,
            _settings.FailureDetector.MonitoredByNrOfMembers);
        // Keep watching former receivers this node reported unreachable, so they can become reachable again.
        var receivers = ring.MyReceivers
            .Concat(_heartbeatReceivers.Where(n => gossip.HasMember(n) && !State.Reachability.IsReachable(Self, n)))
            .ToImmutableHashSet();
        foreach (var dropped in _heartbeatReceivers.Except(receivers))
        {
            FailureDetector.Remove(dropped);
            _firstHeartbeatSent = _firstHeartbeatSent.Remove(dropped);
        }
        _heartbeatReceivers = receivers;

        var nowMs = (long)now.TotalMilliseconds;
        // Sorted, not hash order: hash codes of strings differ per process, and output order must be reproducible.
        foreach (var node in receivers.OrderBy(n => n))
        {
            if (!_firstHeartbeatSent.TryGetValue(node, out var first))
                _firstHeartbeatSent = _firstHeartbeatSent.SetItem(node, now);
            else if (now - first >= _settings.FailureDetector.ExpectedResponseAfter && !FailureDetector.IsMonitoring(node))
                FailureDetector.Heartbeat(node); // never answered: start the clock so it can become unreachable
            Post(node.Address, new Heartbeat(Self, ++_heartbeatSeq, nowMs));
        }
    }

    private void ReceiveHeartbeatRsp(HeartbeatRsp rsp)
    {
        if (_heartbeatReceivers.Contains(rsp.From)) FailureDetector.Heartbeat(rsp.From);
    }

    private void ReapUnreachableMembers()
    {
        if (!IsInitialized) return;
        var reachability = State.Reachability;
        var changed = reachability;
        foreach (var m in State.Members)
        {
            var node = m.UniqueAddress;
            if (node.Equals(Self)) continue;
            var status = reachability.Status(Self, node);
            var available = FailureDetector.IsAvailable(node);
            if (!available && status == ReachabilityStatus.Reachable)
            {
                _log.LogWarning("Marking node {Node} as Unreachable", node);
                changed = changed.Unreachable(Self, node);
                ClusterMetrics.ReachabilityChanges.Add(1, new KeyValuePair<string, object?>("status", "unreachable"));
            }
            else if (available && status == ReachabilityStatus.Unreachable)
            {
                _log.LogInformation("Marking node {Node} as Reachable", node);
                changed = changed.Reachable(Self, node);
                ClusterMetrics.ReachabilityChanges.Add(1, new KeyValuePair<string, object?>("status", "reachable"));
            }
        }
        if (!ReferenceEquals(changed, reachability))
            UpdateGossip(State.LatestGossip.WithReachability(changed));
    }
}
