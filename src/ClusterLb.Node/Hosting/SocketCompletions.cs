namespace ClusterLb.Node.Hosting;

/// <summary>
/// Where .NET runs the continuation of a finished socket operation (<c>clusterlb.node.inline-socket-completions</c>).
/// By default .NET hands every completion from its epoll thread to the thread pool; inline, the epoll thread runs
/// it at once, as nginx's and HAProxy's event loops do. For a proxy that saves a thread switch per socket event:
/// about a fifth of the CPU per proxied request on a 2-core machine (bench/proxy). The price: code that blocks in a
/// socket continuation stalls every socket served by that thread. ClusterLb's request path, health checks and
/// Akka's transport never block there.
/// </summary>
/// <remarks>
/// .NET reads the switch (the <see cref="Variable"/> environment variable) once, when the first socket is used,
/// so <see cref="Apply"/> runs before the node starts. An operator's own value of the variable always wins.
/// </remarks>
public static class SocketCompletions
{
    /// <summary>The environment variable .NET's socket engine reads: <c>1</c> runs completions inline.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// The value to set <see cref="Variable"/> to for the configured <paramref name="inline"/>, or null to leave it
    /// as it is: set (<paramref name="current"/> not null) by the operator, or not wanted.
    /// </summary>
    public static string? Decide(bool inline, string? current) => current is null && inline ? "1" : null;

    /// <summary>Sets <see cref="Variable"/> for this process as <see cref="Decide"/> says; call before any socket is used.</summary>
    public static void Apply(bool inline)
    {
        if (Decide(inline, Environment.GetEnvironmentVariable(Variable)) is { } value)
        {
            Environment.SetEnvironmentVariable(Variable, value);
        }
    }
}
