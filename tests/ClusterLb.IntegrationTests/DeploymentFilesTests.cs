using System.Diagnostics;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Tests.Shared;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// The top-level <c>docker-compose.yml</c> is valid for Debian's <c>docker-compose</c> (no Docker engine runs here,
/// so <c>config -q</c> is what can be checked). Without the tool the test passes outside CI and fails under <c>CI=true</c>
/// (<c>.ci/run</c> installs it as root).
/// </summary>
public sealed class DeploymentFilesTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Docker_compose_validates_the_top_level_compose_file()
    {
        var root = RepositoryRoot.Path;
        var tool = new[] { "/usr/bin/docker-compose", "/usr/local/bin/docker-compose" }.FirstOrDefault(File.Exists);
        if (tool is null)
        {
            Assert.False(Prerequisites.IsCi, "CI=true but docker-compose is not installed: .ci/run installs Debian's docker-compose as root.");
            output.WriteLine("docker-compose is not installed; skipped outside CI.");
            return;
        }
        var start = new ProcessStartInfo(tool, ["-f", Path.Combine(root, "docker-compose.yml"), "config", "-q"])
        {
            WorkingDirectory = root,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"docker-compose config -q exited {process.ExitCode}: {await error}{await stdout}");
        Assert.True(File.Exists(Path.Combine(root, "deploy", "compose", "clusterlb.conf")), "the compose file mounts deploy/compose/clusterlb.conf");
    }
}
