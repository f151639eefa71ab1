namespace ClusterLb.Actors;

/// <summary>Failure, restart and stop: the parts of the cell that follow Akka's fault-handling protocol.</summary>
internal sealed partial class ActorCell
{
    private int _suspendCount;
    private bool _failed;
    private object? _failedMessage;
    private Exception? _pendingRecreate;

    /// <summary>The actor threw: suspend it and its children and ask the parent what to do.</summary>
    internal void HandleInvokeFailure(Exception cause)
    {
        if (IsTerminating)
        {
            LogMessages.FailedWhileStopping(Log, cause, Self.Path);
            return;
        }

        if (_failed)
        {
            // Already waiting for the supervisor's decision; the first failure is the one it decides on.
            LogMessages.FailedWhileSuspended(Log, cause, Self.Path);
            return;
        }

        _failed = true;
        _failedMessage = _current.Message;
        _suspendCount++;
        foreach (var child in _children.Values)
        {
            child.Ref.SendSystemMessage(Suspend.Instance);
        }

        ParentRef.SendSystemMessage(new Failed(Self, cause, Self.Path.Uid));
    }

    private void OnChildFailed(Failed failed)
    {
        if (!_children.TryGetValue(failed.Child.Path.Name, out var entry) || !entry.Ref.Equals(failed.Child))
        {
            return; // a stale report from a child that already stopped
        }

        var strategy = Props.SupervisorStrategy ?? _actor?.SupervisorStrategyInternal() ?? SupervisorStrategy.DefaultStrategy;
        if (!strategy.HandleFailure(this, entry, failed.Cause))
        {
            // Escalate: fail ourselves with the child's exception; our parent decides for both of us.
            HandleInvokeFailure(failed.Cause);
        }
    }

    private void OnSuspend()
    {
        _suspendCount++;
        foreach (var child in _children.Values)
        {
            child.Ref.SendSystemMessage(Suspend.Instance);
        }
    }

    private void OnResume(Resume resume)
    {
        if (resume.CausedByFailure is not null)
        {
            if (!_failed)
            {
                return;
            }

            _failed = false;
            _failedMessage = null;
        }

        if (_suspendCount > 0)
        {
            _suspendCount--;
        }

        foreach (var child in _children.Values)
        {
            child.Ref.SendSystemMessage(new Resume(null));
        }
    }

    private void OnRecreate(Exception cause)
    {
        if (IsTerminating)
        {
            return;
        }

        if (_actor is null)
        {
            // The instance never came up (constructor failed); a restart is simply a second attempt.
            _failed = false;
            _suspendCount = 0;
            CreateActor();
            return;
        }

        CancelTimersAndTimeout();
        ((IStash)this).UnstashAll();
        try
        {
            _actor.PreRestartInternal(cause, _failedMessage);
        }
        catch (Exception ex)
        {
            LogMessages.HookFailed(Log, ex, Self.Path, "PreRestart");
        }

        _behaviors.Clear();
        _pendingRecreate = cause;
        if (StoppingChildrenCount == 0)
        {
            FinishRecreate();
        }
    }

    private void FinishRecreate()
    {
        var cause = _pendingRecreate!;
        _pendingRecreate = null;
        _failed = false;
        _failedMessage = null;
        _suspendCount = 0;
        try
        {
            // Drop the failed instance first: if the factory throws, nothing may run PostStop on it twice.
            _actor = null;
            _actor = NewActorInstance();
            _actor.PostRestartInternal(cause);
        }
        catch (Exception ex)
        {
            HandleInvokeFailure(new ActorInitializationException(Self, $"Exception while restarting {Self.Path}: {ex.Message}", ex));
            return;
        }

        foreach (var survivor in _children.Values)
        {
            survivor.Ref.SendSystemMessage(new Recreate(cause));
        }

        RestartReceiveTimeout();
    }

    private void BeginTerminate()
    {
        if (IsTerminating)
        {
            return;
        }

        _state = CellState.Terminating;
        CancelTimersAndTimeout();
        StopAllChildren();
        if (_children.IsEmpty)
        {
            FinishTerminate();
        }
    }

    /// <summary>A child's death was processed: finish a pending stop or restart once the last one is gone.</summary>
    private void OnChildGone()
    {
        if (_state == CellState.Terminating && _children.IsEmpty)
        {
            FinishTerminate();
        }
        else if (_pendingRecreate is not null && StoppingChildrenCount == 0)
        {
            FinishRecreate();
        }
    }

    private void FinishTerminate()
    {
        try
        {
            _actor?.PostStopInternal();
        }
        catch (Exception ex)
        {
            LogMessages.HookFailed(Log, ex, Self.Path, "PostStop");
        }

        StashToDeadLetters();
        System.EventStream.Unsubscribe(Self);
        _state = CellState.Terminated;
        _actor = null;
        _behaviors.Clear();
        Mailbox.Close();
        NotifyWatchersOfDeath();
    }

    private void CancelTimersAndTimeout()
    {
        _timers?.CancelAll();
        CancelReceiveTimeout();
    }
}
