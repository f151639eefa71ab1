namespace ClusterLb.Balancing.Routing;

/// <summary>
/// What one pick knows about its request: the hash of the pool's request key (hash methods) and the hosts this
/// request already tried (retries). A stack-only value: building one allocates nothing.
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
