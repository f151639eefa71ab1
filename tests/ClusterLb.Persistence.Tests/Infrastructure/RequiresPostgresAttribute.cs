namespace ClusterLb.Persistence.Tests.Infrastructure;

/// <summary>Marks a test class whose <see cref="StoreFactAttribute"/> tests need PostgreSQL.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RequiresPostgresAttribute : Attribute
{
}
