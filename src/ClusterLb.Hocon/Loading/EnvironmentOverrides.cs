using System.Collections;
using System.Text;

namespace ClusterLb.Hocon;

/// <summary>
/// Lightbend's convention for forcing a key from the environment: <c>CONFIG_FORCE_a_b__c___d=v</c> sets
/// <c>a.b-c_d = "v"</c> (one underscore is a dot, two a dash, three an underscore). Values are strings; typed
/// getters convert them.
/// </summary>
public static class EnvironmentOverrides
{
    /// <summary>The prefix that marks an override variable.</summary>
    public const string Prefix = "CONFIG_FORCE_";

    /// <summary>Builds the overrides from the process environment, or from <paramref name="variables"/> when given.</summary>
    public static Config Load(IDictionary? variables = null)
    {
        variables ??= Environment.GetEnvironmentVariables();
        var root = new HoconObject(new HoconOrigin("environment", 0, 0));
        foreach (DictionaryEntry entry in variables)
        {
            if (entry.Key is not string name || !name.StartsWith(Prefix, StringComparison.Ordinal) || name.Length == Prefix.Length)
            {
                continue;
            }
            var path = ToPath(name[Prefix.Length..]);
            var origin = new HoconOrigin("environment variable " + name, 0, 0);
            HoconValue value = new HoconString(entry.Value as string ?? "", origin);
            for (var i = path.Count - 1; i >= 1; i--)
            {
                var wrapper = new HoconObject(origin);
                wrapper.Set(path[i], value);
                value = wrapper;
            }
            root.Set(path[0], root.TryGetValue(path[0], out var existing) ? HoconMerger.Merge(value, existing, inPlace: true) : value);
        }
        return new Config(root, resolved: true);
    }

    /// <summary>Maps the part of a variable name after the prefix to path elements.</summary>
    public static IReadOnlyList<string> ToPath(string name)
    {
        var elements = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < name.Length;)
        {
            if (name[i] != '_')
            {
                current.Append(name[i++]);
                continue;
            }
            var run = 0;
            while (i < name.Length && name[i] == '_')
            {
                run++;
                i++;
            }
            for (; run >= 3; run -= 3)
            {
                current.Append('_');
            }
            if (run == 2)
            {
                current.Append('-');
            }
            else if (run == 1)
            {
                elements.Add(current.ToString());
                current.Clear();
            }
        }
        elements.Add(current.ToString());
        return elements;
    }
}
