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
    {
        if (!TryOpen(from, envelope.Recipient, envelope.Message, out var message))
        {
            return;
        }

        try
        {
            sink.OnUserMessage(new InboundEnvelope(from, envelope.Recipient, envelope.Sender, message));
        }
        catch (Exception ex)
        {
            logger.SinkFailed(ex, from);
        }
    }

    public void System(UniqueAddress from, SystemEnvelope envelope)
    {
        if (!TryOpen(from, envelope.Recipient, envelope.Message, out var message))
        {
            return;
        }

        try
        {
            sink.OnSystemMessage(new InboundEnvelope(from, envelope.Recipient, envelope.Sender, message));
        }
        catch (Exception ex)
        {
            logger.SinkFailed(ex, from);
        }
    }

    private bool TryOpen(UniqueAddress from, ActorRefData? recipient, Payload? payload, [NotNullWhen(true)] out IMessage? message)
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
