using System.Diagnostics;
using System.Text.RegularExpressions;
using ClusterLb.IntegrationTests.Infrastructure;

namespace ClusterLb.IntegrationTests;

/// <summary>The real <c>clusterlb</c> executable as a child process: argument errors and SIGTERM draining.</summary>
public sealed partial class ProcessTests
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "clusterlb.dll");

    [Fact]
    public async Task Run_with_a_missing_file_exits_2_with_the_path()
    {
        using var process = Start("run", "--config", "/nonexistent/lb.conf");
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("configuration file not found: /nonexistent/lb.conf", stderr);
    }

    [Fact]
    public async Task Run_with_an_invalid_file_exits_2_naming_the_line()
    {
        var file = await WriteConfigAsync("clusterlb.services.web.pools = [{ hosts = [{ address = \"http://127.0.0.1:1\", weight = -1 }] }]\n");
        try
        {
            using var process = Start("run", "--config", file);
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(2, process.ExitCode);
            Assert.Contains($"{file}:1:", stderr);
            Assert.Contains("weight: must be between 1 and 1000 (was -1)", stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Sigterm_drains_an_in_flight_request_then_exits_0()
    {
        await using var backend = await TestBackend.StartAsync("slow");
        using var dataDirectory = TempDirectory.Create();
        var file = await WriteConfigAsync($$"""
            clusterlb {
              node.data-dir = "{{dataDirectory.Path}}"
              proxy.http { bind = "127.0.0.1", port = 0 }
              admin.port = 0
              health-check.path = "/health"
              services.web.pools = [{ hosts = ["{{backend.Url}}"] }]
            }
            """);
        using var process = Start("run", "--config", file);
        try
        {
            var log = new LogWatcher(process);
            var listening = await log.WaitForAsync(ListeningLine());
            var proxy = new Uri(listening.Groups[1].Value);

            using var client = new HttpClient { BaseAddress = proxy, Timeout = TimeSpan.FromSeconds(30) };
            var slow = client.GetAsync("/slow");
            await backend.SlowStarted.WaitAsync(TimeSpan.FromSeconds(15));

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            {
                await kill.WaitForExitAsync();
            }
            await log.WaitForAsync(DrainingLine());
            Assert.False(process.HasExited, "the node must wait for the in-flight request");

            backend.ReleaseSlow();
            var response = await slow;
            Assert.Equal("slow slow done", await response.Content.ReadAsStringAsync());
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, process.ExitCode);
            await log.WaitForAsync(StoppedLine());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
            File.Delete(file);
        }
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Executable);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return Process.Start(info)!;
    }

    private static async Task<string> WriteConfigAsync(string text)
    {
        var file = Path.Combine(Path.GetTempPath(), $"clusterlb-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(file, text);
        return file;
    }

    [GeneratedRegex(@"Proxy listening on (http://\S+/) ")]
    private static partial Regex ListeningLine();

    [GeneratedRegex("Proxy stopped accepting; draining")]
    private static partial Regex DrainingLine();

    [GeneratedRegex("Node stopped")]
    private static partial Regex StoppedLine();

    /// <summary>Collects stdout lines and lets a test wait for one that matches.</summary>
    private sealed class LogWatcher
    {
        private readonly List<string> _lines = [];
        private readonly Lock _lock = new();

        public LogWatcher(Process process)
        {
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (_lock)
                    {
                        _lines.Add(e.Data);
                    }
                }
            };
            process.BeginOutputReadLine();
        }

        public async Task<Match> WaitForAsync(Regex pattern)
        {
            Match? found = null;
            await Poll.UntilAsync(() =>
            {
                lock (_lock)
                {
                    found = _lines.Select(l => pattern.Match(l)).FirstOrDefault(m => m.Success);
                }
                return found is not null;
            }, $"a log line matching '{pattern}'", TimeSpan.FromSeconds(30));
            return found!;
        }
    }
}
