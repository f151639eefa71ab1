using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using AkkaConfig = Akka.Configuration.Config;
using AkkaHoconArray = Akka.Configuration.Hocon.HoconArray;
using AkkaHoconValue = Akka.Configuration.Hocon.HoconValue;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// Prints an Akka <see cref="AkkaConfig"/> (with its fallbacks merged) as HOCON or JSON that Akka's
/// <c>ConfigurationFactory.ParseString</c> reads back to the same values. Every key is quoted unless it is a plain
/// word, and every value that is not a number or a boolean is quoted, so no HOCON quoting rule can change a value.
/// </summary>
internal static partial class AkkaConfigWriter
{
    /// <summary>What a credential is printed as unless secrets are shown.</summary>
    public const string Mask = "<redacted>";

    private static readonly HashSet<string> SecretKeys = new(StringComparer.Ordinal) { "password", "secret", "token", "connection-string" };

    public static string Write(AkkaConfig config, AkkaConfigFormat format, bool showSecrets, string? header)
    {
        var text = new StringBuilder();
        if (format == AkkaConfigFormat.Hocon && header is not null)
        {
            foreach (var line in header.Split('\n'))
            {
                text.Append("# ").AppendLine(line);
            }
        }
        WriteObject(text, config.Root, format, showSecrets, indent: 0);
        text.AppendLine();
        return text.ToString();
    }

    private static void WriteObject(StringBuilder text, AkkaHoconValue value, AkkaConfigFormat format, bool showSecrets, int indent)
    {
        var items = value.GetObject().Items.OrderBy(i => i.Key, StringComparer.Ordinal).ToList();
        if (items.Count == 0)
        {
            text.Append("{}");
            return;
        }
        text.Append("{\n");
        for (var i = 0; i < items.Count; i++)
        {
            var (key, child) = (items[i].Key, items[i].Value);
            text.Append(' ', (indent + 1) * 2).Append(Key(key, format)).Append(format == AkkaConfigFormat.Json ? ": " : " = ");
            if (child.IsObject())
            {
                WriteObject(text, child, format, showSecrets, indent + 1);
            }
            else if (child.Values.Any(e => e is AkkaHoconArray))
            {
                var elements = child.GetArray();
                text.Append('[').AppendJoin(", ", elements.Select(e => Scalar(e.GetString()))).Append(']');
            }
            else
            {
                var scalar = child.Values.Count == 0 ? null : child.GetString();
                text.Append(!showSecrets && SecretKeys.Contains(key) && !string.IsNullOrEmpty(scalar) ? Quote(Mask) : Scalar(scalar));
            }
            if (format == AkkaConfigFormat.Json && i < items.Count - 1)
            {
                text.Append(',');
            }
            text.Append('\n');
        }
        text.Append(' ', indent * 2).Append('}');
    }

    private static string Key(string key, AkkaConfigFormat format) =>
        format == AkkaConfigFormat.Hocon && PlainKey().IsMatch(key) ? key : Quote(key);

    private static string Scalar(string? value)
    {
        if (value is null)
        {
            return "null";
        }
        if (value is "true" or "false" || (Number().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            return value;
        }
        return Quote(value);
    }

    // Relaxed escaping keeps '<', '>' and '+' readable; quotes, backslashes and control characters are still escaped.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Quote(string value) => JsonSerializer.Serialize(value, Relaxed);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex PlainKey();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")]
    private static partial Regex Number();
}
