namespace ClusterLb.Actors;

internal sealed partial class ActorCell : IStash
{
    private readonly List<Envelope> _stash = [];

    // Messages put back by UnstashAll: read before the mailbox channel, only on the actor's own turn.
    private readonly LinkedList<Envelope> _unstashed = new();

    public bool HasUnstashed => _unstashed.Count > 0;

    void IStash.Stash()
    {
        if (_current.Message is null)
        {
            throw new InvalidOperationException("Stash() may only be called while processing a message.");
        }

        if (_stash.Count > 0 && ReferenceEquals(_stash[^1].Message, _current.Message) && _stash[^1].Sender == _current.Sender)
        {
            throw new InvalidOperationException($"Message {_current.Message.GetType().Name} was stashed twice by {Self.Path}.");
        }

        _stash.Add(_current);
    }

    void IStash.UnstashAll()
    {
        for (var i = _stash.Count - 1; i >= 0; i--)
        {
            _unstashed.AddFirst(_stash[i]);
        }

        _stash.Clear();
    }

    void IStash.Unstash()
    {
        if (_stash.Count == 0)
        {
            return;
        }

        _unstashed.AddFirst(_stash[0]);
        _stash.RemoveAt(0);
    }

    private void StashToDeadLetters()
    {
        foreach (var envelope in _stash)
        {
            System.DeadLetterOffice.Publish(new DeadLetter(envelope.Message, envelope.Sender ?? System.DeadLetters, Self));
        }

        _stash.Clear();
        foreach (var envelope in _unstashed)
        {
            System.DeadLetterOffice.Publish(new DeadLetter(envelope.Message, envelope.Sender ?? System.DeadLetters, Self));
        }

        _unstashed.Clear();
    }
}
