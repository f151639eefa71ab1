using Akka.Actor;
using ClusterLb.Backend.Wire;

namespace ClusterLb.Backend;

/// <summary>
/// Answers ClusterLb's <see cref="GetBackendEndpoint"/> with this backend's endpoint; after <see cref="StartDraining"/>
/// the answer says draining, so a discovery that asks again (it moved to another LB node) keeps the drain.
/// </summary>
public sealed class BackendEndpointActor : ReceiveActor
{
    /// <summary>Use <see cref="Props"/>.</summary>
    public BackendEndpointActor(ClusterLbBackendOptions options)
    {
        var endpoint = new BackendEndpoint { Url = options.Url.ToString(), Weight = options.Weight };
        Receive<GetBackendEndpoint>(_ => Sender.Tell(endpoint));
        Receive<StartDraining>(_ =>
        {
            endpoint = new BackendEndpoint(endpoint) { Draining = true };
            Sender.Tell(endpoint);
        });
    }

    /// <summary>Props of the endpoint actor.</summary>
    public static Props Props(ClusterLbBackendOptions options) => Akka.Actor.Props.Create(() => new BackendEndpointActor(options));

    /// <summary>Marks the endpoint draining; the actor answers with the draining endpoint.</summary>
    public sealed class StartDraining
    {
        /// <summary>The one instance.</summary>
        public static readonly StartDraining Instance = new();

        private StartDraining()
        {
        }
    }
}
