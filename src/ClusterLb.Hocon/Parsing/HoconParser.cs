using System.Runtime.CompilerServices;

namespace ClusterLb.Hocon.Parsing;

/// <summary>
/// Recursive-descent parser from tokens to an unresolved tree. Keys merge as they are read; substitutions,
/// concatenations that hold them and merges that depend on them stay as nodes for the resolver.
/// </summary>
internal sealed class HoconParser
{
    private readonly List<HoconToken> _tokens;
    private readonly ParseContext _context;
    private int _pos;
    private int _depth;

    private HoconParser(List<HoconToken> tokens, ParseContext context)
    {
        _tokens = tokens;
        _context = context;
    }

    /// <summary>Parses a document whose root must be an object (braces optional).</summary>
    public static HoconObject ParseDocument(string text, ParseContext context)
    {
        var root = ParseRoot(text, context);
        if (root is not HoconObject obj)
        {
            throw new HoconException(root.Origin, "the root of a configuration must be an object, not an array");
        }
        return obj;
    }

    /// <summary>Parses a document whose root may be an object or an array.</summary>
    public static HoconValue ParseRoot(string text, ParseContext context)
    {
        if (text.Length > context.Options.MaxLength)
        {
            throw new HoconException(new HoconOrigin(context.FilePath, 1, 1),
                $"document is {text.Length} characters long; the limit is {context.Options.MaxLength}");
        }
        var tokens = new HoconTokenizer(text, context.FilePath).ReadAll();
        return new HoconParser(tokens, context).ParseTop();
    }

    private HoconToken Peek => _tokens[_pos];

    private HoconToken Take() => _tokens[_pos++];

    private void SkipWhitespace()
    {
        while (Peek.Kind == HoconTokenKind.Whitespace)
        {
            _pos++;
        }
    }

    private void SkipWhitespaceAndNewlines()
    {
        while (Peek.Kind is HoconTokenKind.Whitespace or HoconTokenKind.Newline)
        {
            _pos++;
        }
    }

    private HoconValue ParseTop()
    {
        SkipWhitespaceAndNewlines();
        HoconValue root;
        if (Peek.Kind == HoconTokenKind.OpenCurly)
        {
            root = ParseObject(braced: true, HoconPath.Root);
        }
        else if (Peek.Kind == HoconTokenKind.OpenSquare)
        {
            root = ParseArray();
        }
        else
        {
            return ParseObject(braced: false, HoconPath.Root);
        }
        SkipWhitespaceAndNewlines();
        if (Peek.Kind != HoconTokenKind.Eof)
        {
            throw new HoconException(Peek.Origin, $"expected end of file after the root value, found {Peek.Describe()}");
        }
        return root;
    }

    private void Enter(HoconOrigin at)
    {
        _depth++;
        if (_depth > _context.Options.MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new HoconException(at,
                $"objects and arrays nest too deeply (more than {Math.Min(_depth - 1, _context.Options.MaxDepth)} levels)");
        }
    }

    /// <param name="braced">Whether the object is wrapped in braces (only the root may omit them).</param>
    /// <param name="path">The object's path from the file's root, or null inside an array (where include and += are not allowed).</param>
    private HoconObject ParseObject(bool braced, HoconPath? path)
    {
        var open = Peek.Origin;
        if (braced)
        {
            _pos++;
        }
        Enter(open);
        var obj = new HoconObject(open);
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var t = Peek;
            if (t.Kind == HoconTokenKind.CloseCurly)
            {
                if (!braced)
                {
                    throw new HoconException(t.Origin, "unbalanced '}': there is no '{' to close");
                }
                _pos++;
                break;
            }
            if (t.Kind == HoconTokenKind.Eof)
            {
                if (braced)
                {
                    throw new HoconException(t.Origin, $"expected '}}' to close the object opened at line {open.Line} column {open.Column}, found end of file");
                }
                break;
            }
            if (t.Kind == HoconTokenKind.Comma)
            {
                throw new HoconException(t.Origin, "unexpected ',': expected a key (a comma may only follow a field, and only once)");
            }
            if (t.Kind == HoconTokenKind.UnquotedText && t.Text == "include")
            {
                _pos++;
                var spec = IncludeStatementParser.Parse(_tokens, ref _pos, t.Origin);
                if (path is null)
                {
                    throw new HoconException(t.Origin, "include is not allowed inside an array element");
                }
                var included = HoconIncluder.Load(spec, _context, _context.IncludePrefix.Append(path));
                if (included is not null)
                {
                    foreach (var (key, value) in included.Fields)
                    {
                        obj.Set(key, obj.TryGetValue(key, out var existing) ? HoconMerger.Merge(value, existing, inPlace: true) : value);
                    }
                }
            }
            else
            {
                ParseField(obj, path);
            }
            if (!AfterField(braced))
            {
                break;
            }
        }
        _depth--;
        return obj;
    }

    /// <summary>Consumes the separator after a field: a comma, one or more newlines (optionally followed by a comma), or the end.</summary>
    private bool AfterField(bool braced)
    {
        var sawNewline = SkipToSeparator();
        var t = Peek;
        if (t.Kind == HoconTokenKind.Comma)
        {
            _pos++;
            SkipWhitespaceAndNewlines();
            if (Peek.Kind == HoconTokenKind.Comma)
            {
                throw new HoconException(Peek.Origin, "unexpected second ',': expected a key or '}'");
            }
            return true;
        }
        if (sawNewline || t.Kind is HoconTokenKind.CloseCurly or HoconTokenKind.Eof)
        {
            return true;
        }
        throw new HoconException(t.Origin,
            $"expected ',' or a newline after a field{(braced ? " (or '}')" : "")}, found {t.Describe()}");
    }

    /// <summary>Skips whitespace and newlines; true when a newline was among them.</summary>
    private bool SkipToSeparator()
    {
        var sawNewline = false;
        while (Peek.Kind is HoconTokenKind.Whitespace or HoconTokenKind.Newline)
        {
            sawNewline |= Peek.Kind == HoconTokenKind.Newline;
            _pos++;
        }
        return sawNewline;
    }

    private void ParseField(HoconObject obj, HoconPath? path)
    {
        var keyStart = _pos;
        while (Peek.IsKeyPart && Peek.Kind != HoconTokenKind.Eof)
        {
            _pos++;
        }
        var keyEnd = _pos - 1;
        while (keyEnd >= keyStart && _tokens[keyEnd].Kind == HoconTokenKind.Whitespace)
        {
            keyEnd--;
        }
        if (keyEnd < keyStart)
        {
            var bad = _tokens[keyStart];
            throw new HoconException(bad.Origin, $"expected a key, found {bad.Describe()}");
        }
        var keyOrigin = _tokens[keyStart].Origin;
        var key = KeyPathBuilder.Build(_tokens, keyStart, keyEnd, keyOrigin);
        SkipWhitespaceAndNewlines();
        var sep = Peek;
        var append = false;
        switch (sep.Kind)
        {
            case HoconTokenKind.Colon:
            case HoconTokenKind.Equals:
                _pos++;
                break;
            case HoconTokenKind.PlusEquals:
                _pos++;
                append = true;
                break;
            case HoconTokenKind.OpenCurly:
                break;
            default:
                throw new HoconException(sep.Origin, $"expected ':', '=', '+=' or '{{' after the key '{key}', found {sep.Describe()}");
        }
        SkipWhitespaceAndNewlines();
        var fieldPath = path?.Append(key);
        // The value of += becomes an array element, so inside it, as inside any array, include and += are not allowed.
        var value = ParseValue(append ? null : fieldPath);
        if (append)
        {
            if (fieldPath is null)
            {
                throw new HoconException(sep.Origin, "'+=' is not allowed inside an array element (Lightbend does not support it either)");
            }
            var self = new HoconSubstitution(fieldPath, optional: true, sep.Origin, NonRoot(_context.IncludePrefix));
            value = new HoconConcatenation([self, new HoconArray([value], value.Origin)], sep.Origin, fieldPath);
        }
        for (var i = key.Length - 1; i >= 1; i--)
        {
            var wrapper = new HoconObject(keyOrigin);
            wrapper.Set(key.Elements[i], value);
            value = wrapper;
        }
        var first = key.Elements[0];
        obj.Set(first, obj.TryGetValue(first, out var existing) ? HoconMerger.Merge(value, existing, inPlace: true) : value);
    }

    private static HoconPath? NonRoot(HoconPath prefix) => prefix.Length == 0 ? null : prefix;

    /// <summary>Reads one value: a run of simple values, substitutions, objects and arrays on one line.</summary>
    private HoconValue ParseValue(HoconPath? path)
    {
        var start = Peek;
        List<HoconValue>? pieces = null;
        HoconValue? single = null;
        while (true)
        {
            var t = Peek;
            HoconValue piece;
            switch (t.Kind)
            {
                case HoconTokenKind.Whitespace:
                    _pos++;
                    if (single is null)
                    {
                        continue;
                    }
                    piece = new HoconString(t.Text, t.Origin, quoted: false);
                    break;
                case HoconTokenKind.QuotedString:
                    _pos++;
                    piece = new HoconString(t.Text, t.Origin, quoted: true);
                    break;
                case HoconTokenKind.UnquotedText:
                    _pos++;
                    piece = new HoconString(t.Text, t.Origin, quoted: false);
                    break;
                case HoconTokenKind.Number:
                    _pos++;
                    piece = t.Number!;
                    break;
                case HoconTokenKind.True:
                case HoconTokenKind.False:
                    _pos++;
                    piece = new HoconBoolean(t.Kind == HoconTokenKind.True, t.Origin);
                    break;
                case HoconTokenKind.Null:
                    _pos++;
                    piece = new HoconNull(t.Origin);
                    break;
                case HoconTokenKind.Substitution:
                    _pos++;
                    piece = new HoconSubstitution(t.SubstitutionPath!, t.OptionalSubstitution, t.Origin, NonRoot(_context.IncludePrefix));
                    break;
                case HoconTokenKind.OpenCurly:
                    piece = ParseObject(braced: true, path);
                    break;
                case HoconTokenKind.OpenSquare:
                    piece = ParseArray();
                    break;
                default:
                    goto done;
            }
            if (single is null)
            {
                single = piece;
            }
            else
            {
                pieces ??= [single];
                pieces.Add(piece);
            }
        }
    done:
        if (single is null)
        {
            throw new HoconException(start.Origin, $"expected a value, found {start.Describe()}");
        }
        if (pieces is null)
        {
            return single;
        }
        while (pieces[^1] is HoconString { Quoted: false } ws && ws.IsIgnorableWhitespace)
        {
            pieces.RemoveAt(pieces.Count - 1);
        }
        return pieces.Count == 1 ? pieces[0] : Concatenator.Create(pieces, single.Origin);
    }

    private HoconArray ParseArray()
    {
        var open = Take().Origin;
        Enter(open);
        var items = new List<HoconValue>();
        SkipWhitespaceAndNewlines();
        if (Peek.Kind == HoconTokenKind.CloseSquare)
        {
            _pos++;
            _depth--;
            return new HoconArray(items, open);
        }
        while (true)
        {
            SkipWhitespaceAndNewlines();
            if (Peek.Kind == HoconTokenKind.Comma)
            {
                throw new HoconException(Peek.Origin, "unexpected ',': expected an array element (a comma may only follow an element, and only once)");
            }
            if (Peek.Kind == HoconTokenKind.Eof)
            {
                throw new HoconException(Peek.Origin, $"expected ']' to close the array opened at line {open.Line} column {open.Column}, found end of file");
            }
            items.Add(ParseValue(null));
            var sawNewline = SkipToSeparator();
            var t = Peek;
            if (t.Kind == HoconTokenKind.Comma)
            {
                _pos++;
                SkipWhitespaceAndNewlines();
                if (Peek.Kind == HoconTokenKind.CloseSquare)
                {
                    _pos++;
                    break;
                }
                if (Peek.Kind == HoconTokenKind.Comma)
                {
                    throw new HoconException(Peek.Origin, "unexpected second ',': expected an array element or ']'");
                }
                continue;
            }
            if (t.Kind == HoconTokenKind.CloseSquare)
            {
                _pos++;
                break;
            }
            if (sawNewline && t.Kind != HoconTokenKind.Eof)
            {
                continue;
            }
            throw new HoconException(t.Origin, $"expected ',' or a newline or ']' after an array element, found {t.Describe()}");
        }
        _depth--;
        return new HoconArray(items, open);
    }
}
