using Akka.Actor.Setup;
using AkkaConfig = Akka.Configuration.Config;

namespace ClusterLb.Runtime.Hosting;

/// <summary>What <see cref="AkkaNodeConfig.Build"/> hands the node start: everything <c>ActorSystem.Create</c> needs.</summary>
/// <param name="SystemName">The actor system name (<c>clusterlb.cluster.system-name</c>).</param>
/// <param name="Config">The complete Akka configuration (also inside <paramref name="Setup"/>).</param>
/// <param name="Setup">Bootstrap (config), TLS and logging setups: pass to <c>ActorSystem.Create(SystemName, Setup)</c>.</param>
/// <param name="HasSeeds">Whether <c>akka.cluster.seed-nodes</c> is non-empty; without seeds (and without bootstrap) <see cref="ClusterJoin"/> joins the node to itself.</param>
/// <param name="TlsEnabled">Whether remoting runs mutual TLS (addresses are <c>akka.ssl.tcp://</c>).</param>
/// <param name="Warnings">Start-up warnings (also logged when a logger factory was given).</param>
public sealed record AkkaNodeSetup(
    string SystemName,
    AkkaConfig Config,
    ActorSystemSetup Setup,
    bool HasSeeds,
    bool TlsEnabled,
    IReadOnlyList<string> Warnings)
{
    /// <summary>How the node joins its cluster: through its seeds (or itself), or through Cluster Bootstrap (<see cref="ClusterJoin"/>).</summary>
    public ClusterJoinMethod JoinMethod { get; init; } = ClusterJoinMethod.Seeds;

    /// <summary>The three parts the node start uses: <c>var (config, setup, hasSeeds) = AkkaNodeConfig.Build(...)</c>.</summary>
    public void Deconstruct(out AkkaConfig config, out ActorSystemSetup setup, out bool hasSeeds)
    {
        config = Config;
        setup = Setup;
        hasSeeds = HasSeeds;
    }
}
