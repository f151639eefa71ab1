using System.CommandLine;
using System.Diagnostics;
using ClusterLb.Node.Commands;

namespace ClusterLb.Node.Tests;

/// <summary>Runs the CLI in-process (the config command) or as the built executable, capturing exit code and output.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result InProcess(params string[] args)
    {
        var root = new RootCommand("test root");
        root.Subcommands.Add(ConfigCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var code = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>dotnet clusterlb.dll</c> from the test's output folder, where the referenced executable is copied.</summary>
    public static Result Executable(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "clusterlb.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("clusterlb did not exit within 60 s");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
