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

    /// <summary>Completes with the first signal received.</summary>
    public Task<PosixSignal> Signalled => _signalled.Task;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (_signalled.TrySetResult(context.Signal))
        {
            _cancellation.Cancel();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _registrations.ForEach(r => r.Dispose());
        _cancellation.Dispose();
    }
}
