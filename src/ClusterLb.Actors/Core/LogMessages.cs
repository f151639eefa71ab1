using Microsoft.Extensions.Logging;

namespace ClusterLb.Actors;

/// <summary>Every log line the kernel writes, with structured fields.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Actor {ActorPath} failed with {ExceptionType}; supervisor {Supervisor} decided {Directive}")]
    public static partial void ChildFailed(ILogger logger, Exception exception, ActorPath actorPath, ActorPath supervisor, Directive directive, string exceptionType);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Actor {ActorPath} exceeded {MaxNrOfRetries} restarts within {WithinTimeRange}; stopping it")]
    public static partial void RetriesExhausted(ILogger logger, ActorPath actorPath, int maxNrOfRetries, TimeSpan withinTimeRange);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Actor {ActorPath} failed in {Hook}")]
    public static partial void HookFailed(ILogger logger, Exception exception, ActorPath actorPath, string hook);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Actor {ActorPath} failed while stopping; the failure is ignored")]
    public static partial void FailedWhileStopping(ILogger logger, Exception exception, ActorPath actorPath);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Actor {ActorPath} failed again while awaiting its supervisor's decision")]
    public static partial void FailedWhileSuspended(ILogger logger, Exception exception, ActorPath actorPath);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Critical, Message = "Kernel fault while running actor {ActorPath}")]
    public static partial void KernelFault(ILogger logger, Exception exception, ActorPath actorPath);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "Actor {ActorPath} did not handle {MessageType} from {SenderPath}")]
    public static partial void Unhandled(ILogger logger, ActorPath actorPath, string messageType, ActorPath senderPath);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Dead letter: {MessageType} from {SenderPath} to {RecipientPath} ({DeadLetterCount} so far)")]
    public static partial void DeadLetter(ILogger logger, string messageType, ActorPath senderPath, ActorPath recipientPath, long deadLetterCount);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "{Suppressed} further dead letters were not logged in the last {Interval} ({DeadLetterCount} so far)")]
    public static partial void DeadLettersSuppressed(ILogger logger, long suppressed, TimeSpan interval, long deadLetterCount);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Error, Message = "Top-level guardian {ActorPath} failed; stopping it")]
    public static partial void GuardianFailed(ILogger logger, Exception exception, ActorPath actorPath);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Information, Message = "CoordinatedShutdown started: {Reason}")]
    public static partial void ShutdownStarted(ILogger logger, string reason);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Debug, Message = "CoordinatedShutdown phase {Phase}: running {TaskCount} tasks")]
    public static partial void PhaseStarted(ILogger logger, string phase, int taskCount);

    [LoggerMessage(EventId = 1032, Level = LogLevel.Warning, Message = "CoordinatedShutdown phase {Phase} timed out after {Timeout}; continuing with the next phase")]
    public static partial void PhaseTimedOut(ILogger logger, string phase, TimeSpan timeout);

    [LoggerMessage(EventId = 1033, Level = LogLevel.Warning, Message = "CoordinatedShutdown task {TaskName} in phase {Phase} failed; continuing")]
    public static partial void TaskFailed(ILogger logger, Exception exception, string phase, string taskName);

    [LoggerMessage(EventId = 1034, Level = LogLevel.Warning, Message = "CoordinatedShutdown task {TaskName} added to phase {Phase} after that phase started; it will not run")]
    public static partial void TaskAddedTooLate(ILogger logger, string phase, string taskName);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Debug, Message = "Backoff supervisor {ActorPath} restarts its child in {Delay} (restart {RestartCount})")]
    public static partial void BackoffRestart(ILogger logger, ActorPath actorPath, TimeSpan delay, int restartCount);
}
