using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt.Serialization;
using Wire = ClusterLb.DistributedData.Replication.Proto;

namespace ClusterLb.DistributedData.Replication;

/// <summary>
/// Asks the peers for their replica of one key and merges the answers; once <c>requiredReplies</c> peers answered
/// (or the time ran out) it hands the merged value to the replicator, which merges it locally (read repair) and replies.
/// </summary>
internal sealed class ReadAggregator : ActorBase
{
    private readonly Get _get;
    private readonly IActorRef _replyTo;
    private readonly IReadOnlyList<IActorRef> _peers;
    private readonly int _requiredReplies;
    private DataEnvelope? _merged;
    private int _replies;

    private ReadAggregator(Get get, IActorRef replyTo, IReadOnlyList<IActorRef> peers, int requiredReplies)
    {
        _get = get;
        _replyTo = replyTo;
        _peers = peers;
        _requiredReplies = requiredReplies;
    }

    public static Props Props(Get get, IActorRef replyTo, IReadOnlyList<IActorRef> peers, int requiredReplies) =>
        ClusterLb.Actors.Props.Create(() => new ReadAggregator(get, replyTo, peers, requiredReplies));

    protected override void PreStart()
    {
        var read = new Wire.Read { Key = _get.Key.Id };
        foreach (var peer in _peers)
        {
            peer.Tell(read, Self);
        }

        Context.Timers.StartSingleTimer(RequestTimeout.Instance, RequestTimeout.Instance, _get.Consistency.Timeout);
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Wire.ReadResult result:
                if (result.Envelope is not null)
                {
                    try
                    {
                        var envelope = EnvelopeWire.FromWire(result.Envelope);
                        _merged = _merged is null ? envelope : _merged.Merge(envelope);
                    }
                    catch (Exception e) when (e is ReplicatedDataSerializationException or ArgumentException)
                    {
                        // A reply we cannot read does not count towards the quorum.
                        ReplicatorLog.BadMessage(Context.Log, nameof(Wire.ReadResult), result.Key, Sender.Path.ToString(), e.Message);
                        return true;
                    }
                }

                if (++_replies >= _requiredReplies)
                {
                    Finish(success: true);
                }

                return true;
            case RequestTimeout:
                Finish(success: false);
                return true;
            default:
                return false;
        }
    }

    private void Finish(bool success)
    {
        Context.Parent.Tell(new ReadCompleted(_get, _replyTo, _merged, success), Self);
        Context.Stop(Self);
    }
}

/// <summary>A read aggregator's outcome, sent to its replicator (a local message, never on the wire).</summary>
internal sealed record ReadCompleted(Get Get, IActorRef ReplyTo, DataEnvelope? Merged, bool Success);
