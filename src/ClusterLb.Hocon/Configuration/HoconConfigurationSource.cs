using Microsoft.Extensions.Configuration;

namespace ClusterLb.Hocon.Configuration;

/// <summary>A Microsoft.Extensions.Configuration source over a HOCON <see cref="Config"/> or file.</summary>
public sealed class HoconConfigurationSource : IConfigurationSource
{
    /// <summary>An already loaded configuration; used when set.</summary>
    public Config? Config { get; init; }

    /// <summary>A HOCON file to parse and resolve when <see cref="Config"/> is null.</summary>
    public string? FilePath { get; init; }

    /// <summary>When true, a missing <see cref="FilePath"/> gives no keys instead of an error.</summary>
    public bool Optional { get; init; }

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconConfigurationProvider(this);
}
