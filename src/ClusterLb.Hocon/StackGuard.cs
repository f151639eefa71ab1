using System.Runtime.CompilerServices;

namespace ClusterLb.Hocon;

/// <summary>Turns recursion that is about to exhaust the thread's stack into a <see cref="HoconException"/> instead of a crash.</summary>
internal static class StackGuard
{
    public static void Ensure(HoconOrigin at, string doing)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new HoconException(at, $"the configuration nests too deeply to {doing} on this thread's stack");
        }
    }
}
