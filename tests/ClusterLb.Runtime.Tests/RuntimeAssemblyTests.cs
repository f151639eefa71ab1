using Akka.Actor;

namespace ClusterLb.Runtime.Tests;

/// <summary>The runtime layer restores and loads Akka.NET.</summary>
public sealed class RuntimeAssemblyTests
{
    [Fact]
    public async Task An_actor_system_starts_and_terminates()
    {
        using var system = ActorSystem.Create("runtime-smoke");
        Assert.Equal("runtime-smoke", system.Name);
        await system.Terminate();
        Assert.True(system.WhenTerminated.IsCompleted);
    }
}
