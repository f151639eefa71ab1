namespace ClusterLb.Cluster.Tests.MultiNode;

/// <summary>Poll-until-deadline: re-checks a condition until it holds, failing with the last observation at the deadline.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    public static async Task Until(Func<Task<(bool Ok, string Observed)>> check, string what, TimeSpan? deadline = null)
    {
        var end = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        var observed = "";
        while (true)
        {
            try
            {
                (var ok, observed) = await check();
                if (ok) return;
            }
            catch (TimeoutException e)
            {
                observed = e.Message;
            }
            if (DateTime.UtcNow > end)
                throw new Xunit.Sdk.XunitException($"Timed out waiting until {what}. Last observed: {observed}");
            await Task.Delay(100); // polling interval, not synchronisation: the condition is re-checked
        }
    }
}
