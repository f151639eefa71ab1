namespace ClusterLb.Remote.Tests.Support;

/// <summary>Poll-until-deadline: the only way tests wait for asynchronous effects.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task True(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#}s waiting until {because}.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Waits for a task with a deadline; fails the test instead of hanging.</summary>
    public static async Task<T> Within<T>(Task<T> task, string because, TimeSpan? timeout = null)
    {
        var winner = await Task.WhenAny(task, Task.Delay(timeout ?? DefaultTimeout));
        if (winner != task)
        {
            Assert.Fail($"Timed out waiting until {because}.");
        }

        return await task;
    }
}
