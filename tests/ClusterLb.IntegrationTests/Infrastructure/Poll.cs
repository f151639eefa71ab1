namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>Waits for a condition with a deadline instead of sleeping a guessed amount.</summary>
internal static class Poll
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(15);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (true)
        {
            if (await condition())
            {
                return;
            }
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Timed out after {(deadline ?? DefaultDeadline).TotalSeconds:0.#} s waiting for: {what}");
            }
            // A short pause between polls, not a synchronisation point: the condition decides.
            await Task.Delay(15);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, deadline);
}
