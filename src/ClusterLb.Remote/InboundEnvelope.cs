using ClusterLb.Remote.Wire;
using Google.Protobuf;

namespace ClusterLb.Remote;

/// <summary>A message received from a peer, deserialized.</summary>
/// <param name="From">The sending node incarnation.</param>
/// <param name="Recipient">The recipient's path (with this node's address as the sender wrote it) and actor uid.</param>
/// <param name="Sender">The sending actor, if any.</param>
/// <param name="Message">The message.</param>
public sealed record InboundEnvelope(UniqueAddress From, ActorRefData Recipient, ActorRefData? Sender, IMessage Message);

/// <summary>Where the transport hands received messages. Called on the connection's reader, in arrival order.</summary>
public interface IInboundMessageSink
{
    /// <summary>An ordinary (at-most-once) message.</summary>
    void OnUserMessage(InboundEnvelope envelope);

    /// <summary>A system message (death watch); delivered exactly once per sender incarnation, in order.</summary>
    void OnSystemMessage(InboundEnvelope envelope);
}
