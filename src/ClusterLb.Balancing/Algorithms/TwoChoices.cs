namespace ClusterLb.Balancing.Algorithms;

/// <summary>The draw of the power-of-two-choices methods (<c>p2c</c>, <c>peak-ewma</c>).</summary>
internal static class TwoChoices
{
    /// <summary>Two distinct uniform indexes below <paramref name="count"/> (at least 2), with two calls to <paramref name="nextInt"/>.</summary>
    public static (int First, int Second) Draw(Func<int, int> nextInt, int count)
    {
        var first = nextInt(count);
        var second = nextInt(count - 1);
        return (first, second >= first ? second + 1 : second);
    }
}
