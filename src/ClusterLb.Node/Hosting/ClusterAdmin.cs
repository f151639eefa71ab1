using ClusterLb.Proxy.Admin;
using ClusterCore = ClusterLb.Cluster;

namespace ClusterLb.Node.Hosting;

/// <summary>The admin listener's view of this node's cluster membership, backed by the cluster daemon.</summary>
internal sealed class ClusterAdmin(ClusterCore.Cluster cluster) : IClusterAdmin
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public async Task<object> GetStatusAsync(CancellationToken cancellation) =>
        await cluster.GetStatusAsync(AskTimeout).WaitAsync(cancellation).ConfigureAwait(false);

    public void LeaveSelf() => cluster.Leave(cluster.SelfAddress);

    public ClusterDownOutcome Down(string address)
    {
        ClusterCore.Address parsed;
        try
        {
            parsed = ClusterCore.Address.Parse(address);
        }
        catch (FormatException ex)
        {
            return new ClusterDownOutcome(ClusterDownResult.BadAddress, address, ex.Message);
        }
        // The snapshot may lag the daemon by one gossip round; a member it does not know yet is reported unknown.
        if (!cluster.State.Members.Any(m => m.Address == parsed))
        {
            return new ClusterDownOutcome(ClusterDownResult.UnknownMember, parsed.ToString(),
                $"no cluster member has address {parsed}; see GET /cluster/status for the members");
        }
        cluster.Down(parsed);
        return new ClusterDownOutcome(ClusterDownResult.Accepted, parsed.ToString(), string.Empty);
    }
}
