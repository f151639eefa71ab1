using ClusterLb.Cluster.Events;
using ClusterLb.Cluster.Protocol;

namespace ClusterLb.Cluster.Tests.Simulation;

/// <summary>One simulated process: an address and its current incarnation's core.</summary>
internal sealed class SimNode(string name, Address address)
{
    public string Name { get; } = name;
    public Address Address { get; } = address;
    public ClusterCore Core { get; set; } = null!;
    public bool Alive { get; set; }
    public List<(TimeSpan At, ClusterEvent Event)> Events { get; } = [];
    public UniqueAddress Self => Core.Self;
    public MembershipState State => Core.State;

    public override string ToString() => $"{Name}({Self}, alive={Alive})";
}
