namespace ClusterLb.Actors;

/// <summary>The default dispatcher: mailboxes run as thread-pool work items, a throughput batch per turn.</summary>
internal sealed class ThreadPoolDispatcher(int throughput) : Dispatcher
{
    public override int Throughput { get; } = throughput;

    public override void Execute(Mailbox mailbox) => ThreadPool.UnsafeQueueUserWorkItem(mailbox, preferLocal: false);

    public override ICancelable ScheduleOnce(TimeSpan delay, Action<object?> callback, object? state)
        => TimerCancelable.Start(delay, callback, state);
}
