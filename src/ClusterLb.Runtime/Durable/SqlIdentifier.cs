using System.Text.RegularExpressions;
using Akka.Configuration;

namespace ClusterLb.Runtime.Durable;

/// <summary>
/// A table or schema name from configuration, checked to be a plain identifier so it can be spliced into SQL
/// (identifiers cannot be bound as parameters) and quoted so its case is kept on PostgreSQL.
/// </summary>
internal static partial class SqlIdentifier
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex Plain();

    /// <summary>The name quoted for SQL.</summary>
    /// <exception cref="ConfigurationException">The name is not a plain identifier; the message names <paramref name="configKey"/>.</exception>
    public static string Quote(string name, string configKey)
    {
        if (!Plain().IsMatch(name))
        {
            throw new ConfigurationException(
                $"{configKey} = \"{name}\" is not a plain SQL identifier (letters, digits and '_', not starting with a digit, at most 63 characters).");
        }

        return $"\"{name}\"";
    }
}
