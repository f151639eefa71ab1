namespace ClusterLb.Actors;

/// <summary>Turns a task's outcome into a message, the safe way to use async results inside an actor.</summary>
public static class PipeToExtensions
{
    /// <summary>On success tells the result (or <paramref name="success"/>(result)); on fault tells <see cref="Status.Failure"/> (or <paramref name="failure"/>(ex)).</summary>
    public static void PipeTo<T>(this Task<T> task, IActorRef recipient, IActorRef? sender = null,
        Func<T, object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        Pipe(task, recipient, sender, () => success is not null ? success(task.Result) : (object?)task.Result ?? new Status.Success(null), failure);
    }

    /// <summary>On success tells <see cref="Status.Success"/> with a null value; on fault <see cref="Status.Failure"/>.</summary>
    public static void PipeTo(this Task task, IActorRef recipient, IActorRef? sender = null,
        Func<object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        Pipe(task, recipient, sender, () => success is not null ? success() : new Status.Success(null), failure);
    }

    private static void Pipe(Task task, IActorRef recipient, IActorRef? sender, Func<object> onSuccess, Func<Exception, object>? failure)
        => task.ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    recipient.Tell(onSuccess(), sender);
                    return;
                }

                var error = Unwrap(t);
                recipient.Tell(failure is not null ? failure(error) : new Status.Failure(error), sender);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private static Exception Unwrap(Task t)
        => t.IsCanceled
            ? new TaskCanceledException(t)
            : t.Exception!.InnerExceptions.Count == 1 ? t.Exception.InnerException! : t.Exception;
}
