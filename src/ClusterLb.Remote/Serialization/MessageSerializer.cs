using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ClusterLb.Remote.Wire;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace ClusterLb.Remote.Serialization;

/// <summary>
/// Turns messages into <see cref="Payload"/>s and back. Only protobuf messages cross the wire; the manifest is the
/// descriptor's full name, so the receiving node must have registered the same message type.
/// </summary>
public sealed class MessageSerializer
{
    private readonly ConcurrentDictionary<string, MessageParser> _parsers = new(StringComparer.Ordinal);

    /// <summary>Creates a serializer that already knows the remoting layer's own messages.</summary>
    public MessageSerializer() => Register(RemoteSystemReflection.Descriptor);

    /// <summary>Registers one message type (by its descriptor, e.g. <c>MyMessage.Descriptor</c>).</summary>
    public MessageSerializer Register(MessageDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.Parser is null)
        {
            throw new ArgumentException($"Message type {descriptor.FullName} has no generated parser.", nameof(descriptor));
        }

        _parsers[descriptor.FullName] = descriptor.Parser;
        foreach (var nested in descriptor.NestedTypes)
        {
            Register(nested);
        }

        return this;
    }

    /// <summary>Registers every message type of a generated .proto file (e.g. <c>MyProtosReflection.Descriptor</c>).</summary>
    public MessageSerializer Register(FileDescriptor file)
    {
        ArgumentNullException.ThrowIfNull(file);
        foreach (var message in file.MessageTypes)
        {
            Register(message);
        }

        return this;
    }

    /// <summary>True when messages with this manifest can be read.</summary>
    public bool IsRegistered(string manifest) => _parsers.ContainsKey(manifest);

    /// <summary>Serializes a message; returns false with a reason when it is not a protobuf message or fails to serialize.</summary>
    public bool TrySerialize(object message, [NotNullWhen(true)] out Payload? payload, [NotNullWhen(false)] out string? error)
    {
        payload = null;
        if (message is not IMessage protobuf)
        {
            error = $"{message.GetType().FullName} is not a protobuf message (Google.Protobuf.IMessage); only protobuf messages can be sent to remote actors";
            return false;
        }

        try
        {
            payload = new Payload { Manifest = protobuf.Descriptor.FullName, Data = protobuf.ToByteString() };
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidProtocolBufferException or ArgumentException)
        {
            error = $"serializing {protobuf.Descriptor.FullName} failed: {ex.Message}";
            return false;
        }
    }

    /// <summary>Deserializes a payload; returns false with a reason for an unknown manifest or invalid bytes.</summary>
    public bool TryDeserialize(Payload? payload, [NotNullWhen(true)] out IMessage? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        if (payload is null)
        {
            error = "the envelope carries no payload";
            return false;
        }

        if (!_parsers.TryGetValue(payload.Manifest, out var parser))
        {
            error = $"no message type is registered for manifest '{payload.Manifest}'";
            return false;
        }

        try
        {
            message = parser.ParseFrom(payload.Data);
            error = null;
            return true;
        }
        catch (InvalidProtocolBufferException ex)
        {
            error = $"payload of '{payload.Manifest}' is invalid: {ex.Message}";
            return false;
        }
    }
}
