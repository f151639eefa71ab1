namespace ClusterLb.Actors;

/// <summary>A handle to scheduled work.</summary>
public interface ICancelable
{
    /// <summary>True once <see cref="Cancel"/> was called.</summary>
    bool IsCancellationRequested { get; }

    /// <summary>Prevents any further run of the work; a run already in progress is not interrupted.</summary>
    void Cancel();
}
