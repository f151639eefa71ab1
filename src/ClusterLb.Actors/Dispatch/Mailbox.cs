using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ClusterLb.Actors;

/// <summary>
/// One actor's queues: system messages in a lock-free queue that is always drained first, user messages in a
/// channel. A single scheduled flag guarantees at most one thread runs the actor at any moment.
/// </summary>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<SystemMessage> _system = new();
    private readonly ChannelReader<Envelope> _reader;
    private readonly ChannelWriter<Envelope> _writer;
    private readonly Dispatcher _dispatcher;
    private ActorCell _cell = null!;
    private int _scheduled;
    private volatile bool _closed;

    public Mailbox(Dispatcher dispatcher, int? capacity)
    {
        _dispatcher = dispatcher;
        var channel = capacity is { } bound
            ? Channel.CreateBounded<Envelope>(new BoundedChannelOptions(bound) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait })
            : Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions { SingleReader = true });
        _reader = channel.Reader;
        _writer = channel.Writer;
    }

    public bool IsClosed => _closed;

    /// <summary>Scheduling turns so far (one runner at a time, so a plain increment suffices); for tests.</summary>
    internal long RunCount { get; private set; }

    /// <summary>True when a user message waits in the channel; for tests (only safe while the actor is idle or blocked).</summary>
    internal bool HasQueuedUserMessage => _reader.TryPeek(out _);

    public void Attach(ActorCell cell) => _cell = cell;

    /// <summary>Enqueues a user message; a closed or full mailbox hands it to dead letters instead.</summary>
    public void Post(object message, IActorRef? sender)
    {
        if (!_writer.TryWrite(new Envelope(message, sender)))
        {
            _cell.System.DeadLetterOffice.Publish(new DeadLetter(ActorCell.Unwrap(message), sender ?? _cell.System.DeadLetters, _cell.Self));
            return;
        }

        Schedule();
    }

    public void PostSystem(SystemMessage message)
    {
        _system.Enqueue(message);
        if (_closed)
        {
            DrainSystemAfterClose();
            return;
        }

        Schedule();
    }

    public bool TryRead(out Envelope envelope) => _reader.TryRead(out envelope);

    /// <summary>Requests a run unless one is already requested or running.</summary>
    public void Schedule()
    {
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            _dispatcher.Execute(this);
        }
    }

    void IThreadPoolWorkItem.Execute() => Run();

    public void Run()
    {
        RunCount++;
        try
        {
            if (_closed || !_cell.CompletePendingTask())
            {
                return;
            }

            ProcessSystemMessages();
            for (var left = _dispatcher.Throughput; left > 0 && !_closed && _cell.CanProcessUser; left--)
            {
                if (!_cell.TryDequeueUser(out var envelope))
                {
                    break;
                }

                _cell.Invoke(envelope);
                ProcessSystemMessages();
            }
        }
        catch (Exception ex)
        {
            // The cell catches actor exceptions itself; anything here is a kernel bug and must not kill the process.
            _cell.LogKernelFault(ex);
        }
        finally
        {
            Volatile.Write(ref _scheduled, 0);
            if (!_closed && HasWork())
            {
                Schedule();
            }
        }
    }

    private void ProcessSystemMessages()
    {
        while (!_closed && _cell.CanProcessSystem && _system.TryDequeue(out var message))
        {
            _cell.SystemInvoke(message);
        }
    }

    private bool HasWork()
    {
        if (_cell.HasPendingTask)
        {
            return _cell.PendingTaskCompleted;
        }

        return !_system.IsEmpty || (_cell.CanProcessUser && (_cell.HasUnstashed || _reader.TryPeek(out _)));
    }

    /// <summary>Closes for good: later user messages go to dead letters, later system messages get dead-actor answers.</summary>
    public void Close()
    {
        _closed = true;
        _writer.TryComplete();
        while (_reader.TryRead(out var envelope))
        {
            _cell.System.DeadLetterOffice.Publish(new DeadLetter(ActorCell.Unwrap(envelope.Message), envelope.Sender ?? _cell.System.DeadLetters, _cell.Self));
        }

        DrainSystemAfterClose();
        _dispatcher.Detach(this);
    }

    private void DrainSystemAfterClose()
    {
        while (_system.TryDequeue(out var message))
        {
            _cell.SystemInvokeAfterClose(message);
        }
    }
}
