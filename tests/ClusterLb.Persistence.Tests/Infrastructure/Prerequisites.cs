namespace ClusterLb.Persistence.Tests.Infrastructure;

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
            ? $"{PostgresVariable} is not set (run .ci/run's install_postgres or export a connection string); skipped outside CI."
            : null;

    /// <summary>The connection string, or a loud failure naming what is missing.</summary>
    public static string RequirePostgres() =>
        PostgresConnectionString ?? throw new InvalidOperationException(
            $"CI=true but {PostgresVariable} is not set: PostgreSQL tests cannot run. .ci/run's install_postgres should export it.");
}
