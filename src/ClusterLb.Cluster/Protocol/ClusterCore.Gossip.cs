using Microsoft.Extensions.Logging;

namespace ClusterLb.Cluster.Protocol;

public sealed partial class ClusterCore
{
    private void GossipTick()
    {
        if (!IsInitialized) return;
        SetGossip(State.LatestGossip.PruneTombstones(NowUnixMs - (long)_settings.PruneGossipTombstonesAfter.TotalMilliseconds));
        var target = GossipTargetSelector.Select(State, _random, _settings.GossipDifferentViewProbability,
            _settings.ReduceGossipDifferentViewProbability);
        if (target is null) return;
        if (target.SendFullGossip) SendGossipTo(target.Node);
        else Post(target.Node.Address, new GossipStatus(Self, State.LatestGossip.Version));
    }

    private bool IsGossipSpeedupNeeded =>
        State.Members.Any(m => m.Status == MemberStatus.Down) || State.LatestGossip.SeenBy.Count < State.Members.Count / 2;

    private void SendGossipTo(UniqueAddress node) =>
        Post(node.Address, new GossipEnvelope(Self, node, State.LatestGossip));

    private void ReceiveGossipStatus(GossipStatus status)
    {
        if (!IsInitialized || !State.LatestGossip.HasMember(status.From) || !State.Reachability.IsReachable(Self, status.From))
            return;
        switch (status.Version.CompareTo(State.LatestGossip.Version))
        {
            case VectorClockOrdering.Same:
                break;
            case VectorClockOrdering.After:
                Post(status.From.Address, new GossipStatus(Self, State.LatestGossip.Version)); // ask for theirs
                break;
            default:
                SendGossipTo(status.From);
                break;
        }
    }

    private void ReceiveGossip(GossipEnvelope envelope)
    {
        if (envelope.ReceivedTimestamp is { } arrived && _time.GetElapsedTime(arrived) is var waited && waited > _settings.GossipTimeToLive)
        {
            // Akka's gossip-time-to-live: a backlog of stale gossip would only delay the fresh state behind it.
            ClusterMetrics.GossipReceived.Add(1, new KeyValuePair<string, object?>("outcome", "overdue"));
            _log.LogDebug("Discarding gossip from {From}: it waited {Waited} here, longer than gossip-time-to-live {Ttl}",
                envelope.From, waited, _settings.GossipTimeToLive);
            return;
        }
        var remote = envelope.Gossip;
        if (!envelope.To.Equals(Self)) return; // meant for another incarnation on this address
        if (remote.IsTombstoned(Self))
        {
            Terminate("removed from the cluster");
            return;
        }
        var local = State.LatestGossip;
        if (!IsInitialized || !local.HasMember(envelope.From) || !State.Reachability.IsReachable(Self, envelope.From) || !remote.HasMember(Self))
            return;

        Gossip winner;
        bool talkback;
        var comparison = remote.Version.CompareTo(local.Version);
        ClusterMetrics.GossipReceived.Add(1, new KeyValuePair<string, object?>("outcome", comparison switch
        {
            VectorClockOrdering.Same => "same",
            VectorClockOrdering.Before => "older",
            VectorClockOrdering.After => "newer",
            _ => "merge",
        }));
        switch (comparison)
        {
            case VectorClockOrdering.Same:
                winner = remote.MergeSeen(local);
                talkback = !remote.SeenByNode(Self);
                break;
            case VectorClockOrdering.Before:
                winner = local;
                talkback = true;
                break;
            case VectorClockOrdering.After:
                winner = remote;
                talkback = !remote.SeenByNode(Self);
                break;
            default:
                // A Down/Exiting member present on one side only was removed on the other: drop its clock entry
                // first, so the removal does not look like a conflicting history forever.
                var prunedLocal = PruneOneSided(local, remote);
                var prunedRemote = PruneOneSided(remote, local);
                winner = prunedRemote.Merge(prunedLocal);
                talkback = true;
                break;
        }
        SetGossip(winner.Seen(Self));
        if (talkback) SendGossipTo(envelope.From);
    }

    private static Gossip PruneOneSided(Gossip gossip, Gossip other)
    {
        var result = gossip;
        foreach (var m in gossip.Members)
            if (m.Status is MemberStatus.Down or MemberStatus.Exiting && !other.HasMember(m.UniqueAddress))
                result = result.Prune(m.UniqueAddress);
        return result;
    }
}
