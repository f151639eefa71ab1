namespace ClusterLb.Hocon;

/// <summary>
/// Replaces substitutions with the values they name, after all parsing and merging. Each node is resolved once
/// (memoised by identity); a node met again while it is being resolved is a cycle. A key defined several times
/// with substitutions in between (a <see cref="HoconDelayedMerge"/>) resolves newest-first, and while one of its
/// definitions is resolved, its own path means "the definitions below this one": that is how self-references
/// such as <c>path = ${path} [x]</c> look backward.
/// </summary>
internal sealed class HoconResolver
{
    private static readonly HoconObject EmptyRoot = new();

    private readonly HoconObject _root;
    private readonly HoconResolveOptions _options;
    private readonly Dictionary<HoconValue, HoconValue?> _memo = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<HoconValue> _inProgress = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<HoconPath, HoconValue?> _overrides = new();
    private readonly Dictionary<(HoconDelayedMerge, int), HoconValue?> _remainders = new();
    private readonly Dictionary<(HoconValue, string), HoconValue?> _partialChildren = new(PartialKeyComparer.Instance);

    private HoconResolver(HoconObject root, HoconResolveOptions options)
    {
        _root = root;
        _options = options;
    }

    /// <summary>Resolves a whole configuration tree.</summary>
    public static HoconObject Resolve(HoconObject root, HoconResolveOptions options)
    {
        var resolver = new HoconResolver(root, options);
        return (HoconObject)(resolver.ResolveTop(root, HoconPath.Root) ?? new HoconObject(root.Origin));
    }

    /// <summary>Resolves a value that is not part of a configuration (an array root): substitutions see an empty root.</summary>
    public static HoconValue? ResolveStandalone(HoconValue value, HoconResolveOptions options) =>
        value is HoconObject obj ? Resolve(obj, options) : new HoconResolver(EmptyRoot, options).ResolveTop(value, null);

    private HoconValue? ResolveTop(HoconValue value, HoconPath? path)
    {
        try
        {
            return ResolveValue(value, path);
        }
        catch (CycleException cycle)
        {
            throw new HoconException(cycle.At.Origin, $"substitution cycle: {Describe(cycle.At)} refers back to itself");
        }
    }

    /// <summary>Resolves a node; null means "undefined" (an optional substitution that found nothing).</summary>
    private HoconValue? ResolveValue(HoconValue value, HoconPath? path)
    {
        if (value is HoconString or HoconNumber or HoconBoolean or HoconNull)
        {
            return value;
        }
        if (_memo.TryGetValue(value, out var done))
        {
            return done;
        }
        StackGuard.Ensure(value.Origin, "resolve");
        if (!_inProgress.Add(value))
        {
            throw new CycleException(value);
        }
        HoconValue? result;
        try
        {
            result = value switch
            {
                HoconObject obj => ResolveObject(obj, path),
                HoconArray array => ResolveArray(array),
                HoconSubstitution subst => ResolveSubstitution(subst),
                HoconConcatenation concat => ResolveConcatenation(concat, path),
                HoconDelayedMerge merge => ResolveDelayedMerge(merge, path),
                _ => throw new InvalidOperationException("unknown node " + value.GetType().Name),
            };
        }
        finally
        {
            _inProgress.Remove(value);
        }
        _memo[value] = result;
        return result;
    }

    private HoconObject ResolveObject(HoconObject obj, HoconPath? path)
    {
        var fields = new Dictionary<string, HoconValue>(obj.Fields.Count, StringComparer.Ordinal);
        foreach (var (key, child) in obj.Fields)
        {
            var resolved = ResolveValue(child, path?.Append(key));
            if (resolved is not null)
            {
                fields[key] = resolved;
            }
        }
        return new HoconObject(fields, obj.Origin);
    }

    private HoconArray ResolveArray(HoconArray array)
    {
        var items = new List<HoconValue>(array.Items.Count);
        foreach (var item in array.Items)
        {
            var resolved = ResolveValue(item, null);
            if (resolved is not null)
            {
                items.Add(resolved);
            }
        }
        return new HoconArray(items, array.Origin);
    }

    private HoconValue? ResolveConcatenation(HoconConcatenation concat, HoconPath? path)
    {
        var pieces = new List<HoconValue>(concat.Pieces.Count);
        foreach (var piece in concat.Pieces)
        {
            var resolved = ResolveValue(piece, piece is HoconObject ? path : null);
            if (resolved is not null)
            {
                pieces.Add(resolved);
            }
        }
        List<HoconValue> joined;
        try
        {
            joined = Concatenator.Join(pieces);
        }
        catch (HoconException) when (concat.AppendsTo is not null && pieces.Count > 0 && pieces[0] is not HoconArray)
        {
            throw new HoconException(concat.Origin,
                $"'{concat.AppendsTo} += ...' appends to an array, but '{concat.AppendsTo}' is already {pieces[0].Describe()} (wrong type)");
        }
        return joined.Count switch
        {
            0 => null,
            1 => joined[0],
            _ => throw new HoconException(concat.Origin, "concatenation could not be joined after resolving its substitutions"),
        };
    }

    private HoconValue? ResolveDelayedMerge(HoconDelayedMerge merge, HoconPath? path)
    {
        HoconValue? merged = null;
        for (var i = 0; i < merge.Stack.Count; i++)
        {
            var resolved = ResolveMergeElement(merge, i, path);
            if (resolved is null)
            {
                continue;
            }
            merged = merged is null ? resolved : MergeResolved(merged, resolved);
            if (merged is not HoconObject)
            {
                // A non-object hides every older definition, which is therefore never evaluated.
                break;
            }
        }
        return merged;
    }

    /// <summary>Resolves one definition of a merged key; while it resolves, the key's own path means the older definitions.</summary>
    private HoconValue? ResolveMergeElement(HoconDelayedMerge merge, int index, HoconPath? path)
    {
        var element = merge.Stack[index];
        if (element.Kind != HoconValueKind.Unresolved || path is null)
        {
            return ResolveValue(element, path);
        }
        var hadOverride = _overrides.TryGetValue(path, out var previous);
        _overrides[path] = Remainder(merge, index + 1);
        try
        {
            return ResolveValue(element, path);
        }
        finally
        {
            if (hadOverride)
            {
                _overrides[path] = previous;
            }
            else
            {
                _overrides.Remove(path);
            }
        }
    }

    private static HoconValue MergeResolved(HoconValue newer, HoconValue older) =>
        newer is HoconObject n && older is HoconObject o ? HoconMerger.MergeObjects(n, o, inPlace: false) : newer;

    /// <summary>The definitions of a key below index <paramref name="from"/>, as one node (null when there are none).</summary>
    private HoconValue? Remainder(HoconDelayedMerge merge, int from)
    {
        if (from >= merge.Stack.Count)
        {
            return null;
        }
        if (from == merge.Stack.Count - 1)
        {
            return merge.Stack[from];
        }
        if (!_remainders.TryGetValue((merge, from), out var rest))
        {
            rest = new HoconDelayedMerge(merge.Stack.Skip(from).ToList());
            _remainders[(merge, from)] = rest;
        }
        return rest;
    }

    private HoconValue? ResolveSubstitution(HoconSubstitution subst)
    {
        HoconValue? found;
        try
        {
            found = null;
            if (subst.IncludePrefix is not null)
            {
                found = Lookup(subst.IncludePrefix.Append(subst.Path));
            }
            found ??= Lookup(subst.Path);
        }
        catch (CycleException) when (subst.Optional)
        {
            return null;
        }
        catch (CycleException cycle)
        {
            throw new HoconException(subst.Origin,
                $"substitution cycle: {subst} refers back to itself{(ReferenceEquals(cycle.At, subst) ? "" : $" (through {Describe(cycle.At)})")}");
        }
        if (found is not null)
        {
            return found;
        }
        if (_options.UseEnvironment)
        {
            var name = string.Join('.', subst.Path.Elements);
            var env = _options.EnvironmentLookup is { } lookup ? lookup(name) : Environment.GetEnvironmentVariable(name);
            if (env is not null)
            {
                return new HoconString(env, subst.Origin);
            }
        }
        if (subst.Optional)
        {
            return null;
        }
        throw new HoconException(subst.Origin,
            $"could not resolve substitution {subst}: no key '{subst.Path}' is defined{(_options.UseEnvironment ? " and there is no such environment variable" : "")}");
    }

    /// <summary>Finds and resolves the value at an absolute path; null when it is not defined.</summary>
    private HoconValue? Lookup(HoconPath path)
    {
        HoconValue? current = _root;
        var sofar = HoconPath.Root;
        foreach (var key in path.Elements)
        {
            HoconValue? child;
            if (current!.Kind == HoconValueKind.Unresolved && _inProgress.Contains(current))
            {
                // The node is being resolved right now (we are inside it): read only the child we need,
                // so that `a = ${base} { x = 1, y = ${a.x} }` is not mistaken for a cycle.
                child = PartialChild(current, key, sofar);
            }
            else
            {
                if (current.Kind == HoconValueKind.Unresolved)
                {
                    current = ResolveValue(current, sofar);
                }
                child = current is HoconObject obj && obj.TryGetValue(key, out var found) ? found : null;
            }
            if (child is null)
            {
                return null;
            }
            sofar = sofar.Append(key);
            if (_overrides.TryGetValue(sofar, out var replaced))
            {
                if (replaced is null)
                {
                    return null;
                }
                child = replaced;
            }
            current = child;
        }
        return ResolveValue(current!, sofar);
    }

    /// <summary>
    /// The definitions of <paramref name="key"/> inside a merge or concatenation that is still being resolved,
    /// newest first, as one node; null when none of its parts defines the key.
    /// </summary>
    private HoconValue? PartialChild(HoconValue node, string key, HoconPath nodePath)
    {
        if (_partialChildren.TryGetValue((node, key), out var cached))
        {
            return cached;
        }
        var parts = node switch
        {
            HoconDelayedMerge merge => merge.Stack,
            HoconConcatenation concat => concat.Pieces.Reverse().ToList(),
            _ => [],
        };
        var children = new List<HoconValue>();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part is HoconString { IsIgnorableWhitespace: true })
            {
                continue;
            }
            HoconValue? value = part;
            if (part.Kind == HoconValueKind.Unresolved)
            {
                value = node is HoconDelayedMerge merge ? ResolveMergeElement(merge, i, nodePath) : ResolveValue(part, null);
                if (value is null)
                {
                    continue;
                }
            }
            if (value is not HoconObject obj)
            {
                break; // a non-object hides everything older
            }
            if (obj.TryGetValue(key, out var child))
            {
                children.Add(child);
                if (child is not HoconObject && child.Kind != HoconValueKind.Unresolved)
                {
                    break;
                }
            }
        }
        HoconValue? result = children.Count switch
        {
            0 => null,
            1 => children[0],
            _ => new HoconDelayedMerge(children),
        };
        _partialChildren[(node, key)] = result;
        return result;
    }

    private static string Describe(HoconValue node) =>
        node is HoconSubstitution subst ? subst.ToString() : $"the value defined at {node.Origin}";

    /// <summary>Compares (node, key) pairs by node identity.</summary>
    private sealed class PartialKeyComparer : IEqualityComparer<(HoconValue Node, string Key)>
    {
        public static readonly PartialKeyComparer Instance = new();

        public bool Equals((HoconValue Node, string Key) x, (HoconValue Node, string Key) y) =>
            ReferenceEquals(x.Node, y.Node) && string.Equals(x.Key, y.Key, StringComparison.Ordinal);

        public int GetHashCode((HoconValue Node, string Key) obj) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Node), obj.Key);
    }

    /// <summary>Thrown when a node is needed while it is itself being resolved.</summary>
    private sealed class CycleException(HoconValue at) : Exception("cycle")
    {
        public HoconValue At { get; } = at;
    }
}
