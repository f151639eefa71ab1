namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// The dot algebra behind <see cref="ORSet{T}"/> (and so ORMap keys): an element's dots are the tags of the adds that
/// keep it present, and a replica's version vector is every tag it has seen. A tag seen but absent was removed.
/// </summary>
internal static class Dots
{
    /// <summary>
    /// The dots that survive a merge: a dot both sides hold stays; a dot only one side holds stays only if the other
    /// side has not seen it (if it has, it removed it).
    /// </summary>
    public static VersionVector Merge(VersionVector ours, VersionVector ourHistory, VersionVector theirs, VersionVector theirHistory)
    {
        if (ours.Equals(theirs))
        {
            return ours;
        }

        var result = new List<KeyValuePair<ReplicaId, long>>(ours.Count + theirs.Count);
        foreach (var (node, version) in ours.Versions)
        {
            var their = theirs.VersionAt(node);
            if (version == their || !theirHistory.Covers(node, version))
            {
                result.Add(new(node, version));
            }
        }

        foreach (var (node, version) in theirs.Versions)
        {
            if (version != ours.VersionAt(node) && !ourHistory.Covers(node, version))
            {
                result.Add(new(node, version));
            }
        }

        return VersionVector.Create(result);
    }

    /// <summary>The dots of <paramref name="dots"/> that <paramref name="history"/> has not seen.</summary>
    public static VersionVector Unseen(VersionVector dots, VersionVector history)
    {
        var keep = true;
        foreach (var (node, version) in dots.Versions)
        {
            keep &= !history.Covers(node, version);
        }

        return keep ? dots : VersionVector.Create(dots.Versions.Where(d => !history.Covers(d.Key, d.Value)));
    }

    /// <summary>
    /// Applies add dots from a delta: a new dot replaces its replica's older dot if this replica has not seen it; a
    /// dot already seen but absent was removed here, and the older dot it supersedes goes as well.
    /// </summary>
    public static VersionVector Add(VersionVector dots, VersionVector history, VersionVector added)
    {
        var result = dots;
        foreach (var (node, version) in added.Versions)
        {
            var current = dots.VersionAt(node);
            if (current >= version)
            {
                continue;
            }

            result = history.Covers(node, version)
                ? result.Without(node)
                : result.Without(node).Merge(VersionVector.Dot(node, version));
        }

        return result;
    }
}
