using Akka.Actor;
using Akka.Hosting;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterLb.Runtime.Logging;

/// <summary>
/// The <see cref="ILoggerFactory"/> an actor system was started with (<see cref="LoggerFactorySetup"/> in its
/// setup), so actors write the same structured, source-generated log lines as the rest of the node.
/// </summary>
public static class ActorSystemLogging
{
    /// <summary>The system's logger factory; a null factory when the system was started without one.</summary>
    public static ILoggerFactory LoggerFactory(this ActorSystem system) =>
        system.Settings.Setup.Get<LoggerFactorySetup>().HasValue
            ? system.Settings.Setup.Get<LoggerFactorySetup>().Value.LoggerFactory
            : NullLoggerFactory.Instance;

    /// <summary>A logger named after <typeparamref name="T"/> from the system's logger factory.</summary>
    public static ILogger<T> Logger<T>(this ActorSystem system) => system.LoggerFactory().CreateLogger<T>();
}
