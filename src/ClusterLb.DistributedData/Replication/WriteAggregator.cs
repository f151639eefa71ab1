using ClusterLb.Actors;
using Wire = ClusterLb.DistributedData.Replication.Proto;

namespace ClusterLb.DistributedData.Replication;

/// <summary>
/// Sends one write to the peers and answers the requester once <c>requiredAcks</c> peers acknowledged it, or with
/// the timeout reply (naming the acknowledgements, self included) when the time runs out. Lives for one request.
/// </summary>
internal sealed class WriteAggregator : ActorBase
{
    private readonly Wire.Write _write;
    private readonly IReadOnlyList<IActorRef> _peers;
    private readonly int _requiredAcks;
    private readonly TimeSpan _timeout;
    private readonly IActorRef _replyTo;
    private readonly Func<object> _success;
    private readonly Func<int, object> _timedOut;
    private readonly Task<bool>? _stored;
    private readonly object _storeFailure;
    private int _acks;

    private WriteAggregator(Wire.Write write, IReadOnlyList<IActorRef> peers, int requiredAcks, TimeSpan timeout,
        IActorRef replyTo, Func<object> success, Func<int, object> timedOut, Task<bool>? stored, object storeFailure)
    {
        _stored = stored;
        _storeFailure = storeFailure;
        _write = write;
        _peers = peers;
        _requiredAcks = requiredAcks;
        _timeout = timeout;
        _replyTo = replyTo;
        _success = success;
        _timedOut = timedOut;
    }

    /// <summary>The props; <paramref name="stored"/> is the pending durable write the reply waits for (null: none).</summary>
    public static Props Props(Wire.Write write, IReadOnlyList<IActorRef> peers, int requiredAcks, TimeSpan timeout,
        IActorRef replyTo, Func<object> success, Func<int, object> timedOut, Task<bool>? stored, object storeFailure) =>
        ClusterLb.Actors.Props.Create(() => new WriteAggregator(write, peers, requiredAcks, timeout, replyTo, success, timedOut, stored, storeFailure));

    protected override void PreStart()
    {
        foreach (var peer in _peers)
        {
            peer.Tell(_write, Self);
        }

        Context.Timers.StartSingleTimer(RequestTimeout.Instance, RequestTimeout.Instance, _timeout);
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Wire.WriteAck:
                if (++_acks >= _requiredAcks)
                {
                    Finish(_success());
                }

                return true;
            case Wire.WriteNack:
                return true; // counted by its absence; the peer logged why
            case RequestTimeout:
                Finish(_timedOut(_acks + 1));
                return true;
            default:
                return false;
        }
    }

    private void Finish(object reply)
    {
        DurableReply.After(_stored, _replyTo, reply, _storeFailure, Context.Parent);
        Context.Stop(Self);
    }
}

/// <summary>The timer message of an aggregator.</summary>
internal sealed record RequestTimeout
{
    public static readonly RequestTimeout Instance = new();
}
