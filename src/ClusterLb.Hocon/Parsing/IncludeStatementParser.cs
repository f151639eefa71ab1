namespace ClusterLb.Hocon.Parsing;

/// <summary>
/// Reads what follows the <c>include</c> keyword: <c>"x"</c>, <c>file("x")</c>, <c>url("x")</c> or
/// <c>classpath("x")</c>, optionally wrapped in <c>required(...)</c>, with whitespace and newlines allowed
/// around the parentheses. The tokenizer sees <c>file(</c> and <c>)</c> as unquoted text, so they are matched here.
/// </summary>
internal static class IncludeStatementParser
{
    public static IncludeSpec Parse(List<HoconToken> tokens, ref int pos, HoconOrigin at)
    {
        var prefix = "";
        SkipBlank(tokens, ref pos);
        while (tokens[pos].Kind is HoconTokenKind.UnquotedText or HoconTokenKind.Whitespace or HoconTokenKind.Newline)
        {
            prefix += tokens[pos++].Text.Trim();
        }
        if (tokens[pos].Kind != HoconTokenKind.QuotedString)
        {
            throw new HoconException(tokens[pos].Origin,
                $"expected a quoted file name after include (include \"name\", file(\"...\"), url(\"...\"), classpath(\"...\") or required(...)), found {tokens[pos].Describe()}");
        }
        var name = tokens[pos++].Text;
        var (kind, required) = prefix switch
        {
            "" => (IncludeKind.Heuristic, false),
            "file(" => (IncludeKind.File, false),
            "url(" => (IncludeKind.Url, false),
            "classpath(" => (IncludeKind.Classpath, false),
            "required(" => (IncludeKind.Heuristic, true),
            "required(file(" => (IncludeKind.File, true),
            "required(url(" => (IncludeKind.Url, true),
            "required(classpath(" => (IncludeKind.Classpath, true),
            _ => throw new HoconException(at, $"unknown include form '{prefix}': expected file(, url(, classpath( or required("),
        };
        var needed = prefix.Count(c => c == '(');
        var closed = 0;
        while (closed < needed)
        {
            SkipBlank(tokens, ref pos);
            var t = tokens[pos];
            var text = t.Kind == HoconTokenKind.UnquotedText ? t.Text : "";
            if (text.Length == 0 || text.Any(c => c != ')') || closed + text.Length > needed)
            {
                throw new HoconException(t.Origin, $"expected ')' to close '{prefix}' in the include, found {t.Describe()}");
            }
            closed += text.Length;
            pos++;
        }
        return new IncludeSpec(kind, name, required, at);
    }

    private static void SkipBlank(List<HoconToken> tokens, ref int pos)
    {
        while (tokens[pos].Kind is HoconTokenKind.Whitespace or HoconTokenKind.Newline)
        {
            pos++;
        }
    }
}
