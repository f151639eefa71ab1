namespace ClusterLb.Hocon.Parsing;

/// <summary>One token with its text and position. Numbers carry their parsed value; substitutions their path.</summary>
internal sealed class HoconToken
{
    public HoconToken(HoconTokenKind kind, string text, HoconOrigin origin)
    {
        Kind = kind;
        Text = text;
        Origin = origin;
    }

    public HoconTokenKind Kind { get; }

    /// <summary>Source text for unquoted text, numbers, whitespace and literals; the decoded value for quoted strings.</summary>
    public string Text { get; }

    public HoconOrigin Origin { get; }

    public HoconNumber? Number { get; init; }

    public HoconPath? SubstitutionPath { get; init; }

    public bool OptionalSubstitution { get; init; }

    /// <summary>Whether this token can be part of a key or a simple value.</summary>
    public bool IsKeyPart => Kind is HoconTokenKind.UnquotedText or HoconTokenKind.QuotedString or HoconTokenKind.Number
        or HoconTokenKind.True or HoconTokenKind.False or HoconTokenKind.Null or HoconTokenKind.Whitespace;

    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        HoconTokenKind.Eof => "end of file",
        HoconTokenKind.Newline => "end of line",
        HoconTokenKind.Whitespace => "whitespace",
        HoconTokenKind.QuotedString => $"\"{Text}\"",
        HoconTokenKind.Substitution => "a substitution",
        _ => $"'{Text}'",
    };
}
