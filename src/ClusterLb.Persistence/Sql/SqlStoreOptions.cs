namespace ClusterLb.Persistence.Sql;

/// <summary>Tuning shared by the SQL journal and snapshot store.</summary>
/// <param name="AutoInitialize">Create the tables on first use when they are missing.</param>
/// <param name="BatchSize">Most events written per transaction; a larger write is split at atomic-write boundaries.</param>
/// <param name="ReplayBatchSize">Events fetched per query during a replay (bounds memory, not the replay length).</param>
public sealed record SqlStoreOptions(bool AutoInitialize = true, int BatchSize = 100, int ReplayBatchSize = 1000)
{
    public static readonly SqlStoreOptions Default = new();

    internal void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch-size must be at least 1.");
        }

        if (ReplayBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ReplayBatchSize), ReplayBatchSize, "replay-batch-size must be at least 1.");
        }
    }
}
