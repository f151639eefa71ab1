using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClusterLb.Node.Commands;

/// <summary>
/// Masks credentials in the JSON that <c>config show</c> prints: the output ends up in terminals, tickets and CI
/// logs, where the cluster secret, the admin token or a database password must not.
/// </summary>
public static class SecretRedactor
{
    /// <summary>What a non-empty credential is printed as.</summary>
    public const string Mask = "<redacted>";

    private static readonly HashSet<string> SecretKeys = new(StringComparer.Ordinal) { "secret", "token", "password", "connection-string" };

    /// <summary>Returns <paramref name="json"/> with every non-empty credential value replaced by <see cref="Mask"/>.</summary>
    public static string Redact(string json)
    {
        var root = JsonNode.Parse(json);
        if (root is null)
        {
            return json;
        }
        Visit(root);
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static void Visit(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (SecretKeys.Contains(key) && value is JsonValue leaf && leaf.GetValueKind() == JsonValueKind.String && leaf.GetValue<string>().Length > 0)
                    {
                        obj[key] = Mask;
                    }
                    else if (value is not null)
                    {
                        Visit(value);
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        Visit(item);
                    }
                }
                break;
        }
    }
}
