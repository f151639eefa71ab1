using Xunit.Sdk;

namespace ClusterLb.Persistence.Tests.Infrastructure;

/// <summary>
/// A fact declared once in an abstract store suite and run by each provider's subclass; in a subclass marked
/// <see cref="RequiresPostgresAttribute"/> it is skipped when PostgreSQL is not configured (outside CI only).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("ClusterLb.Persistence.Tests.Infrastructure.StoreFactDiscoverer", "ClusterLb.Persistence.Tests")]
public sealed class StoreFactAttribute : FactAttribute
{
}
