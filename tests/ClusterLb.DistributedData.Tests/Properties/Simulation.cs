using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Tests.Properties;

/// <summary>Random histories of local updates and full-state merges between a few replicas.</summary>
internal static class Simulation
{
    public static ReplicaId[] Nodes(int count) =>
        Enumerable.Range(0, count).Select(i => new ReplicaId($"clusterlb@10.0.0.{i + 1}:4053", 1000 + i)).ToArray();

    /// <summary>Runs <paramref name="steps"/> random steps: a local update, or a replica merging another's state.</summary>
    public static IReplicatedData[] Run(Model model, Random random, ReplicaId[] nodes, int steps)
    {
        var states = nodes.Select(_ => model.Empty).ToArray();
        for (var step = 0; step < steps; step++)
        {
            var i = random.Next(nodes.Length);
            if (random.Next(4) == 0)
            {
                states[i] = states[i].Merge(states[random.Next(nodes.Length)]);
            }
            else
            {
                states[i] = model.Update(states[i], nodes[i], random);
            }
        }

        return states;
    }

    public static IReplicatedData MergeAll(IEnumerable<IReplicatedData> states) => states.Aggregate((a, b) => a.Merge(b));

    public static IReplicatedData Reset(IReplicatedData state) =>
        state is IDeltaReplicatedData delta ? delta.ResetDelta() : state;

    public static T[] Shuffle<T>(Random random, IEnumerable<T> items)
    {
        var array = items.ToArray();
        random.Shuffle(array);
        return array;
    }
}
