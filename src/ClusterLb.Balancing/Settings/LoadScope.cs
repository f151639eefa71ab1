namespace ClusterLb.Balancing.Settings;

/// <summary>Whose requests in flight a load-aware method counts.</summary>
public enum LoadScope
{
    /// <summary>Only this node's requests (the default: exact and instant).</summary>
    Node,

    /// <summary>
    /// This node's requests plus the other nodes' as their last cluster-load reports gave them
    /// (<c>clusterlb.cluster-load</c>; up to one interval old).
    /// </summary>
    Cluster,
}

/// <summary>Configuration names of <see cref="LoadScope"/>.</summary>
public static class LoadScopeNames
{
    /// <summary>Parses <c>node</c> or <c>cluster</c>.</summary>
    /// <exception cref="FormatException">Another name.</exception>
    public static LoadScope Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "node" => LoadScope.Node,
        "cluster" => LoadScope.Cluster,
        _ => throw new FormatException($"load-scope '{name}' must be node or cluster"),
    };

    /// <summary>The configuration name of <paramref name="scope"/>.</summary>
    public static string ToConfigName(this LoadScope scope) => scope == LoadScope.Cluster ? "cluster" : "node";
}
