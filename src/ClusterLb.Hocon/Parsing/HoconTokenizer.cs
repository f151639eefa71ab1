using System.Globalization;
using System.Text;

namespace ClusterLb.Hocon.Parsing;

/// <summary>Splits HOCON text into tokens. Comments are dropped; whitespace is kept because concatenations preserve it.</summary>
internal sealed class HoconTokenizer
{
    // Characters that end unquoted text; the ones after '+' are reserved and may not appear outside quotes at all.
    private const string NotInUnquotedText = "$\"{}[]:=,+#`^?!@*&\\";
    private const string Reserved = "`^?!@*&\\";
    private const string NumberChars = "0123456789eE+-.";

    private readonly string _text;
    private readonly string? _file;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    public HoconTokenizer(string text, string? file)
    {
        _text = text;
        _file = file;
    }

    public List<HoconToken> ReadAll()
    {
        var tokens = new List<HoconToken>(Math.Clamp(_text.Length / 4, 16, 1 << 16));
        while (true)
        {
            var t = Next();
            tokens.Add(t);
            if (t.Kind == HoconTokenKind.Eof)
            {
                return tokens;
            }
        }
    }

    private HoconOrigin Here => new(_file, _line, _pos - _lineStart + 1);

    private HoconException Error(HoconOrigin at, string what) => new(at, what);

    internal static bool IsWhitespace(char c) => c switch
    {
        ' ' or '\t' or '\n' or '\v' or '\f' or '\r' or '\uFEFF' => true,
        >= '\u001C' and <= '\u001F' => true,
        < '\u0080' => false,
        _ => char.GetUnicodeCategory(c) is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator,
    };

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private bool AtCommentStart() => _pos < _text.Length && (_text[_pos] == '#' || (_text[_pos] == '/' && Peek(1) == '/'));

    private HoconToken Next()
    {
        while (true)
        {
            if (_pos >= _text.Length)
            {
                return new HoconToken(HoconTokenKind.Eof, "", Here);
            }
            var origin = Here;
            var c = _text[_pos];
            if (c == '\n')
            {
                _pos++;
                _line++;
                _lineStart = _pos;
                return new HoconToken(HoconTokenKind.Newline, "\n", origin);
            }
            if (IsWhitespace(c))
            {
                var start = _pos;
                while (_pos < _text.Length && _text[_pos] != '\n' && IsWhitespace(_text[_pos]))
                {
                    _pos++;
                }
                return new HoconToken(HoconTokenKind.Whitespace, _text[start.._pos], origin);
            }
            if (AtCommentStart())
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    return Peek(1) == '"' && Peek(2) == '"' ? ReadTripleQuoted(origin) : ReadQuoted(origin);
                case ',': _pos++; return new HoconToken(HoconTokenKind.Comma, ",", origin);
                case ':': _pos++; return new HoconToken(HoconTokenKind.Colon, ":", origin);
                case '=': _pos++; return new HoconToken(HoconTokenKind.Equals, "=", origin);
                case '{': _pos++; return new HoconToken(HoconTokenKind.OpenCurly, "{", origin);
                case '}': _pos++; return new HoconToken(HoconTokenKind.CloseCurly, "}", origin);
                case '[': _pos++; return new HoconToken(HoconTokenKind.OpenSquare, "[", origin);
                case ']': _pos++; return new HoconToken(HoconTokenKind.CloseSquare, "]", origin);
                case '+':
                    if (Peek(1) != '=')
                    {
                        throw Error(origin, "'+' is only allowed as part of '+=' (put it in quotes if it is text)");
                    }
                    _pos += 2;
                    return new HoconToken(HoconTokenKind.PlusEquals, "+=", origin);
                case '$':
                    if (Peek(1) != '{')
                    {
                        throw Error(origin, "'$' is only allowed as the start of a substitution '${' (put it in quotes if it is text)");
                    }
                    return ReadSubstitution(origin);
            }
            if (c == '-' || char.IsAsciiDigit(c))
            {
                return ReadNumber(origin);
            }
            if (Reserved.Contains(c))
            {
                throw Error(origin, $"reserved character '{c}' is not allowed outside quotes");
            }
            return ReadUnquoted(origin);
        }
    }

    private HoconToken ReadUnquoted(HoconOrigin origin)
    {
        var start = _pos;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (NotInUnquotedText.Contains(c) || IsWhitespace(c) || (c == '/' && Peek(1) == '/'))
            {
                break;
            }
            _pos++;
            // true, false and null are literals whenever they start unquoted text, whatever follows them.
            var length = _pos - start;
            if (length == 4)
            {
                var s = _text.AsSpan(start, 4);
                if (s.SequenceEqual("true"))
                {
                    return new HoconToken(HoconTokenKind.True, "true", origin);
                }
                if (s.SequenceEqual("null"))
                {
                    return new HoconToken(HoconTokenKind.Null, "null", origin);
                }
            }
            else if (length == 5 && _text.AsSpan(start, 5).SequenceEqual("false"))
            {
                return new HoconToken(HoconTokenKind.False, "false", origin);
            }
        }
        return new HoconToken(HoconTokenKind.UnquotedText, _text[start.._pos], origin);
    }

    private HoconToken ReadNumber(HoconOrigin origin)
    {
        var start = _pos;
        _pos++;
        while (_pos < _text.Length && NumberChars.Contains(_text[_pos]))
        {
            _pos++;
        }
        var text = _text[start.._pos];
        var number = HoconNumber.TryParse(text, origin);
        if (number is not null)
        {
            return new HoconToken(HoconTokenKind.Number, text, origin) { Number = number };
        }
        if (text.Contains('+'))
        {
            throw Error(origin, $"'{text}' is not a number, and '+' is not allowed outside quotes");
        }
        return new HoconToken(HoconTokenKind.UnquotedText, text, origin);
    }

    private HoconToken ReadQuoted(HoconOrigin origin)
    {
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error(origin, "unterminated quoted string: expected a closing '\"'");
            }
            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return new HoconToken(HoconTokenKind.QuotedString, sb.ToString(), origin);
            }
            if (c == '\n')
            {
                throw Error(Here, "newline in a quoted string: expected a closing '\"' (use \"\"\" for multi-line strings)");
            }
            if (c == '\\')
            {
                var at = Here;
                _pos++;
                var e = Peek();
                _pos++;
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (_pos + 4 > _text.Length || !int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier,
                                CultureInfo.InvariantCulture, out var code))
                        {
                            throw Error(at, "bad \\u escape: expected four hexadecimal digits");
                        }
                        sb.Append((char)code);
                        _pos += 4;
                        break;
                    default:
                        throw Error(at, $"bad escape '\\{(e == '\0' ? "" : e.ToString())}' in a quoted string: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
                }
                continue;
            }
            sb.Append(c);
            _pos++;
        }
    }

    private HoconToken ReadTripleQuoted(HoconOrigin origin)
    {
        _pos += 3;
        var start = _pos;
        while (true)
        {
            var end = _text.IndexOf("\"\"\"", _pos, StringComparison.Ordinal);
            if (end < 0)
            {
                throw Error(origin, "unterminated triple-quoted string: expected a closing '\"\"\"'");
            }
            // Extra quotes before the closing three belong to the string.
            var close = end + 3;
            while (close < _text.Length && _text[close] == '"')
            {
                close++;
            }
            var content = _text[start..(close - 3)];
            AdvanceLines(start, close);
            _pos = close;
            return new HoconToken(HoconTokenKind.QuotedString, content, origin);
        }
    }

    private void AdvanceLines(int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (_text[i] == '\n')
            {
                _line++;
                _lineStart = i + 1;
            }
        }
    }

    private HoconToken ReadSubstitution(HoconOrigin origin)
    {
        _pos += 2;
        var optional = false;
        if (Peek() == '?')
        {
            optional = true;
            _pos++;
        }
        var parts = new List<HoconToken>();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error(origin, "unterminated substitution: expected '}' to close '${'");
            }
            var c = _text[_pos];
            if (c == '}')
            {
                _pos++;
                break;
            }
            if (c == '\n' || AtCommentStart())
            {
                throw Error(Here, "expected '}' to close the substitution '${' on the same line (no comments or newlines inside)");
            }
            var t = Next();
            if (!t.IsKeyPart)
            {
                throw Error(t.Origin, $"{t.Describe()} is not allowed in a substitution path: expected a path such as a.b.c and '}}'");
            }
            parts.Add(t);
        }
        var first = 0;
        var last = parts.Count - 1;
        while (first <= last && parts[first].Kind == HoconTokenKind.Whitespace)
        {
            first++;
        }
        while (last >= first && parts[last].Kind == HoconTokenKind.Whitespace)
        {
            last--;
        }
        if (first > last)
        {
            throw Error(origin, "empty substitution: expected a path inside '${}'");
        }
        var path = KeyPathBuilder.Build(parts, first, last, origin);
        return new HoconToken(HoconTokenKind.Substitution, "${", origin) { SubstitutionPath = path, OptionalSubstitution = optional };
    }
}
