using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Cluster.Protocol;

public sealed partial class ClusterCore
{
    private void LeaderTick(TimeSpan now)
    {
        if (!IsInitialized) return;
        if (State.IsLeader(Self))
        {
            if (State.Convergence(_exitingConfirmed))
            {
                _leaderActionCounter = 0;
                var result = LeaderActions.OnConvergence(State, _settings, _exitingConfirmed, NowUnixMs);
                if (result.Gossip is not null)
                {
                    foreach (var m in result.MovedUp) _log.LogInformation("Leader is moving {Member} to Up", m.UniqueAddress);
                    foreach (var m in result.Removed) _log.LogInformation("Leader is removing {Status} member {Member}", m.Status, m.UniqueAddress);
                    SetGossip(result.Gossip);
                    // Exiting members are told straight to the oldest, where singletons live, to start hand-over early.
                    if (!result.MovedToExiting.IsEmpty)
                        foreach (var oldest in State.OldestMembers(2))
                            if (!oldest.UniqueAddress.Equals(Self)) SendGossipTo(oldest.UniqueAddress);
                }
            }
            else
            {
                _leaderActionCounter++;
                if (_settings.AllowWeaklyUpMembers is { } after && _settings.LeaderActionsInterval * _leaderActionCounter >= after)
                {
                    var result = LeaderActions.MoveJoiningToWeaklyUp(State, _settings);
                    if (result.Gossip is not null)
                    {
                        foreach (var m in result.MovedToWeaklyUp) _log.LogInformation("Leader is moving {Member} to WeaklyUp", m.UniqueAddress);
                        SetGossip(result.Gossip);
                    }
                }
                if (_leaderActionCounter == 20 || _leaderActionCounter % 60 == 0)
                    _log.LogInformation("Leader can currently not perform its duties: no convergence; unreachable {Unreachable}",
                        string.Join(", ", State.UnreachableMembers.Select(m => m.UniqueAddress)));
            }
        }
        _exitingConfirmed = _exitingConfirmed.Where(State.LatestGossip.HasMember).ToImmutableHashSet();

        var action = _sbr.Tick(State, now);
        if (action is not null)
        {
            _log.LogWarning("Split brain resolver: {Reason}; downing {Nodes}", action.Reason, string.Join(", ", action.NodesToDown));
            foreach (var node in action.NodesToDown.OrderBy(n => n.Equals(Self)).ThenBy(n => n))
                if (State.LatestGossip.GetMember(node) is { } m) DownMember(m, "split brain resolver");
        }

        ShutdownSelfWhenDownOrExiting();
    }

    private void ShutdownSelfWhenDownOrExiting()
    {
        var self = State.SelfMember;
        if (self is null) return;
        var gossip = State.LatestGossip;
        var othersHaveSeen = gossip.Members.All(m => m.Equals(self) || m.Status is MemberStatus.Down or MemberStatus.Exiting
            || gossip.SeenByNode(m.UniqueAddress) || !State.Reachability.IsReachable(Self, m.UniqueAddress));
        if (self.Status == MemberStatus.Down)
        {
            // Spread the Down before going, so the others do not wait for the failure detector.
            foreach (var m in gossip.Members)
                if (State.ValidNodeForGossip(m.UniqueAddress) && !gossip.SeenByNode(m.UniqueAddress)) SendGossipTo(m.UniqueAddress);
            if (othersHaveSeen || ++_selfDownCounter >= _settings.MaxTicksBeforeShuttingDownMyself)
                Terminate("this node was downed");
        }
        else if (self.Status == MemberStatus.Exiting)
        {
            if (othersHaveSeen || ++_selfExitingCounter >= _settings.MaxTicksBeforeShuttingDownMyself)
            {
                foreach (var m in gossip.Members)
                    if (!m.Equals(self)) Post(m.Address, new ExitingConfirmed(Self));
                Terminate("this node left the cluster");
            }
        }
    }
}
