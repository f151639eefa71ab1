using System.Collections.Concurrent;
using Google.Protobuf.Reflection;

namespace ClusterLb.Persistence.Serialization;

/// <summary>
/// The protobuf message types that may be stored, keyed by their full name (the manifest). Stored payloads
/// name their type by manifest, so a type must be registered before events of it can be replayed.
/// </summary>
public sealed class MessageTypeRegistry
{
    private readonly ConcurrentDictionary<string, MessageDescriptor> _byName = new(StringComparer.Ordinal);

    /// <summary>Registers one message type.</summary>
    public MessageTypeRegistry Register(MessageDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.Parser is null)
        {
            throw new ArgumentException($"Protobuf message '{descriptor.FullName}' has no generated parser.", nameof(descriptor));
        }

        _byName[descriptor.FullName] = descriptor;
        return this;
    }

    /// <summary>Registers every message type declared in a .proto file (nested types included).</summary>
    public MessageTypeRegistry Register(FileDescriptor file)
    {
        ArgumentNullException.ThrowIfNull(file);
        foreach (var message in file.MessageTypes)
        {
            RegisterWithNested(message);
        }

        return this;
    }

    /// <summary>Finds a registered type by manifest.</summary>
    public bool TryGet(string manifest, out MessageDescriptor descriptor) => _byName.TryGetValue(manifest, out descriptor!);

    /// <summary>Whether the manifest names a registered type.</summary>
    public bool Contains(string manifest) => _byName.ContainsKey(manifest);

    private void RegisterWithNested(MessageDescriptor message)
    {
        if (message.Parser is not null)
        {
            _byName[message.FullName] = message;
        }

        foreach (var nested in message.NestedTypes)
        {
            RegisterWithNested(nested);
        }
    }
}
