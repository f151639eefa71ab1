namespace ClusterLb.Actors;

/// <summary>Resolves paths on other addresses (remoting plugs in here); return null for addresses it does not serve.</summary>
public interface IActorRefResolver
{
    /// <summary>A reference for <paramref name="path"/>, or null.</summary>
    IActorRef? Resolve(ActorPath path);
}
