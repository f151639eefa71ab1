using System.Runtime.ExceptionServices;

namespace ClusterLb.Actors;

/// <summary>ReceiveAsync support: the mailbox pauses entirely until the handler's task completes.</summary>
internal sealed partial class ActorCell
{
    private Task? _pendingTask;
    private volatile Task? _completedTask;

    public bool HasPendingTask => _pendingTask is not null;

    public bool PendingTaskCompleted => _completedTask is not null;

    /// <summary>Called by an async handler with the task it returned.</summary>
    internal void RunTask(Task task)
    {
        if (task.IsCompleted)
        {
            ThrowIfFaulted(task);
            return;
        }

        _pendingTask = task;
        task.ContinueWith(
            static (t, state) =>
            {
                var cell = (ActorCell)state!;
                cell._completedTask = t;
                cell.Mailbox.Schedule();
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>False while an async handler is still running; otherwise settles it (a fault fails the actor).</summary>
    public bool CompletePendingTask()
    {
        if (_pendingTask is null)
        {
            return true;
        }

        var completed = _completedTask;
        if (completed is null)
        {
            return false;
        }

        _pendingTask = null;
        _completedTask = null;
        try
        {
            ThrowIfFaulted(completed);
            RestartReceiveTimeout();
        }
        catch (Exception ex)
        {
            HandleInvokeFailure(ex);
        }

        return true;
    }

    private static void ThrowIfFaulted(Task task)
    {
        if (task.IsFaulted)
        {
            ExceptionDispatchInfo.Capture(task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception).Throw();
        }

        if (task.IsCanceled)
        {
            throw new TaskCanceledException(task);
        }
    }
}
