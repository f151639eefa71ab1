using System.CommandLine;

namespace ClusterLb.Node.Commands;

/// <summary>Options shared by the commands that start a node.</summary>
internal static class LogOptions
{
    public static Option<string> Format()
    {
        var option = new Option<string>("--log-format") { Description = "Console log format: text or json (default: clusterlb.logging.format, text)." };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }
}
