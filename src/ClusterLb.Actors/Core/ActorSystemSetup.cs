using ClusterLb.Hocon;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Actors;

/// <summary>Optional inputs for <see cref="ActorSystem.Create"/>.</summary>
/// <param name="Config">The node's configuration; the kernel reads <c>clusterlb.actor.*</c> from it.</param>
/// <param name="LoggerFactory">Where log lines go; default: no logging.</param>
public sealed record ActorSystemSetup(Config? Config = null, ILoggerFactory? LoggerFactory = null)
{
    /// <summary>The system's address; default <c>clb://name</c> (local only). Remoting sets host and port.</summary>
    public Address? Address { get; init; }

    /// <summary>Kernel settings; when set they win over <see cref="Config"/>.</summary>
    public ActorSettings? ActorSettings { get; init; }
}
