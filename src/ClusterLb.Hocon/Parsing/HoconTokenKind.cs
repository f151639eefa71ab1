namespace ClusterLb.Hocon.Parsing;

/// <summary>The kinds of token the tokenizer produces.</summary>
internal enum HoconTokenKind
{
    Eof,
    Newline,
    Whitespace,
    Comma,
    Colon,
    Equals,
    PlusEquals,
    OpenCurly,
    CloseCurly,
    OpenSquare,
    CloseSquare,
    QuotedString,
    UnquotedText,
    Number,
    True,
    False,
    Null,
    Substitution,
}
