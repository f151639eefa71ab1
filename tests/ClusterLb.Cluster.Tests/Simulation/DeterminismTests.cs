using System.Security.Cryptography;
using System.Text;
using Xunit.Abstractions;

namespace ClusterLb.Cluster.Tests.Simulation;

public class DeterminismTests(ITestOutputHelper output)
{
    private static IReadOnlyList<string> Run(int seed)
    {
        var sim = new ClusterSimulation(seed).WithNodes(5);
        sim.StartAll(TimeSpan.FromSeconds(2));
        sim.RunUntil(() => sim.IsConverged(sim.Nodes), TimeSpan.FromSeconds(60));
        sim.Partition([sim[1], sim[2], sim[3]], [sim[4], sim[5]]);
        sim.RunFor(TimeSpan.FromSeconds(60));
        return [.. sim.FullTrace];
    }

    [Fact]
    public void Same_seed_replays_the_same_run()
    {
        var a = Run(99);
        var b = Run(99);
        Assert.True(a.Count > 50);
        Assert.Equal(a, b);
        Assert.NotEqual(a, Run(100));
        // Printed so two separate processes can be compared (string hash codes differ between processes).
        output.WriteLine("trace digest " + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', a)))));
    }
}
