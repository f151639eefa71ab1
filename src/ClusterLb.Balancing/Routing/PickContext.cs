namespace ClusterLb.Balancing.Routing;

/// <summary>
/// What one pick knows about its request: the hash of the pool's request key (hash methods), the hosts this
/// request already tried (retries), and what affinity needs (the sticky cookie's host id, the client IP's hash
/// and the time). A stack-only value: building one allocates nothing.
/// </summary>
public readonly ref struct PickContext
{
    private readonly ReadOnlySpan<UpstreamHost?> _tried;

    /// <summary>Creates a context.</summary>
    /// <param name="keyHash">Stable 64-bit hash of the request key, identical on every node.</param>
    /// <param name="hasKey">False when the request carries no key (hash methods then rotate).</param>
    /// <param name="tried">Hosts already tried by this request; null slots are ignored.</param>
    public PickContext(ulong keyHash, bool hasKey, ReadOnlySpan<UpstreamHost?> tried = default)
    {
        KeyHash = keyHash;
        HasKey = hasKey;
        _tried = tried;
    }

    /// <summary>Creates a context with affinity inputs.</summary>
    /// <param name="keyHash">Stable 64-bit hash of the request key, identical on every node.</param>
    /// <param name="hasKey">False when the request carries no key.</param>
    /// <param name="tried">Hosts already tried by this request.</param>
    /// <param name="affinityId">The host id the request's sticky cookie names (<see cref="UpstreamHost.AffinityId"/>).</param>
    /// <param name="hasAffinityId">True when the request carried a readable sticky cookie.</param>
    /// <param name="clientHash">Stable hash of the real client IP (client-IP affinity).</param>
    /// <param name="timestamp">Now, as a <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> value (client-IP affinity timeout).</param>
    public PickContext(ulong keyHash, bool hasKey, ReadOnlySpan<UpstreamHost?> tried, ulong affinityId, bool hasAffinityId, ulong clientHash, long timestamp)
        : this(keyHash, hasKey, tried)
    {
        AffinityId = affinityId;
        HasAffinityId = hasAffinityId;
        ClientHash = clientHash;
        Timestamp = timestamp;
    }

    /// <summary>The host id the sticky cookie names; meaningful when <see cref="HasAffinityId"/>.</summary>
    public ulong AffinityId { get; }

    /// <summary>True when the request carried a readable sticky cookie.</summary>
    public bool HasAffinityId { get; }

    /// <summary>Stable hash of the real client IP.</summary>
    public ulong ClientHash { get; }

    /// <summary>When the pick happens (Stopwatch ticks).</summary>
    public long Timestamp { get; }

    /// <summary>Stable hash of the request key.</summary>
    public ulong KeyHash { get; }

    /// <summary>True when the request carried the key.</summary>
    public bool HasKey { get; }

    /// <summary>How many hosts this request tried before (0 on the first attempt).</summary>
    public int Attempt
    {
        get
        {
            var n = 0;
            foreach (var host in _tried)
            {
                if (host is not null)
                {
                    n++;
                }
            }
            return n;
        }
    }

    /// <summary>
    /// True when this request already tried <paramref name="host"/>. Compares the shared counters, so a host entry
    /// replaced by a weight change still counts as the same host.
    /// </summary>
    public bool WasTried(UpstreamHost host)
    {
        foreach (var tried in _tried)
        {
            if (tried is not null && ReferenceEquals(tried.Counters, host.Counters))
            {
                return true;
            }
        }
        return false;
    }
}
