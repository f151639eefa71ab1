namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// A boolean that starts off and, once switched on, stays on everywhere: merge is logical or. Full-state only, as
/// in Akka: the whole state is one bit.
/// </summary>
public sealed class Flag : IReplicatedData<Flag>, IEquatable<Flag>
{
    /// <summary>The flag switched off.</summary>
    public static readonly Flag Disabled = new(false);

    /// <summary>The flag switched on.</summary>
    public static readonly Flag Enabled = new(true);

    private Flag(bool enabled) => IsEnabled = enabled;

    /// <summary>True once any replica switched the flag on.</summary>
    public bool IsEnabled { get; }

    /// <summary>The flag switched on.</summary>
    public Flag SwitchOn() => Enabled;

    /// <inheritdoc />
    public Flag Merge(Flag other) => IsEnabled || other.IsEnabled ? Enabled : Disabled;

    /// <inheritdoc />
    public bool Equals(Flag? other) => other is not null && other.IsEnabled == IsEnabled;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Flag);

    /// <inheritdoc />
    public override int GetHashCode() => IsEnabled ? 1 : 0;

    /// <inheritdoc />
    public override string ToString() => $"Flag({IsEnabled})";
}
