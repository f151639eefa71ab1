using System.Collections.Immutable;

namespace ClusterLb.Cluster;

/// <summary>
/// A cluster member as seen in gossip. Equality is by <see cref="UniqueAddress"/> only, so a status change is
/// the same member with new data.
/// </summary>
public sealed class Member : IEquatable<Member>
{
    /// <summary>The up number of a member that has not been Up yet.</summary>
    public const int NotUpYet = int.MaxValue;

    private Member(UniqueAddress uniqueAddress, MemberStatus status, ImmutableSortedSet<string> roles, int upNumber, string appVersion)
    {
        UniqueAddress = uniqueAddress;
        Status = status;
        Roles = roles;
        UpNumber = upNumber;
        AppVersion = appVersion;
    }

    /// <summary>Which incarnation this is.</summary>
    public UniqueAddress UniqueAddress { get; }
    /// <summary>Shortcut for <c>UniqueAddress.Address</c>.</summary>
    public Address Address => UniqueAddress.Address;
    /// <summary>Lifecycle status.</summary>
    public MemberStatus Status { get; }
    /// <summary>Roles the node was started with.</summary>
    public ImmutableSortedSet<string> Roles { get; }
    /// <summary>Order in which members became Up; lower is older. <see cref="NotUpYet"/> before that.</summary>
    public int UpNumber { get; }
    /// <summary>The application version the node reported when joining.</summary>
    public string AppVersion { get; }

    /// <summary>A new Joining member.</summary>
    public static Member Create(UniqueAddress node, IEnumerable<string>? roles = null, string appVersion = "0.0.0") =>
        new(node, MemberStatus.Joining, (roles ?? []).ToImmutableSortedSet(StringComparer.Ordinal), NotUpYet, appVersion);

    /// <summary>Test and wire helper: builds a member in any state without going through transitions.</summary>
    public static Member Restore(UniqueAddress node, MemberStatus status, IEnumerable<string>? roles = null, int upNumber = NotUpYet, string appVersion = "0.0.0") =>
        new(node, status, (roles ?? []).ToImmutableSortedSet(StringComparer.Ordinal), upNumber, appVersion);

    /// <summary>True when the member has <paramref name="role"/>.</summary>
    public bool HasRole(string role) => Roles.Contains(role);

    /// <summary>The same member in <paramref name="status"/>; throws when the transition is not allowed.</summary>
    public Member Copy(MemberStatus status)
    {
        if (status == Status) return this;
        if (!MemberStatusRules.IsAllowed(Status, status))
            throw new InvalidOperationException($"Member {UniqueAddress} cannot move from {Status} to {status}.");
        return new Member(UniqueAddress, status, Roles, UpNumber, AppVersion);
    }

    /// <summary>The member moved to Up with its age position.</summary>
    public Member CopyUp(int upNumber)
    {
        var up = Copy(MemberStatus.Up);
        return new Member(UniqueAddress, up.Status, Roles, upNumber, AppVersion);
    }

    /// <summary>Older means Up earlier (lower up number); ties go to the lower address.</summary>
    public bool IsOlderThan(Member other) =>
        UpNumber == other.UpNumber
            ? AddressOrdering.Instance.Compare(Address, other.Address) < 0
            : UpNumber < other.UpNumber;

    /// <summary>Of two views of the same member, the one gossip merge keeps.</summary>
    public static Member HighestPriorityOf(Member a, Member b)
    {
        if (a.Status == b.Status) return a.IsOlderThan(b) ? a : b;
        return MemberStatusRules.Precedence(a.Status) >= MemberStatusRules.Precedence(b.Status) ? a : b;
    }

    /// <inheritdoc />
    public bool Equals(Member? other) => other is not null && UniqueAddress.Equals(other.UniqueAddress);
    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Member);
    /// <inheritdoc />
    public override int GetHashCode() => UniqueAddress.GetHashCode();
    /// <inheritdoc />
    public override string ToString() =>
        $"Member({UniqueAddress}, {Status}{(Roles.Count > 0 ? ", roles=" + string.Join(',', Roles) : "")}{(UpNumber != NotUpYet ? ", up=" + UpNumber : "")})";
}

/// <summary>Orders members by unique address (the order gossip keeps them in and leader election uses).</summary>
public sealed class MemberAddressOrdering : IComparer<Member>
{
    /// <summary>The single instance.</summary>
    public static readonly MemberAddressOrdering Instance = new();
    /// <inheritdoc />
    public int Compare(Member? x, Member? y) =>
        x is null ? (y is null ? 0 : -1) : y is null ? 1 : x.UniqueAddress.CompareTo(y.UniqueAddress);
}

/// <summary>Orders members oldest first.</summary>
public sealed class MemberAgeOrdering : IComparer<Member>
{
    /// <summary>The single instance.</summary>
    public static readonly MemberAgeOrdering Instance = new();
    /// <inheritdoc />
    public int Compare(Member? x, Member? y)
    {
        if (x is null) return y is null ? 0 : -1;
        if (y is null) return 1;
        if (x.Equals(y)) return 0;
        return x.IsOlderThan(y) ? -1 : 1;
    }
}
