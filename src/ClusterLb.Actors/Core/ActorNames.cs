namespace ClusterLb.Actors;

/// <summary>Rules for user-chosen actor names (they become path elements, so URI-safe and without separators).</summary>
internal static class ActorNames
{
    public static void Validate(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new InvalidActorNameException("An actor name must not be empty.");
        }

        if (name[0] == '$')
        {
            throw new InvalidActorNameException($"Actor name '{name}' is invalid: names starting with '$' are reserved for generated names.");
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "-_.*$+:@&=,!~';()".Contains(c)))
            {
                throw new InvalidActorNameException($"Actor name '{name}' is invalid: character '{c}' is not allowed (use letters, digits and -_.*$+:@&=,!~';()).");
            }
        }
    }
}
