using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Tests.Properties;

public class PruningProperties
{
    /// <summary>
    /// The pruning protocol on converged replicas: the leader prunes the removed node into its own slot, the others
    /// clean up and merge the pruned state. The value a user sees does not change, the removed node is gone
    /// everywhere, and replicas keep converging afterwards.
    /// </summary>
    [Theory]
    [MemberData(nameof(Models.PruningNames), MemberType = typeof(Models))]
    public void Pruning_a_removed_node_keeps_the_value(string name)
    {
        var model = Models.Named(name);
        Property.Check($"{name}: pruning keeps the value", random =>
        {
            var nodes = Simulation.Nodes(3);
            var (leader, other, removed) = (nodes[0], nodes[1], nodes[2]);
            var states = Simulation.Run(model, random, nodes, random.Next(5, 40));
            var converged = Simulation.Reset(Simulation.MergeAll(states));
            var staleRemoved = states[2];

            var pruned = Prune(converged, removed, leader);
            Assert.Equal(model.Observe(converged), model.Observe(pruned));
            Assert.False(((IRemovedNodePruning)pruned).NeedPruningFrom(removed), "the leader's pruned state still refers to the removed node");

            var otherAfter = Cleanup(states[1].Merge(converged), removed).Merge(pruned);
            Assert.Equal(model.Observe(converged), model.Observe(otherAfter));
            Assert.False(((IRemovedNodePruning)otherAfter).NeedPruningFrom(removed), "the other replica still refers to the removed node");
            MergeProperties.AssertEqual(pruned, otherAfter, "replicas disagree after pruning");

            // A late message from the removed node is cleaned up before it is merged and changes nothing.
            var late = pruned.Merge(Cleanup(staleRemoved, removed));
            Assert.Equal(model.Observe(pruned), model.Observe(late));

            // Life goes on: the two survivors update and converge.
            var a = model.Update(pruned, leader, random);
            var b = model.Update(otherAfter, other, random);
            MergeProperties.AssertEqual(a.Merge(b), b.Merge(a), "survivors do not converge after pruning");
        });
    }

    private static IReplicatedData Prune(IReplicatedData data, ReplicaId removed, ReplicaId into) => data switch
    {
        GCounter x => x.Prune(removed, into),
        PNCounter x => x.Prune(removed, into),
        ORSet<string> x => x.Prune(removed, into),
        ORSet<Google.Protobuf.ByteString> x => x.Prune(removed, into),
        ORMap<string, GSet<string>> x => x.Prune(removed, into),
        ORMap<string, ORSet<string>> x => x.Prune(removed, into),
        LWWMap<string, string> x => x.Prune(removed, into),
        PNCounterMap<string> x => x.Prune(removed, into),
        _ => throw new NotSupportedException(data.GetType().Name),
    };

    private static IReplicatedData Cleanup(IReplicatedData data, ReplicaId removed) => data switch
    {
        GCounter x => x.PruningCleanup(removed),
        PNCounter x => x.PruningCleanup(removed),
        ORSet<string> x => x.PruningCleanup(removed),
        ORSet<Google.Protobuf.ByteString> x => x.PruningCleanup(removed),
        ORMap<string, GSet<string>> x => x.PruningCleanup(removed),
        ORMap<string, ORSet<string>> x => x.PruningCleanup(removed),
        LWWMap<string, string> x => x.PruningCleanup(removed),
        PNCounterMap<string> x => x.PruningCleanup(removed),
        _ => throw new NotSupportedException(data.GetType().Name),
    };
}
