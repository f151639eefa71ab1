namespace ClusterLb.Balancing.Reporting;

/// <summary>The summary words every status level uses, so service, pool and node read alike.</summary>
public static class StatusWords
{
    /// <summary><c>healthy</c> when all are up, <c>unhealthy</c> when none (or nothing configured), else <c>degraded</c>.</summary>
    public static string Of(int healthy, int total) =>
        total > 0 && healthy == total ? "healthy" : healthy == 0 ? "unhealthy" : "degraded";

    /// <summary>godoxy-style detail: <c>2/3 hosts healthy</c>.</summary>
    public static string Detail(int healthy, int total) => $"{healthy}/{total} hosts healthy";
}
