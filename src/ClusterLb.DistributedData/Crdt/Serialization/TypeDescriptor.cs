using System.Collections.Concurrent;
using System.Text;
using Google.Protobuf;

namespace ClusterLb.DistributedData.Crdt.Serialization;

/// <summary>
/// The textual type written in front of every serialized value, e.g. <c>ORMap&lt;string,LWWRegister&lt;bytes&gt;&gt;</c>.
/// Generic types are reified in .NET, so the reader needs the element types to rebuild the same closed type.
/// </summary>
public static class TypeDescriptor
{
    private static readonly Dictionary<string, Type> ByName = new(StringComparer.Ordinal)
    {
        ["string"] = typeof(string),
        ["bytes"] = typeof(ByteString),
        ["long"] = typeof(long),
        ["GCounter"] = typeof(GCounter),
        ["PNCounter"] = typeof(PNCounter),
        ["Flag"] = typeof(Flag),
        ["VersionVector"] = typeof(VersionVector),
        ["GSet"] = typeof(GSet<>),
        ["ORSet"] = typeof(ORSet<>),
        ["LWWRegister"] = typeof(LWWRegister<>),
        ["ORMap"] = typeof(ORMap<,>),
        ["LWWMap"] = typeof(LWWMap<,>),
        ["PNCounterMap"] = typeof(PNCounterMap<>),
        ["ORSetDelta"] = typeof(ORSetDelta<>),
        ["ORMapDelta"] = typeof(ORMapDelta<,>),
        ["LWWMapDelta"] = typeof(LWWMapDelta<,>),
        ["PNCounterMapDelta"] = typeof(PNCounterMapDelta<>),
    };

    private static readonly Dictionary<Type, string> ByType = ByName.ToDictionary(p => p.Value, p => p.Key);

    // Every message names its type, and closing generic types by reflection costs microseconds; the caches are
    // capped because descriptors arrive from the network.
    private const int MaxCached = 1024;
    private static readonly ConcurrentDictionary<Type, string> Formatted = new();
    private static readonly ConcurrentDictionary<string, Type> Parsed = new(StringComparer.Ordinal);

    /// <summary>The descriptor of <paramref name="type"/>; throws when the type has no wire format.</summary>
    public static string Format(Type type)
    {
        if (Formatted.TryGetValue(type, out var cached))
        {
            return cached;
        }

        var builder = new StringBuilder();
        Append(builder, type);
        var descriptor = builder.ToString();
        if (Formatted.Count < MaxCached)
        {
            Formatted.TryAdd(type, descriptor);
        }

        return descriptor;
    }

    /// <summary>The closed type a descriptor names; throws <see cref="ReplicatedDataSerializationException"/> when malformed.</summary>
    public static Type Parse(string descriptor)
    {
        if (Parsed.TryGetValue(descriptor, out var cached))
        {
            return cached;
        }

        var position = 0;
        var type = ParseType(descriptor, ref position);
        if (position != descriptor.Length)
        {
            throw Malformed(descriptor, position, "unexpected trailing characters");
        }

        if (Parsed.Count < MaxCached)
        {
            Parsed.TryAdd(descriptor, type);
        }

        return type;
    }

    private static void Append(StringBuilder builder, Type type)
    {
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (!ByType.TryGetValue(definition, out var name))
        {
            throw new ReplicatedDataSerializationException(
                $"Type {type} has no wire format; supported values are string, ByteString, long and ClusterLb's replicated data types.");
        }

        builder.Append(name);
        if (!type.IsGenericType)
        {
            return;
        }

        builder.Append('<');
        var arguments = type.GetGenericArguments();
        for (var i = 0; i < arguments.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            Append(builder, arguments[i]);
        }

        builder.Append('>');
    }

    private static Type ParseType(string text, ref int position)
    {
        var start = position;
        while (position < text.Length && char.IsAsciiLetterOrDigit(text[position]))
        {
            position++;
        }

        var name = text[start..position];
        if (!ByName.TryGetValue(name, out var type))
        {
            throw Malformed(text, start, $"unknown type '{name}'");
        }

        if (!type.IsGenericTypeDefinition)
        {
            return type;
        }

        if (position >= text.Length || text[position] != '<')
        {
            throw Malformed(text, position, $"'{name}' needs type arguments");
        }

        var arguments = new List<Type>();
        do
        {
            position++;
            arguments.Add(ParseType(text, ref position));
        }
        while (position < text.Length && text[position] == ',');

        if (position >= text.Length || text[position] != '>')
        {
            throw Malformed(text, position, "expected '>'");
        }

        position++;
        try
        {
            return type.MakeGenericType(arguments.ToArray());
        }
        catch (ArgumentException e)
        {
            throw new ReplicatedDataSerializationException($"Type descriptor '{text}': invalid type arguments for {name}: {e.Message}", e);
        }
    }

    private static ReplicatedDataSerializationException Malformed(string text, int position, string reason) =>
        new($"Malformed type descriptor '{text}' at position {position}: {reason}.");
}
