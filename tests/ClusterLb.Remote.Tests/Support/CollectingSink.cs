using System.Collections.Concurrent;

namespace ClusterLb.Remote.Tests.Support;

/// <summary>Records every message the transport delivers.</summary>
internal sealed class CollectingSink : IInboundMessageSink
{
    public ConcurrentQueue<InboundEnvelope> User { get; } = new();

    public ConcurrentQueue<InboundEnvelope> System { get; } = new();

    public Action<InboundEnvelope>? OnUser { get; set; }

    public void OnUserMessage(InboundEnvelope envelope)
    {
        User.Enqueue(envelope);
        OnUser?.Invoke(envelope);
    }

    public void OnSystemMessage(InboundEnvelope envelope) => System.Enqueue(envelope);
}
