using Akka.Actor;

namespace ClusterLb.Runtime.Durable;

/// <summary>
/// The writer's report that <c>LoadAll</c> failed, sent to <see cref="SqlDurableStore"/> so that the actor the
/// Replicator supervises throws the <c>LoadFailedException</c> (an exception in the writer would stay with its parent).
/// </summary>
internal sealed record WriterLoadFailed(string Message, Exception Cause) : INoSerializationVerificationNeeded;
