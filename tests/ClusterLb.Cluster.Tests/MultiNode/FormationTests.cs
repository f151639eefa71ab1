namespace ClusterLb.Cluster.Tests.MultiNode;

[Collection(MultiNodeCollection.Name)]
public class FormationTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Nodes_form_one_cluster_from_a_seed_list_and_agree_on_members_and_leader(int size)
    {
        await using var c = await TestCluster.StartAsync(size);
        c.JoinAll();

        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);

        var statuses = await Task.WhenAll(c.Nodes.Select(n => n.StatusAsync()));
        var expectedLeader = c.Nodes.Select(n => n.Address).OrderBy(a => a, AddressOrdering.Instance).First().ToString();
        Assert.All(statuses, s => Assert.Equal(expectedLeader, s.Leader));
        Assert.All(statuses, s => Assert.Equal(size, s.SeenBy.Count));
        Assert.All(c.Nodes, n => Assert.Equal(MemberStatus.Up, n.Cluster.SelfMember.Status));
        Assert.Equal(Enumerable.Range(1, size).ToHashSet(), statuses[0].Members.Select(m => m.UpNumber ?? 0).ToHashSet());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiNodeCollection
{
    public const string Name = "multi-node";
}
