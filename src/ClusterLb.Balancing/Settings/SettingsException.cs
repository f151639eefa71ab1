namespace ClusterLb.Balancing.Settings;

/// <summary>Invalid balancing settings; <see cref="Errors"/> lists every problem with its configuration path.</summary>
public sealed class SettingsException : Exception
{
    /// <summary>Creates the exception from one or more problems.</summary>
    public SettingsException(IReadOnlyList<string> errors)
        : base("Invalid load-balancing configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", errors))
    {
        Errors = errors;
    }

    /// <summary>Each problem, prefixed with the configuration path it concerns.</summary>
    public IReadOnlyList<string> Errors { get; }
}
