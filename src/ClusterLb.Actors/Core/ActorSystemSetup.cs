using Microsoft.Extensions.Logging;

namespace ClusterLb.Actors;

/// <summary>Optional inputs for <see cref="ActorSystem.Create"/>. Use an object initializer.</summary>
public sealed record ActorSystemSetup
{
    /// <summary>Where log lines go; default: no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The system's address; default <c>clb://name</c> (local only). Remoting sets host and port.</summary>
    public Address? Address { get; init; }

    /// <summary>Kernel settings; default <see cref="ActorSettings.Default"/>.</summary>
    public ActorSettings? ActorSettings { get; init; }
}
