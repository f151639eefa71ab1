using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// The real <c>clusterlb</c> executable (the build this test project already holds, <c>clusterlb.dll</c>) as a
/// child process. Every stdout and stderr line goes to the test's output, prefixed with the process's name, so a
/// failing test shows what each child said; <see cref="Dispose"/> kills a child that is still running.
/// </summary>
internal sealed class ClusterLbProcess : IDisposable
{
    /// <summary>The environment variables a child never inherits from the test run unless a test sets them.</summary>
    private static readonly string[] Scrubbed = ["CLUSTER_IP", "CLUSTER_PORT", "CLUSTER_SEEDS", "CLUSTERLB_ADMIN_TOKEN", "CLUSTERLB_NODE_NAME", "CLUSTERLB_DATA_DIR"];

    private readonly Process _process;
    private readonly ITestOutputHelper _output;
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClusterLbProcess(string name, Process process, ITestOutputHelper output)
    {
        Name = name;
        _process = process;
        _output = output;
    }

    /// <summary>The executable every test starts.</summary>
    public static string Executable { get; } = Path.Combine(AppContext.BaseDirectory, "clusterlb.dll");

    /// <summary>Name used as the prefix of this child's lines in the test output.</summary>
    public string Name { get; }

    /// <summary>The child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the child has exited (and its output has been read to the end).</summary>
    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Everything the child wrote so far, stdout and stderr interleaved as received.</summary>
    public string Log
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Starts <c>dotnet clusterlb.dll <paramref name="args"/></c> with <paramref name="environment"/> added.</summary>
    public static ClusterLbProcess Start(string name, ITestOutputHelper output, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartThrough([], name, output, environment, args);

    /// <summary>
    /// Starts <c><paramref name="launcher"/> dotnet clusterlb.dll <paramref name="args"/></c>, e.g. with the launcher
    /// <c>ip netns exec NS</c>, which execs in place: the child's pid is still the node's.
    /// </summary>
    public static ClusterLbProcess StartThrough(IReadOnlyList<string> launcher, string name, ITestOutputHelper output, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartAssembly(Executable, launcher, name, output, environment, args);

    /// <summary>Starts <c>dotnet <paramref name="assembly"/> <paramref name="args"/></c>: another program of this build, such as the sample backend.</summary>
    public static ClusterLbProcess StartAssembly(string assembly, IReadOnlyList<string> launcher, string name, ITestOutputHelper output, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(launcher.Count > 0 ? launcher[0] : "dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var part in launcher.Skip(1).Concat(launcher.Count > 0 ? ["dotnet"] : []))
        {
            info.ArgumentList.Add(part);
        }
        info.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var variable in Scrubbed)
        {
            info.Environment.Remove(variable);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ClusterLbProcess(name, process, output);
        var streamsOpen = 2;
        void OnLine(string stream, string? line)
        {
            if (line is null)
            {
                if (Interlocked.Decrement(ref streamsOpen) == 0)
                {
                    child._exited.TrySetResult();
                }
                return;
            }
            lock (child._lock)
            {
                child._lines.Add(line);
            }
            child.Write($"[{name} {stream}] {line}");
        }
        process.OutputDataReceived += (_, e) => OnLine("out", e.Data);
        process.ErrorDataReceived += (_, e) => OnLine("err", e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child.Write($"[{name}] started pid {process.Id}: {string.Join(' ', launcher.Append(Path.GetFileNameWithoutExtension(assembly)).Concat(args))}");
        return child;
    }

    /// <summary>Waits for a line matching <paramref name="pattern"/>; fails early, with the reason, if the child exits first.</summary>
    public async Task<Match> WaitForLineAsync(Regex pattern, TimeSpan? deadline = null)
    {
        Match? found = null;
        await Poll.UntilAsync(() =>
        {
            lock (_lock)
            {
                found = _lines.Select(l => pattern.Match(l)).FirstOrDefault(m => m.Success);
            }
            if (found is null && HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before writing a line matching '{pattern}'");
            }
            return found is not null;
        }, $"{Name}: a line matching '{pattern}'", deadline ?? TimeSpan.FromSeconds(60));
        return found!;
    }

    /// <summary>How many lines so far match <paramref name="pattern"/>.</summary>
    public int CountLines(Regex pattern)
    {
        lock (_lock)
        {
            return _lines.Count(l => pattern.IsMatch(l));
        }
    }

    /// <summary>SIGKILL: the process vanishes without leaving the cluster.</summary>
    public void Kill()
    {
        Write($"[{Name}] kill -9");
        _process.Kill();
    }

    /// <summary>SIGTERM, as systemd or docker stop sends it.</summary>
    public async Task TerminateAsync()
    {
        Write($"[{Name}] kill -TERM");
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the child to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(deadline);
            await _exited.Task.WaitAsync(deadline);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} (pid {_process.Id}) did not exit within {deadline.TotalSeconds:0} s");
        }
        return _process.ExitCode;
    }

    /// <summary>Kills the child if it still runs.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }
        _process.Dispose();
    }

    private void Write(string line)
    {
        try
        {
            _output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished; its output is closed.
        }
    }
}
