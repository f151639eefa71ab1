using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Actors;

/// <summary>
/// The dead-letter office: every undeliverable message ends here, is counted (in memory and as the metric
/// <c>clusterlb.actors.dead_letters</c>), logged up to a rate limit, and published as <see cref="DeadLetter"/>.
/// </summary>
internal sealed class DeadLetterActorRef : InternalActorRef
{
    private static readonly Meter s_meter = new("ClusterLb.Actors");
    private static readonly Counter<long> s_deadLetters = s_meter.CreateCounter<long>("clusterlb.actors.dead_letters", unit: "{message}", description: "Messages that could not be delivered.");

    private readonly ILogger _log;
    private readonly Lock _logLock = new();
    private readonly KeyValuePair<string, object?> _systemTag;
    private long _count;
    private long _windowStartMs;
    private int _loggedInWindow;
    private long _suppressedInWindow;

    public DeadLetterActorRef(ActorSystem system, ActorPath path)
    {
        System = system;
        Path = path;
        _log = system.LoggerFactory.CreateLogger("ClusterLb.Actors.DeadLetters");
        _systemTag = new("system", system.Name);
    }

    public override ActorPath Path { get; }

    public override ActorSystem System { get; }

    public long Count => Interlocked.Read(ref _count);

    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message)
        {
            case DeadLetter deadLetter:
                Publish(deadLetter);
                break;
            case Identify identify:
                sender?.Tell(new ActorIdentity(identify.MessageId, null), this);
                break;
            default:
                Publish(new DeadLetter(message, sender ?? this, this));
                break;
        }
    }

    public override void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch watch && !watch.Watcher.Equals(this) && watch.Watcher is InternalActorRef watcher)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(watch.Watchee, ExistenceConfirmed: false, AddressTerminated: false));
        }
    }

    public void Publish(DeadLetter deadLetter)
    {
        if (deadLetter.Message is Identify identify)
        {
            // Answered, not lost: a dead actor identifies as nobody, so the asker need not wait for a timeout.
            deadLetter.Sender.Tell(new ActorIdentity(identify.MessageId, null), deadLetter.Recipient);
            return;
        }

        var count = Interlocked.Increment(ref _count);
        s_deadLetters.Add(1, _systemTag);
        LogRateLimited(deadLetter, count);

        // A dead letter about a DeadLetter (a dead subscriber of DeadLetter) is counted and logged only, never re-published.
        if (deadLetter.Message is not DeadLetter)
        {
            System.EventStream.Publish(deadLetter);
        }
    }

    private void LogRateLimited(DeadLetter deadLetter, long count)
    {
        var settings = System.ActorSettings;
        if (settings.DeadLetterLogLimit <= 0 || !_log.IsEnabled(LogLevel.Information))
        {
            return;
        }

        long suppressed = 0;
        bool log;
        lock (_logLock)
        {
            var now = Environment.TickCount64;
            if (now - _windowStartMs >= (long)settings.DeadLetterLogInterval.TotalMilliseconds)
            {
                suppressed = _suppressedInWindow;
                _windowStartMs = now;
                _loggedInWindow = 0;
                _suppressedInWindow = 0;
            }

            log = _loggedInWindow < settings.DeadLetterLogLimit;
            if (log)
            {
                _loggedInWindow++;
            }
            else
            {
                _suppressedInWindow++;
            }
        }

        if (suppressed > 0)
        {
            LogMessages.DeadLettersSuppressed(_log, suppressed, settings.DeadLetterLogInterval, count);
        }

        if (log)
        {
            LogMessages.DeadLetter(_log, deadLetter.Message.GetType().Name, deadLetter.Sender.Path, deadLetter.Recipient.Path, count);
        }
    }
}
