using Akka.Actor;
using Akka.Configuration;
using Akka.DistributedData.Durable;
using Akka.Event;

namespace ClusterLb.Runtime.Durable;

/// <summary>
/// Akka.DistributedData's durable store in SQL (SQLite or PostgreSQL), for
/// <c>akka.cluster.distributed-data.durable.store-actor-class = "ClusterLb.Runtime.Durable.SqlDurableStore, ClusterLb.Runtime"</c>.
/// Answers <see cref="LoadAll"/> with <see cref="LoadData"/> and <see cref="LoadAllCompleted"/> (or throws
/// <see cref="LoadFailedException"/>, which stops the Replicator), and each <see cref="Store"/> with its reply's
/// success or failure message.
/// </summary>
/// <remarks>
/// Akka 1.5.75 does not apply <c>durable.use-dispatcher</c> to this actor: the Replicator sets the Replicator's
/// dispatcher on the store's Props and then its <c>WithDeploy(Deploy.Local)</c> drops it, so the store runs on
/// <c>akka.actor.default-dispatcher</c> (measured), shared with the node's own actors. A PostgreSQL round trip or a
/// stall of up to the command timeout must not hold one of its threads, so the blocking database calls live in a
/// child <see cref="DurableStoreWriter"/> started on <c>durable.use-dispatcher</c> (DData's pinned thread by
/// default), and this actor only forwards. It holds no state of the load: after a restart it serves
/// <see cref="Store"/> at once.
/// </remarks>
public sealed class SqlDurableStore : ReceiveActor
{
    private readonly SqlDurableStoreSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _writer = ActorRefs.Nobody;

    /// <summary>Called by the Replicator with the <c>akka.cluster.distributed-data.durable</c> section.</summary>
    /// <exception cref="ConfigurationException">The <c>sql</c> section is missing or invalid (the Replicator then stops).</exception>
    public SqlDurableStore(Config durableConfig)
    {
        _settings = SqlDurableStoreSettings.FromConfig(durableConfig);

        // Forward keeps the Replicator (LoadAll) as the sender the writer answers.
        Receive<LoadAll>(load => _writer.Forward(load));
        Receive<Store>(store => _writer.Forward(store));
        Receive<WriterLoadFailed>(failed => throw new LoadFailedException(failed.Message, failed.Cause));
        Receive<Terminated>(terminated => terminated.ActorRef.Equals(_writer), _ =>
        {
            // Writes would go to dead letters unanswered; stopping makes the Replicator stop loudly instead.
            _log.Error("Durable store writer stopped; stopping the durable store (and with it the Replicator)");
            Context.Stop(Self);
        });
    }

    protected override void PreStart()
    {
        base.PreStart();
        var dispatcher = _settings.WriterDispatcher.Length > 0 && Context.System.Dispatchers.HasDispatcher(_settings.WriterDispatcher)
            ? _settings.WriterDispatcher
            : Context.Props.Dispatcher;
        _writer = Context.Watch(Context.ActorOf(
            Props.Create(() => new DurableStoreWriter(_settings)).WithDispatcher(dispatcher),
            "writer"));
    }
}
