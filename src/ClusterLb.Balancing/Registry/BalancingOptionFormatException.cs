namespace ClusterLb.Balancing.Registry;

/// <summary>An option field of the wrong type or with an unreadable value.</summary>
/// <param name="option">The field, such as <c>affinity.same-site</c>.</param>
/// <param name="reason">What is wrong.</param>
public sealed class BalancingOptionFormatException(string option, string reason) : FormatException($"{option}: {reason}")
{
    /// <summary>The offending field.</summary>
    public string Option { get; } = option;

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; } = reason;
}
