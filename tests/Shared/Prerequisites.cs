namespace ClusterLb.Tests.Shared;

/// <summary>
/// What the environment provides. Under <c>CI=true</c> a missing prerequisite fails the tests that need it instead of
/// skipping them. Compiled into each test project that needs it (linked source, not a project: test projects here
/// are all test hosts).
/// </summary>
public static class Prerequisites
{
    /// <summary>The environment variable holding the PostgreSQL connection string.</summary>
    public const string PostgresVariable = "CLUSTERLB_POSTGRES";

    /// <summary>True under CI, where nothing may be skipped for lack of a prerequisite.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The configured connection string, or null.</summary>
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

/// <summary>A fact that needs PostgreSQL: skipped outside CI when CLUSTERLB_POSTGRES is unset, run (and failing) under CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when PostgreSQL is missing outside CI.</summary>
    public PostgresFactAttribute()
    {
        if (Prerequisites.PostgresSkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
