using System.Diagnostics;

namespace ClusterLb.Persistence.Tests.Infrastructure;

/// <summary>
/// Runs tests/ClusterLb.Persistence.CrashWriter as a child process and collects the sequence numbers it
/// reports as acknowledged.
/// </summary>
public sealed class CrashWriterProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<long> _acknowledged = [];
    private readonly Task _reader;
    private readonly object _gate = new();
    private readonly System.Text.StringBuilder _stderr = new();
    private (int Count, TaskCompletionSource Signal)? _waiter;

    private CrashWriterProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        _reader = Task.Run(ReadOutput);
    }

    public long? StartSequenceNr { get; private set; }

    public IReadOnlyList<long> Acknowledged
    {
        get
        {
            lock (_gate)
            {
                return _acknowledged.ToList();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static CrashWriterProcess Start(string[] databaseArguments, string persistenceId, long maxEvents)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ClusterLb.Persistence.CrashWriter.dll");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in databaseArguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add(persistenceId);
        info.ArgumentList.Add(maxEvents.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new CrashWriterProcess(Process.Start(info) ?? throw new InvalidOperationException("Could not start the crash writer."));
    }

    /// <summary>Completes once at least <paramref name="count"/> acknowledgements arrived; fails on deadline or early exit.</summary>
    public async Task WaitForAcknowledgedAsync(int count, TimeSpan deadline)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_acknowledged.Count >= count)
            {
                return;
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiter = (count, signal);
        }

        var finished = await Task.WhenAny(signal.Task, _reader, Task.Delay(deadline));
        if (finished != signal.Task)
        {
            throw new TimeoutException(
                $"Crash writer reported {Acknowledged.Count} of {count} acknowledgements (exited: {_process.HasExited}). stderr: {StandardError}");
        }
    }

    /// <summary>SIGKILL (Process.Kill on Unix), then waits for the exit and for stdout to drain.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        await _reader;
    }

    /// <summary>Waits for a normal exit and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        await _process.WaitForExitAsync(timeout.Token);
        await _reader;
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private async Task ReadOutput()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("start ", StringComparison.Ordinal))
            {
                StartSequenceNr = long.Parse(line.AsSpan(6), System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("ack ", StringComparison.Ordinal))
            {
                var seq = long.Parse(line.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);
                lock (_gate)
                {
                    _acknowledged.Add(seq);
                    if (_waiter is { } waiter && _acknowledged.Count >= waiter.Count)
                    {
                        waiter.Signal.TrySetResult();
                        _waiter = null;
                    }
                }
            }
        }
    }
}
