namespace ClusterLb.Cluster.Tests;

/// <summary>Short-hand constructors for addresses and members in tests.</summary>
internal static class TestNodes
{
    public static Address Addr(string host, int port = 2552) => new(Address.DefaultProtocol, "test", host, port);
    public static UniqueAddress Node(string host, long uid = 1, int port = 2552) => new(Addr(host, port), uid);
    public static Member M(string host, MemberStatus status, int upNumber = Member.NotUpYet, long uid = 1, params string[] roles) =>
        Member.Restore(Node(host, uid), status, roles, status == MemberStatus.Up && upNumber == Member.NotUpYet ? 1 : upNumber);
}
