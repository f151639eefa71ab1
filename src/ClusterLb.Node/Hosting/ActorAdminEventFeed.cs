using Akka.Actor;
using ClusterLb.Runtime.Events;
using ClusterLb.Balancing.Registry;
using ClusterLb.Proxy.Admin.Events;

namespace ClusterLb.Node.Hosting;

/// <summary><c>/events</c>' feed: subscriptions are sinks registered with the <see cref="RegistryEventRelay"/> actor.</summary>
internal sealed class ActorAdminEventFeed(IActorRef relay) : IAdminEventFeed
{
    public IDisposable Subscribe(Action<RegistryEvent> sink)
    {
        var registered = new RegistryEventRelay.Sink(sink);
        relay.Tell(new RegistryEventRelay.AddSink(registered));
        return new Subscription(relay, registered);
    }

    private sealed class Subscription(IActorRef relay, RegistryEventRelay.Sink sink) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                relay.Tell(new RegistryEventRelay.RemoveSink(sink));
            }
        }
    }
}
