using Akka.Hosting;

namespace ClusterLb.Backend;

/// <summary>Akka.Hosting registration of <see cref="ClusterLbBackend"/>.</summary>
public static class AkkaHostingExtensions
{
    /// <summary>
    /// Starts ClusterLb's backend endpoint when the actor system starts (see <see cref="ClusterLbBackend.Start"/>).
    /// The node still needs clustering and a role that the ClusterLb pool's <c>discovery.role</c> names.
    /// </summary>
    public static AkkaConfigurationBuilder WithClusterLbBackend(this AkkaConfigurationBuilder builder, ClusterLbBackendOptions options) =>
        builder.WithActors((system, registry) => registry.Register<ClusterLbBackendMarker>(ClusterLbBackend.Start(system, options)));
}

/// <summary>The key of the backend endpoint actor in Akka.Hosting's <c>ActorRegistry</c>.</summary>
public sealed class ClusterLbBackendMarker
{
    private ClusterLbBackendMarker()
    {
    }
}
