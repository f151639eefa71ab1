using System.Diagnostics.CodeAnalysis;
using ClusterLb.Remote.Serialization;
using ClusterLb.Remote.Wire;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Remote.Transport;

/// <summary>
/// Opens received envelopes and hands them to the sink: checks the recipient is on this node, deserializes the
/// payload, and drops (logged and counted) what fails either check. A failing sink never breaks the connection.
/// </summary>
internal sealed class InboundDelivery(
    IInboundMessageSink sink, MessageSerializer serializer, RemoteMetrics metrics, ILogger logger, NodeAddress local, Func<NodeAddress, bool> isLocal)
{
    // Peers write our advertised address verbatim, so a prefix match avoids parsing an address per message.
    private readonly string _localPathPrefix = local + "/";

    public void User(UniqueAddress from, UserEnvelope envelope)
        => Deliver(from, envelope.Recipient, envelope.Sender, envelope.Message, system: false);

    public void System(UniqueAddress from, SystemEnvelope envelope)
        => Deliver(from, envelope.Recipient, envelope.Sender, envelope.Message, system: true);

    private void Deliver(UniqueAddress from, ActorRefData? recipient, ActorRefData? sender, Payload? payload, bool system)
    {
        if (!TryOpen(from, recipient, payload, out var message))
        {
            return;
        }

        try
        {
            var envelope = new InboundEnvelope(from, recipient, sender, message);
            if (system)
            {
                sink.OnSystemMessage(envelope);
            }
            else
            {
                sink.OnUserMessage(envelope);
            }
        }
        catch (Exception ex)
        {
            logger.SinkFailed(ex, from);
        }
    }

    private bool TryOpen(UniqueAddress from, [NotNullWhen(true)] ActorRefData? recipient, Payload? payload, [NotNullWhen(true)] out IMessage? message)
    {
        message = null;
        if (recipient is null || !IsForThisNode(recipient.Path))
        {
            metrics.Dropped(DropReason.NonLocalRecipient);
            logger.InboundDropped(from, $"recipient '{recipient?.Path}' is not on this node ({local}); peers must use the advertised address (public-hostname/public-port)");
            return false;
        }

        if (!serializer.TryDeserialize(payload, out message, out var error))
        {
            metrics.Dropped(DropReason.UnknownManifest);
            logger.InboundDropped(from, error);
            return false;
        }

        return true;
    }

    private bool IsForThisNode(string path)
        => path.StartsWith('/')
            || path.StartsWith(_localPathPrefix, StringComparison.Ordinal)
            || (NodeAddress.TryParse(path, out var address) && isLocal(address));
}
