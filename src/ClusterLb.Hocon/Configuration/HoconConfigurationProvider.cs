using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ClusterLb.Hocon.Configuration;

/// <summary>
/// Flattens a resolved HOCON tree into configuration keys: object keys joined with ':' and array elements as
/// indexes (<c>a:b:0</c>), so the options binder sees the same shape it sees from JSON.
/// </summary>
public sealed class HoconConfigurationProvider : ConfigurationProvider
{
    private readonly HoconConfigurationSource _source;

    /// <summary>Creates the provider for a source.</summary>
    public HoconConfigurationProvider(HoconConfigurationSource source) => _source = source;

    /// <inheritdoc />
    public override void Load()
    {
        var config = _source.Config;
        if (config is null)
        {
            if (_source.FilePath is null)
            {
                throw new InvalidOperationException("A HOCON configuration source needs a Config or a FilePath.");
            }
            if (!File.Exists(_source.FilePath) && _source.Optional)
            {
                Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                return;
            }
            config = ConfigFactory.ParseFile(_source.FilePath).Resolve();
        }
        else if (!config.IsResolved)
        {
            config = config.Resolve();
        }
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in config.Root.Fields)
        {
            Flatten(data, key, value);
        }
        Data = data;
    }

    private static void Flatten(Dictionary<string, string?> data, string prefix, HoconValue value)
    {
        switch (value)
        {
            case HoconObject obj:
                foreach (var (key, child) in obj.Fields)
                {
                    Flatten(data, prefix + ConfigurationPath.KeyDelimiter + key, child);
                }
                break;
            case HoconArray array:
                for (var i = 0; i < array.Items.Count; i++)
                {
                    Flatten(data, prefix + ConfigurationPath.KeyDelimiter + i.ToString(CultureInfo.InvariantCulture), array.Items[i]);
                }
                break;
            case HoconNull:
                data[prefix] = null;
                break;
            default:
                data[prefix] = value.AsConcatText;
                break;
        }
    }
}
