using ClusterLb.Remote.Wire;

namespace ClusterLb.Remote.Associations;

/// <summary>
/// The sending half of reliable system-message delivery to one peer incarnation: numbers messages, keeps them until the
/// peer's cumulative ack covers them, and hands them out again for resending. Thread-safe.
/// </summary>
internal sealed class SystemMessageBuffer(int capacity)
{
    private readonly object _gate = new();
    private readonly Queue<WireFrame> _unacked = new();
    private ulong _nextSeq = 1;
    private ulong _lastSent;

    /// <summary>How many messages await an ack.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _unacked.Count;
            }
        }
    }

    /// <summary>Numbers and keeps a message; false when the buffer is full (the caller quarantines the peer, as Akka does).</summary>
    public bool TryAdd(SystemEnvelope envelope)
    {
        lock (_gate)
        {
            if (_unacked.Count >= capacity)
            {
                return false;
            }

            envelope.Seq = _nextSeq++;
            _unacked.Enqueue(new WireFrame { System = envelope });
            return true;
        }
    }

    /// <summary>Drops every message the peer confirmed.</summary>
    public void Ack(ulong cumulativeSeq)
    {
        lock (_gate)
        {
            while (_unacked.TryPeek(out var head) && head.System.Seq <= cumulativeSeq)
            {
                _unacked.Dequeue();
            }
        }
    }

    /// <summary>Messages never sent on any connection yet (marks them sent).</summary>
    public List<WireFrame> TakeUnsent()
    {
        lock (_gate)
        {
            var result = new List<WireFrame>();
            foreach (var frame in _unacked)
            {
                if (frame.System.Seq > _lastSent)
                {
                    result.Add(frame);
                }
            }

            if (result.Count > 0)
            {
                _lastSent = result[^1].System.Seq;
            }

            return result;
        }
    }

    /// <summary>Every unacknowledged message, oldest first (marks them sent).</summary>
    public List<WireFrame> TakeAllUnacked()
    {
        lock (_gate)
        {
            var result = new List<WireFrame>(_unacked);
            if (result.Count > 0)
            {
                _lastSent = Math.Max(_lastSent, result[^1].System.Seq);
            }

            return result;
        }
    }

    /// <summary>Forgets everything: the peer incarnation these were numbered for is gone.</summary>
    public int Reset()
    {
        lock (_gate)
        {
            var dropped = _unacked.Count;
            _unacked.Clear();
            _nextSeq = 1;
            _lastSent = 0;
            return dropped;
        }
    }
}
