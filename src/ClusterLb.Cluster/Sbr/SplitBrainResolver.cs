using System.Collections.Immutable;

namespace ClusterLb.Cluster.Sbr;

/// <summary>A decision the resolver wants carried out: mark these nodes Down.</summary>
public sealed record SbrAction(SbrDecision Decision, ImmutableHashSet<UniqueAddress> NodesToDown, string Reason);

/// <summary>
/// When to decide. Decisions are made only by this side's leader, and only after membership and the unreachable
/// set were unchanged for stable-after, so a flapping link does not down anyone. If the unreachable set keeps
/// changing for stable-after + down-all-when-unstable after the first change, every node downs everyone: a
/// persistently unstable network cannot be resolved safely. Time is passed in (monotonic), so this is testable
/// without waiting.
/// </summary>
public sealed class SplitBrainResolver
{
    private readonly SplitBrainResolverSettings _settings;
    private ImmutableHashSet<UniqueAddress>? _lastUnreachable;
    private ImmutableHashSet<(UniqueAddress, MemberStatus)>? _lastMembers;
    private TimeSpan _stableDeadline;
    private TimeSpan? _firstChange;
    private TimeSpan _latestChange;

    /// <summary>Creates a resolver with the strategy from <paramref name="settings"/>.</summary>
    public SplitBrainResolver(SplitBrainResolverSettings settings, DowningStrategy? strategy = null)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        Strategy = strategy ?? DowningStrategy.Create(settings);
    }

    /// <summary>The active strategy.</summary>
    public DowningStrategy Strategy { get; }

    /// <summary>When the current unstable period began, or null when stable.</summary>
    public TimeSpan? InstabilityStartedAt => _firstChange;

    /// <summary>Observes the node's state at <paramref name="now"/> and returns what to down, if anything.</summary>
    public SbrAction? Tick(MembershipState state, TimeSpan now)
    {
        var view = SbrWorldView.From(state);
        var members = view.AllMembers
            .Where(m => m.Status is not (MemberStatus.Joining or MemberStatus.WeaklyUp))
            .Select(m => (m.UniqueAddress, m.Status)).ToImmutableHashSet();

        if (_lastUnreachable is null || _lastMembers is null)
        {
            _stableDeadline = now + _settings.StableAfter;
        }
        else
        {
            var unreachableChanged = !_lastUnreachable.SetEquals(view.Unreachable);
            if (unreachableChanged)
            {
                _firstChange ??= now;
                _latestChange = now;
            }
            if (unreachableChanged || !_lastMembers.SetEquals(members))
                _stableDeadline = now + _settings.StableAfter;
        }
        _lastUnreachable = view.Unreachable;
        _lastMembers = members;

        if (view.IsAllUnreachableDownOrExiting)
            _firstChange = null;

        if (_firstChange is { } first)
        {
            if (_settings.EffectiveDownAllWhenUnstable is { } window)
            {
                if (now - first > _settings.StableAfter + window)
                    return Acted(new SbrAction(SbrDecision.DownAll, Strategy.NodesToDown(view, SbrDecision.DownAll),
                        $"unreachable set still changing {(now - first).TotalSeconds:0.#}s after the first change"), now);
            }
            else if (now - _latestChange > _settings.StableAfter * 2)
            {
                _firstChange = null;
            }
        }

        if (!state.IsLeader(state.SelfUniqueAddress) || view.IsAllUnreachableDownOrExiting || now < _stableDeadline)
            return null;

        var decision = Strategy.Decide(view);
        var nodes = Strategy.NodesToDown(view, decision);
        if (nodes.IsEmpty) return null;
        return Acted(new SbrAction(decision, nodes, $"{Strategy.GetType().Name} decided {decision} after {_settings.StableAfter.TotalSeconds:0.#}s stable"), now);
    }

    private SbrAction Acted(SbrAction action, TimeSpan now)
    {
        _firstChange = null;
        _stableDeadline = now + _settings.StableAfter;
        return action;
    }
}
