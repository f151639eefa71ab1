using Akka.Actor;
using Akka.Event;
using Akka.TestKit;

namespace ClusterLb.Runtime.Tests.Durable;

/// <summary>Error log events of a running system, collected by a TestKit probe subscribed to its event stream.</summary>
internal sealed class TestKitErrors
{
    private readonly TestProbe _probe;

    public TestKitErrors(ActorSystem system)
    {
        // A TestKit over the node's own system: its probes receive from that system's event stream.
        _probe = new Akka.TestKit.Xunit2.TestKit(system).CreateTestProbe();
        system.EventStream.Subscribe(_probe.Ref, typeof(Error));
    }

    /// <summary>The first error matching <paramref name="match"/>, skipping others, within the test deadline.</summary>
    public Error Expect(Predicate<Error> match) => _probe.FishForMessage<Error>(match, DurableNode.Deadline);
}
