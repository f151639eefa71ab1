namespace ClusterLb.Persistence.Sql;

/// <summary>
/// Names of the three tables (Akka.Persistence.Sql's defaults) and, for PostgreSQL, the schema that holds them.
/// </summary>
public sealed record TableNames(
    string Journal = "journal",
    string Tags = "tags",
    string Snapshot = "snapshot",
    string? Schema = null)
{
    public static readonly TableNames Default = new();

    internal void Validate()
    {
        foreach (var (name, value) in new[] { ("journal", Journal), ("tags", Tags), ("snapshot", Snapshot), ("schema", Schema ?? "x") })
        {
            if (string.IsNullOrEmpty(value) || value.Length > 63 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new ArgumentException(
                    $"Invalid {name} name '{value}': use 1-63 ASCII letters, digits or underscores.");
            }
        }
    }
}
