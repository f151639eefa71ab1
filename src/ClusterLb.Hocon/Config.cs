using System.Globalization;

namespace ClusterLb.Hocon;

/// <summary>
/// An immutable configuration tree with typed access by path (<c>a.b.c</c>). Parse with <see cref="ConfigFactory"/>,
/// layer with <see cref="WithFallback"/>, then <see cref="Resolve"/> before reading values that use substitutions.
/// </summary>
public sealed class Config
{
    private readonly HoconObject _root;
    private readonly HoconPath _pathFromTop;

    internal Config(HoconObject root, bool resolved = false, HoconPath? pathFromTop = null)
    {
        _root = root;
        IsResolved = resolved;
        _pathFromTop = pathFromTop ?? HoconPath.Root;
    }

    /// <summary>A configuration with no keys.</summary>
    public static Config Empty { get; } = new(new HoconObject(), resolved: true);

    /// <summary>The root object.</summary>
    public HoconObject Root => _root;

    /// <summary>Whether <see cref="Resolve"/> produced this configuration.</summary>
    public bool IsResolved { get; }

    /// <summary>The keys of the root's direct children.</summary>
    public IEnumerable<string> Keys => _root.Keys;

    /// <summary>Layers this configuration over <paramref name="fallback"/>: keys here win, objects merge.</summary>
    public Config WithFallback(Config fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        var merged = HoconMerger.MergeObjects(_root, fallback._root, inPlace: false);
        return new Config(merged, IsResolved && fallback.IsResolved, _pathFromTop);
    }

    /// <summary>Resolves every substitution. Environment variables are consulted for undefined paths unless turned off.</summary>
    public Config Resolve(HoconResolveOptions? options = null) =>
        new(HoconResolver.Resolve(_root, options ?? HoconResolveOptions.Default), resolved: true, _pathFromTop);

    /// <summary>Whether the path holds a value other than null.</summary>
    public bool HasPath(string path) => Find(HoconPath.Parse(path)) is { Kind: not HoconValueKind.Null };

    /// <summary>The value at the path, or null when absent.</summary>
    public HoconValue? GetValue(string path) => Find(HoconPath.Parse(path));

    /// <summary>The configuration rendered as JSON.</summary>
    public string ToJson(bool indented = true) => HoconJsonWriter.Write(_root, indented);

    /// <summary>A string; numbers and booleans are converted.</summary>
    public string GetString(string path)
    {
        var (p, v) = Require(path);
        return AsString(p, v);
    }

    /// <summary>A string, or <paramref name="defaultValue"/> when the path is absent.</summary>
    public string GetString(string path, string defaultValue) => HasPath(path) ? GetString(path) : defaultValue;

    /// <summary>A 32-bit integer; integral strings are converted.</summary>
    public int GetInt(string path)
    {
        var value = GetLong(path);
        if (value is < int.MinValue or > int.MaxValue)
        {
            var (p, v) = Require(path);
            throw WrongType(p, v, "a number that fits a 32-bit integer");
        }
        return (int)value;
    }

    /// <summary>A 32-bit integer, or <paramref name="defaultValue"/> when the path is absent.</summary>
    public int GetInt(string path, int defaultValue) => HasPath(path) ? GetInt(path) : defaultValue;

    /// <summary>A 64-bit integer; integral strings are converted.</summary>
    public long GetLong(string path)
    {
        var (p, v) = Require(path);
        var n = AsNumber(p, v);
        if (n.Integer is { } l)
        {
            return l;
        }
        if (Math.Floor(n.Value) == n.Value && n.Value is >= long.MinValue and <= long.MaxValue)
        {
            return (long)n.Value;
        }
        throw WrongType(p, v, "a whole number");
    }

    /// <summary>A 64-bit integer, or <paramref name="defaultValue"/> when the path is absent.</summary>
    public long GetLong(string path, long defaultValue) => HasPath(path) ? GetLong(path) : defaultValue;

    /// <summary>A double; numeric strings are converted.</summary>
    public double GetDouble(string path)
    {
        var (p, v) = Require(path);
        return AsNumber(p, v).Value;
    }

    /// <summary>A double, or <paramref name="defaultValue"/> when the path is absent.</summary>
    public double GetDouble(string path, double defaultValue) => HasPath(path) ? GetDouble(path) : defaultValue;

    /// <summary>A boolean; the strings true/yes/on and false/no/off are converted.</summary>
    public bool GetBool(string path)
    {
        var (p, v) = Require(path);
        switch (v)
        {
            case HoconBoolean b:
                return b.Value;
            case HoconString s:
                switch (s.Value)
                {
                    case "true" or "yes" or "on": return true;
                    case "false" or "no" or "off": return false;
                }
                break;
        }
        throw WrongType(p, v, "a boolean (true/false, yes/no, on/off)");
    }

    /// <summary>A boolean, or <paramref name="defaultValue"/> when the path is absent.</summary>
    public bool GetBool(string path, bool defaultValue) => HasPath(path) ? GetBool(path) : defaultValue;

    /// <summary>A duration: a number alone is milliseconds; otherwise a number and a unit (ns, us, ms, s, m, h, d and long forms).</summary>
    public TimeSpan GetDuration(string path)
    {
        var (p, v) = Require(path);
        if (v is HoconNumber n)
        {
            return n.Integer is { } ms ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromTicks((long)(n.Value * TimeSpan.TicksPerMillisecond));
        }
        if (v is HoconString s)
        {
            return DurationParser.Parse(s.Value, msg => Bad(p, v, msg));
        }
        throw WrongType(p, v, "a duration such as 10ms, 5 s or 2 minutes");
    }

    /// <summary>A duration, or <paramref name="defaultValue"/> when the path is absent.</summary>
    public TimeSpan GetDuration(string path, TimeSpan defaultValue) => HasPath(path) ? GetDuration(path) : defaultValue;

    /// <summary>A size in bytes: a number alone is bytes; otherwise a number and a unit (512K, 128 KiB, 10MB, ...).</summary>
    public long GetBytes(string path)
    {
        var (p, v) = Require(path);
        if (v is HoconNumber n)
        {
            return n.Integer ?? (long)n.Value;
        }
        if (v is HoconString s)
        {
            return ByteSizeParser.Parse(s.Value, msg => Bad(p, v, msg));
        }
        throw WrongType(p, v, "a size in bytes such as 512K or 128 KiB");
    }

    /// <summary>A size in bytes, or <paramref name="defaultValue"/> when the path is absent.</summary>
    public long GetBytes(string path, long defaultValue) => HasPath(path) ? GetBytes(path) : defaultValue;

    /// <summary>A list of strings; an object with numeric keys (0, 1, ...) is read as a list.</summary>
    public IReadOnlyList<string> GetStringList(string path)
    {
        var (p, v) = Require(path);
        return AsList(p, v).Select((item, i) => AsString(p.Append(i.ToString(CultureInfo.InvariantCulture)), item)).ToList();
    }

    /// <summary>A list of strings, or <paramref name="defaultValue"/> when the path is absent.</summary>
    public IReadOnlyList<string> GetStringList(string path, IReadOnlyList<string> defaultValue) =>
        HasPath(path) ? GetStringList(path) : defaultValue;

    /// <summary>The object at the path as a configuration of its own.</summary>
    public Config GetConfig(string path)
    {
        var (p, v) = Require(path);
        return v is HoconObject obj ? new Config(obj, IsResolved, _pathFromTop.Append(p)) : throw WrongType(p, v, "an object");
    }

    /// <summary>The object at the path, or <paramref name="defaultValue"/> when absent.</summary>
    public Config GetConfig(string path, Config defaultValue) => HasPath(path) ? GetConfig(path) : defaultValue;

    /// <summary>A list of objects.</summary>
    public IReadOnlyList<Config> GetConfigList(string path)
    {
        var (p, v) = Require(path);
        return AsList(p, v).Select((item, i) => item is HoconObject obj
            ? new Config(obj, IsResolved, _pathFromTop.Append(p).Append(i.ToString(CultureInfo.InvariantCulture)))
            : throw WrongType(p.Append(i.ToString(CultureInfo.InvariantCulture)), item, "an object")).ToList();
    }

    private HoconValue? Find(HoconPath path)
    {
        HoconValue current = _root;
        for (var i = 0; i < path.Length; i++)
        {
            if (current.Kind == HoconValueKind.Unresolved)
            {
                throw NotResolved(path, current);
            }
            if (current is not HoconObject obj || !obj.TryGetValue(path.Elements[i], out var child))
            {
                return null;
            }
            current = child;
        }
        if (current.Kind == HoconValueKind.Unresolved)
        {
            throw NotResolved(path, current);
        }
        return current;
    }

    private HoconException NotResolved(HoconPath path, HoconValue at) =>
        new(at.Origin, $"'{Full(path)}' holds a substitution that has not been resolved: call Resolve() first");

    private (HoconPath Path, HoconValue Value) Require(string path)
    {
        var p = HoconPath.Parse(path);
        var v = Find(p);
        if (v is null)
        {
            throw new ConfigMissingException(Full(p));
        }
        if (v is HoconNull)
        {
            throw new HoconException(v.Origin, $"'{Full(p)}' is set to null: expected a value");
        }
        return (p, v);
    }

    private string Full(HoconPath p) => _pathFromTop.Append(p).ToString();

    private HoconException WrongType(HoconPath p, HoconValue v, string expected) =>
        new(v.Origin, $"'{Full(p)}' has the wrong type: expected {expected}, found {Show(v)}");

    private HoconException Bad(HoconPath p, HoconValue v, string message) => new(v.Origin, $"'{Full(p)}': {message}");

    private static string Show(HoconValue v) => v switch
    {
        HoconString s => $"the string \"{s.Value}\"",
        HoconNumber n => $"the number {n.Text}",
        HoconBoolean b => $"the boolean {b}",
        _ => v.Describe(),
    };

    private string AsString(HoconPath p, HoconValue v) =>
        v is HoconString or HoconNumber or HoconBoolean ? v.AsConcatText! : throw WrongType(p, v, "a string");

    private HoconNumber AsNumber(HoconPath p, HoconValue v)
    {
        if (v is HoconNumber n)
        {
            return n;
        }
        if (v is HoconString s)
        {
            var text = s.Value.Trim();
            if (HoconNumber.TryParse(text, v.Origin) is { } parsed)
            {
                return parsed;
            }
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            {
                return new HoconNumber(text, d, null, v.Origin);
            }
        }
        throw WrongType(p, v, "a number");
    }

    private IReadOnlyList<HoconValue> AsList(HoconPath p, HoconValue v)
    {
        if (v is HoconArray array)
        {
            return array.Items;
        }
        // An object whose keys are all integers reads as a list in index order (HOCON's numeric-keys conversion).
        if (v is HoconObject obj && obj.Fields.Count > 0)
        {
            var indexed = new List<(int Index, HoconValue Value)>();
            foreach (var (key, child) in obj.Fields)
            {
                if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    throw WrongType(p, v, "a list");
                }
                indexed.Add((index, child));
            }
            return indexed.OrderBy(x => x.Index).Select(x => x.Value).ToList();
        }
        throw WrongType(p, v, "a list");
    }

    /// <inheritdoc />
    public override string ToString() => IsResolved ? ToJson(indented: false) : "Config(unresolved)";
}
