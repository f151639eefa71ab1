namespace ClusterLb.Persistence.Tests.Infrastructure;

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
