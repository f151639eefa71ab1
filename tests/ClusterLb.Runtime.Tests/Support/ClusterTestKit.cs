using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace ClusterLb.Runtime.Tests.Support;

/// <summary>
/// A TestKit whose <c>Sys</c> is a cluster member that has joined itself before a test runs. Further members started
/// with <see cref="StartNode"/> are terminated after the test.
/// </summary>
public abstract class ClusterTestKit(string extraHocon = "") : TestKit(ClusterSystems.Config(extraHocon), ClusterSystems.Name), IAsyncLifetime
{
    private readonly List<ActorSystem> _nodes = [];

    public virtual Task InitializeAsync() => ClusterSystems.FormAsync(this, Sys);

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.Terminate();
        }
    }

    /// <summary>Another member, not joined yet (<see cref="ClusterSystems.FormAsync"/> joins it).</summary>
    protected ActorSystem StartNode(string extraHocon = "")
    {
        var node = ClusterSystems.Create(extraHocon);
        _nodes.Add(node);
        return node;
    }
}
