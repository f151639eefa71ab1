using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// Copies one ClusterLb block onto Akka keys. A key that is absent (a file loaded without reference.conf) is not
/// written, so Akka's own default applies rather than a made-up one.
/// </summary>
internal sealed class KeyMapper(Config block, AkkaConfigTree tree, string path)
{
    /// <summary>The block's full path, so an error names the key as the user wrote it.</summary>
    public string Path => path;

    /// <summary>The ClusterLb block being read (for example <c>clusterlb.cluster</c>).</summary>
    public Config Block => block;

    /// <summary>Whether the block sets <paramref name="key"/>.</summary>
    public bool Has(string key) => block.HasPath(key);

    public void Duration(string key, string akka)
    {
        if (Has(key)) tree.Set(akka, ClusterLbValues.Duration(block, key));
    }

    public void DurationOrOff(string key, string akka)
    {
        if (Has(key)) tree.Set(akka, ClusterLbValues.DurationOrOff(block, key));
    }

    public void Int(string key, string akka, int min = int.MinValue)
    {
        if (!Has(key)) return;
        var value = block.GetInt(key);
        if (value < min)
        {
            throw new HoconException(block.GetValue(key)!.Origin, $"{path}.{key}: {value} is below the minimum {min}");
        }
        tree.Set(akka, value);
    }

    public void Double(string key, string akka)
    {
        if (Has(key)) tree.Set(akka, block.GetDouble(key));
    }

    public void Bool(string key, string akka)
    {
        if (Has(key)) tree.Set(akka, block.GetBool(key));
    }

    public void String(string key, string akka)
    {
        if (Has(key)) tree.Set(akka, block.GetString(key));
    }

    public void StringList(string key, string akka)
    {
        if (Has(key)) tree.Set(akka, block.GetStringList(key).ToList());
    }

    public void Bytes(string key, string akka, long min = 0)
    {
        if (!Has(key)) return;
        var value = block.GetBytes(key);
        if (value < min)
        {
            throw new HoconException(block.GetValue(key)!.Origin, $"{path}.{key}: {value} bytes is below Akka's minimum of {min} bytes");
        }
        tree.Set(akka, ClusterLbValues.Bytes(block, key));
    }
}
