using System.Runtime.InteropServices;

namespace ClusterLb.Node.Hosting;

/// <summary>
/// SIGTERM and SIGINT (Ctrl-C), from the moment this is created: a signal during start-up cancels
/// <see cref="Token"/> (the start stops and cleans up), and one after start-up completes <see cref="Signalled"/>
/// (the caller runs the node's CoordinatedShutdown). The signals' default termination is cancelled so the process
/// exits only once the shutdown has finished.
/// </summary>
public sealed class ShutdownSignal : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly TaskCompletionSource<PosixSignal> _signalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Starts listening for the signals.</summary>
    public ShutdownSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
        ];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>The first signal received, null before one arrives.</summary>
    public PosixSignal? Received { get; private set; }

    /// <summary>Completes with the first signal received.</summary>
    public Task<PosixSignal> Signalled => _signalled.Task;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        lock (_lock)
        {
            // Cancel before completing Signalled: the caller's shutdown (and this object's disposal) follows
            // Signalled, so it must not find the cancellation still running.
            if (_disposed || _signalled.Task.IsCompleted)
            {
                return;
            }
            // Received first: code cancelled by the token may run inline inside Cancel and ask which signal it was.
            Received = context.Signal;
            _cancellation.Cancel();
            _signalled.TrySetResult(context.Signal);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _registrations.ForEach(r => r.Dispose());
        lock (_lock)
        {
            _disposed = true;
            _cancellation.Dispose();
        }
    }
}
