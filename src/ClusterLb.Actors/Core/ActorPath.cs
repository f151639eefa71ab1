using System.Text;

namespace ClusterLb.Actors;

/// <summary>
/// The logical location of an actor: an <see cref="Address"/> plus names from the root, e.g.
/// <c>clb://clusterlb/user/router-web</c>. <see cref="Uid"/> tells incarnations at the same path apart;
/// equality ignores it (two incarnations share a path), while <see cref="IActorRef"/> equality does not.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    private readonly ActorPath? _parent;

    private ActorPath(Address address)
    {
        Address = address;
        Name = "";
        Depth = 0;
    }

    internal ActorPath(Address address, string name, long uid)
        : this(new ActorPath(address), name, uid)
    {
    }

    private ActorPath(ActorPath parent, string name, long uid)
    {
        _parent = parent;
        Address = parent.Address;
        Name = name;
        Uid = uid;
        Depth = parent.Depth + 1;
    }

    /// <summary>The system address this path belongs to.</summary>
    public Address Address { get; }

    /// <summary>The last element; empty for the root.</summary>
    public string Name { get; }

    /// <summary>The incarnation id; 0 when unknown (e.g. a path parsed without <c>#uid</c>).</summary>
    public long Uid { get; }

    /// <summary>Number of elements below the root.</summary>
    public int Depth { get; }

    /// <summary>The parent path; the root is its own parent.</summary>
    public ActorPath Parent => _parent ?? this;

    /// <summary>The root path of <paramref name="address"/>.</summary>
    public static ActorPath Root(Address address) => new(address);

    /// <summary>The elements below the root, e.g. <c>["user", "a", "b"]</c>.</summary>
    public IReadOnlyList<string> Elements
    {
        get
        {
            var elements = new string[Depth];
            for (var p = this; p.Depth > 0; p = p.Parent)
            {
                elements[p.Depth - 1] = p.Name;
            }

            return elements;
        }
    }

    /// <summary>A child path without uid.</summary>
    public ActorPath Child(string name) => Child(name, 0);

    /// <summary>A child path with the given incarnation id.</summary>
    public ActorPath Child(string name, long uid)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new ActorPath(this, name, uid);
    }

    /// <summary>This path with another uid.</summary>
    public ActorPath WithUid(long uid) => uid == Uid ? this : _parent is null ? this : new ActorPath(_parent, Name, uid);

    /// <summary>This path re-rooted at <paramref name="address"/> (used by remoting to publish local refs).</summary>
    public ActorPath WithAddress(Address address)
    {
        if (address == Address)
        {
            return this;
        }

        var path = Root(address);
        foreach (var element in Elements)
        {
            path = path.Child(element);
        }

        return path.WithUid(Uid);
    }

    /// <summary><c>clb://system/user/a/b</c>, without uid.</summary>
    public override string ToString() => Build(withUid: false);

    /// <summary><c>clb://system@host:port/user/a/b#uid</c>, the form a serialized reference carries.</summary>
    public string ToSerializationFormat() => Build(withUid: Uid != 0);

    private string Build(bool withUid)
    {
        var sb = new StringBuilder(64).Append(Address.ToString());
        if (Depth == 0)
        {
            sb.Append('/');
        }
        else
        {
            foreach (var element in Elements)
            {
                sb.Append('/').Append(element);
            }
        }

        if (withUid)
        {
            sb.Append('#').Append(Uid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>Parses <c>protocol://system[@host:port]/a/b[#uid]</c>.</summary>
    /// <exception cref="FormatException">The text is not an actor path; the message says why.</exception>
    public static ActorPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        long uid = 0;
        var body = text;
        var hash = text.IndexOf('#');
        if (hash >= 0)
        {
            var uidText = text[(hash + 1)..];
            if (!long.TryParse(uidText, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out uid))
            {
                throw new FormatException($"'{text}' has an invalid uid '{uidText}'.");
            }

            body = text[..hash];
        }

        var schemeEnd = body.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new FormatException($"'{text}' is not an actor path: expected 'protocol://system/elements'.");
        }

        var firstSlash = body.IndexOf('/', schemeEnd + 3);
        var address = Address.Parse(firstSlash < 0 ? body : body[..firstSlash]);
        var path = Root(address);
        if (firstSlash >= 0)
        {
            foreach (var element in body[(firstSlash + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                path = path.Child(Uri.UnescapeDataString(element));
            }
        }

        return path.WithUid(uid);
    }

    /// <summary>Like <see cref="Parse"/> but returns false instead of throwing.</summary>
    public static bool TryParse(string text, out ActorPath? path)
    {
        try
        {
            path = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            path = null;
            return false;
        }
    }

    /// <inheritdoc />
    public bool Equals(ActorPath? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Depth != Depth)
        {
            return false;
        }

        var a = this;
        var b = other;
        while (a.Depth > 0)
        {
            if (!string.Equals(a.Name, b.Name, StringComparison.Ordinal))
            {
                return false;
            }

            a = a.Parent;
            b = b.Parent;
        }

        return a.Address == b.Address;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ActorPath p && Equals(p);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (var p = this; p.Depth > 0; p = p.Parent)
        {
            hash.Add(p.Name, StringComparer.Ordinal);
        }

        hash.Add(Address);
        return hash.ToHashCode();
    }

    /// <summary>Path equality (uid ignored).</summary>
    public static bool operator ==(ActorPath? left, ActorPath? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Path inequality (uid ignored).</summary>
    public static bool operator !=(ActorPath? left, ActorPath? right) => !(left == right);
}
