using System.CommandLine;

namespace ClusterLb.Node.Commands;

/// <summary>Every sub-command of the <c>clusterlb</c> executable, one line each.</summary>
internal static class CommandCatalog
{
    public static void AddTo(RootCommand root)
    {
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(CertCommand.Create());
    }
}
