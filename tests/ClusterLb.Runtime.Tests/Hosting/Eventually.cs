namespace ClusterLb.Runtime.Tests.Hosting;

/// <summary>Waits for a condition with a deadline (AwaitAssert), checking it every few milliseconds.</summary>
internal static class Eventually
{
    public static async Task True(Func<bool> condition, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"within {deadline.TotalSeconds:0}s: {what}");
            }
            await Task.Delay(50);
        }
    }
}
