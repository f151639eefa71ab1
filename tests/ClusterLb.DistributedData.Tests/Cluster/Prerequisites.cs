namespace ClusterLb.DistributedData.Tests.ClusterMode;

/// <summary>What the environment provides; under CI=true a missing prerequisite fails tests instead of skipping them.</summary>
public static class Prerequisites
{
    public const string PostgresVariable = "CLUSTERLB_POSTGRES";

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? PostgresConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    /// <summary>Why a PostgreSQL test is skipped, or null when it must run (server configured, or CI).</summary>
    public static string? PostgresSkipReason =>
        PostgresConnectionString is null && !IsCi
            ? $"{PostgresVariable} is not set (export a PostgreSQL connection string); skipped outside CI."
            : null;

    /// <summary>The connection string, or a loud failure naming what is missing.</summary>
    public static string RequirePostgres() =>
        PostgresConnectionString ?? throw new InvalidOperationException(
            $"CI=true but {PostgresVariable} is not set: the PostgreSQL durable store test cannot run.");
}

/// <summary>A fact that needs PostgreSQL: skipped outside CI when CLUSTERLB_POSTGRES is unset, run (and failing) under CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Prerequisites.PostgresSkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
