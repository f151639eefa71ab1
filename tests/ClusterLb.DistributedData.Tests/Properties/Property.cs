namespace ClusterLb.DistributedData.Tests.Properties;

/// <summary>Runs a property over many seeds and names the failing seed so it can be replayed.</summary>
internal static class Property
{
    /// <summary>Seeds per property; <c>DDATA_SEEDS</c> overrides, <c>DDATA_SEED</c> replays a single seed.</summary>
    public static IEnumerable<int> Seeds()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("DDATA_SEED"), out var single))
        {
            return [single];
        }

        var count = int.TryParse(Environment.GetEnvironmentVariable("DDATA_SEEDS"), out var n) ? n : 200;
        return Enumerable.Range(1, count);
    }

    public static void Check(string property, Action<Random> body)
    {
        foreach (var seed in Seeds())
        {
            try
            {
                body(new Random(seed));
            }
            catch (Exception e)
            {
                throw new PropertyFailedException($"Property '{property}' failed for seed {seed} (replay with DDATA_SEED={seed}): {e.Message}", e);
            }
        }
    }
}

internal sealed class PropertyFailedException(string message, Exception inner) : Exception(message, inner);
