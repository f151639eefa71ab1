using System.CommandLine;
using ClusterLb.Node.Demo;
using ClusterLb.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Node.Commands;

/// <summary><c>clusterlb demo</c>: three demo backends and one node in front, for a first look.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Proxy port (0 = any free port).", DefaultValueFactory = _ => 8080 };
        var adminPort = new Option<int>("--admin-port") { Description = "Status port (0 = any free port).", DefaultValueFactory = _ => 8081 };
        var logFormat = LogOptions.Format();
        var command = new Command("demo", "Start three demo backends on loopback and a load balancer in front of them.") { port, adminPort, logFormat };
        command.SetAction((parse, cancellation) => RunAsync(parse.GetValue(port), parse.GetValue(adminPort), parse.GetValue(logFormat)!));
        return command;
    }

    private static async Task<int> RunAsync(int port, int adminPort, string logFormat)
    {
        using var loggerFactory = NodeLogging.Create(logFormat, LogLevel.Information);
        DemoEnvironment demo;
        try
        {
            demo = await DemoEnvironment.StartAsync(port, adminPort, loggerFactory).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"clusterlb demo: cannot listen ({ex.Message}); try --port 0 --admin-port 0").ConfigureAwait(false);
            return 1;
        }

        await using (demo.ConfigureAwait(false))
        {
            using var signals = demo.Node.System.CoordinatedShutdown.RunOnProcessExit();
            Console.WriteLine();
            Console.WriteLine("ClusterLb demo is running.");
            Console.WriteLine($"  proxy:    {demo.Node.ProxyUrl}     try: curl {demo.Node.ProxyUrl}hello (a few times)");
            Console.WriteLine($"  status:   {demo.Node.AdminUrl}status");
            foreach (var backend in demo.Backends)
            {
                Console.WriteLine($"  backend:  {backend.Name} at {backend.Url}");
            }
            Console.WriteLine("Press Ctrl-C to stop.");
            Console.WriteLine();
            await demo.Node.System.WhenTerminated.ConfigureAwait(false);
        }
        return 0;
    }
}
