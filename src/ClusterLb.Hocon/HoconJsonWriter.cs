using System.Globalization;
using System.Text;

namespace ClusterLb.Hocon;

/// <summary>Renders a resolved tree as JSON. Written by hand because System.Text.Json's writer stops at 1000 levels.</summary>
internal static class HoconJsonWriter
{
    public static string Write(HoconValue value, bool indented)
    {
        var sb = new StringBuilder();
        Write(sb, value, indented, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, HoconValue value, bool indented, int level)
    {
        StackGuard.Ensure(value.Origin, "render as JSON");
        switch (value)
        {
            case HoconObject obj:
                if (obj.Fields.Count == 0)
                {
                    sb.Append("{}");
                    return;
                }
                sb.Append('{');
                var first = true;
                foreach (var (key, child) in obj.Fields)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    NewLine(sb, indented, level + 1);
                    JsonText.AppendQuoted(sb, key);
                    sb.Append(indented ? ": " : ":");
                    Write(sb, child, indented, level + 1);
                }
                NewLine(sb, indented, level);
                sb.Append('}');
                return;
            case HoconArray array:
                if (array.Items.Count == 0)
                {
                    sb.Append("[]");
                    return;
                }
                sb.Append('[');
                for (var i = 0; i < array.Items.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    NewLine(sb, indented, level + 1);
                    Write(sb, array.Items[i], indented, level + 1);
                }
                NewLine(sb, indented, level);
                sb.Append(']');
                return;
            case HoconString s:
                JsonText.AppendQuoted(sb, s.Value);
                return;
            case HoconNumber n:
                sb.Append(n.Integer is { } l ? l.ToString(CultureInfo.InvariantCulture) : FormatDouble(n.Value));
                return;
            case HoconBoolean b:
                sb.Append(b.Value ? "true" : "false");
                return;
            case HoconNull:
                sb.Append("null");
                return;
            default:
                throw new HoconException(value.Origin, "cannot render an unresolved substitution as JSON: resolve the configuration first");
        }
    }

    private static string FormatDouble(double d) =>
        double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "null";

    private static void NewLine(StringBuilder sb, bool indented, int level)
    {
        if (indented)
        {
            sb.Append('\n').Append(' ', level * 2);
        }
    }
}
