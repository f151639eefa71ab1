namespace ClusterLb.Actors;

/// <summary>The system scheduler, on .NET's timer queue.</summary>
internal sealed class ActorScheduler : IScheduler
{
    public ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        return TimerCancelable.Start(delay, static s => ((Send)s!).Run(), new Send(receiver, message, sender));
    }

    public ICancelable ScheduleTellRepeatedly(TimeSpan initial, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        return TimerCancelable.StartPeriodic(initial, interval, static s => ((Send)s!).Run(), new Send(receiver, message, sender));
    }

    public ICancelable ScheduleOnce(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return TimerCancelable.Start(delay, static s => ((Action)s!)(), action);
    }

    private sealed record Send(IActorRef Receiver, object Message, IActorRef? Sender)
    {
        public void Run() => Receiver.Tell(Message, Sender);
    }
}
