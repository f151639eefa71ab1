namespace ClusterLb.DistributedData.Crdt;

/// <summary>How two version vectors relate.</summary>
public enum VersionOrdering
{
    /// <summary>Both have seen exactly the same versions.</summary>
    Same,

    /// <summary>The left one has seen a strict subset of the right one's versions.</summary>
    Before,

    /// <summary>The left one has seen a strict superset of the right one's versions.</summary>
    After,

    /// <summary>Each has seen a version the other has not.</summary>
    Concurrent,
}
