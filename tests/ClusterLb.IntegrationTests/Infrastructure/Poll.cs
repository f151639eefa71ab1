namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>Waits for a condition with a deadline instead of sleeping a guessed amount.</summary>
internal static class Poll
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(15);

    /// <param name="condition">Checked until true.</param>
    /// <param name="what">Named in the timeout.</param>
    /// <param name="deadline">How long to try; <see cref="DefaultDeadline"/> when null.</param>
    /// <param name="pause">The pause between checks (15 ms when null); longer for a condition that costs requests.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null, TimeSpan? pause = null)
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
            await Task.Delay(pause ?? TimeSpan.FromMilliseconds(15));
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, deadline);
}
