using Akka.Actor;
using ClusterLb.Proxy.Admin;
using ClusterLb.Runtime.Membership;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ClusterLb.Node.Hosting;

/// <summary>The admin listener's view of this node's Akka.Cluster membership.</summary>
internal sealed class ClusterAdmin(AkkaCluster cluster) : IClusterAdmin
{
    public Task<object> GetStatusAsync(CancellationToken cancellation) =>
        Task.FromResult<object>(MembershipStatusReader.Read(cluster));

    public void LeaveSelf() => cluster.Leave(cluster.SelfAddress);

    public ClusterDownOutcome Down(string address)
    {
        Address parsed;
        try
        {
            parsed = Address.Parse(address);
        }
        catch (Exception ex) when (ex is UriFormatException or FormatException or ArgumentException)
        {
            return new ClusterDownOutcome(ClusterDownResult.BadAddress, address, $"'{address}' is not an Akka address such as akka.tcp://clusterlb@host:port ({ex.Message})");
        }
        if (!parsed.Protocol.StartsWith("akka", StringComparison.Ordinal) || parsed.Host is null || parsed.Port is null)
        {
            return new ClusterDownOutcome(ClusterDownResult.BadAddress, address, $"'{address}' is not an Akka address such as akka.tcp://clusterlb@host:port");
        }
        if (!cluster.State.Members.Any(m => m.Address.Equals(parsed)))
        {
            return new ClusterDownOutcome(ClusterDownResult.UnknownMember, parsed.ToString(),
                $"no cluster member has address {parsed}; see GET /cluster/status for the members");
        }
        cluster.Down(parsed);
        return new ClusterDownOutcome(ClusterDownResult.Accepted, parsed.ToString(), string.Empty);
    }
}
