namespace ClusterLb.Hocon.Tests;

/// <summary>Every error names file, line and column exactly and says what was expected.</summary>
public sealed class ErrorPositionTests
{
    private static HoconException ParseError(string text) =>
        Assert.ThrowsAny<HoconException>(() => ConfigFactory.ParseString(text, "my.conf").Resolve(new HoconResolveOptions { UseEnvironment = false }));

    [Theory]
    [InlineData("a = 1\nb = [1,,2]", 2, 8, "unexpected second ','")]
    [InlineData("a {\n  b = 1\n", 3, 1, "expected '}' to close the object opened at line 1 column 3")]
    [InlineData("a = 1\n}", 2, 1, "unbalanced '}'")]
    [InlineData("a = [1, 2", 1, 10, "or ']' after an array element, found end of file")]
    [InlineData("x {\n  a b\n}", 3, 1, "expected ':', '=', '+=' or '{' after the key '\"a b\"', found '}'")]
    [InlineData("a = \"abc", 1, 5, "unterminated quoted string")]
    [InlineData("a = \"x\\qy\"", 1, 7, "bad escape '\\q'")]
    [InlineData("\ta = ^", 1, 6, "reserved character '^'")]
    [InlineData("a = 1 : 2", 1, 7, "expected ',' or a newline after a field")]
    [InlineData("a..b = 1", 1, 1, "empty key")]
    [InlineData("a = ${}", 1, 5, "empty substitution")]
    [InlineData("a = 1\nb = ${nope}", 2, 5, "could not resolve substitution ${nope}")]
    [InlineData("a = 1\nb {\n  c = ${b.c}\n}", 3, 7, "cycle")]
    [InlineData("a = ", 1, 5, "expected a value, found end of file")]
    [InlineData("include foo", 1, 12, "expected a quoted file name after include (include \"name\", file(\"...\"), url(\"...\"), classpath(\"...\") or required(...)), found end of file")]
    [InlineData("a = [1]\nb = ${a}x", 2, 9, "cannot concatenate")]
    public void Errors_carry_exact_positions(string text, int line, int column, string expected)
    {
        var error = ParseError(text);

        Assert.Equal("my.conf", error.File);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith($"my.conf:{line}:{column}: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Errors_in_files_name_the_file_they_are_in()
    {
        using var dir = new TempDirectory();
        dir.Write("main.conf", "a = 1\ninclude \"inner.conf\"\n");
        dir.Write("inner.conf", "\n\n  b = [}\n");

        var error = Assert.ThrowsAny<HoconException>(() => ConfigFactory.ParseFile(dir.PathOf("main.conf")));

        Assert.Equal(dir.PathOf("inner.conf"), error.File);
        Assert.Equal((3, 8), (error.Line, error.Column));
    }

    [Fact]
    public void Deep_nesting_beyond_the_limit_is_an_error_not_a_stack_overflow()
    {
        var text = "a = " + new string('[', 200_000) + new string(']', 200_000);

        var error = Assert.ThrowsAny<HoconException>(() => ConfigFactory.ParseString(text));

        Assert.Contains("nest too deeply", error.Message);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void The_depth_limit_is_configurable_and_exact()
    {
        var options = new HoconParseOptions { MaxDepth = 10 };
        static string Nested(int depth) => string.Concat(Enumerable.Repeat("a {", depth)) + new string('}', depth);

        // The root object counts as one level when it has braces; without braces it is level one as well.
        ConfigFactory.ParseString(Nested(9), options: options);
        var error = Assert.ThrowsAny<HoconException>(() => ConfigFactory.ParseString(Nested(10), options: options));
        Assert.Contains("more than 10 levels", error.Message);
    }

    [Fact]
    public void Nesting_of_two_thousand_levels_parses_resolves_and_renders()
    {
        const int depth = 2000;
        var text = "y = 1\n" + string.Concat(Enumerable.Repeat("a {", depth)) + "x = ${y}" + new string('}', depth);

        var config = ConfigFactory.ParseString(text).Resolve();

        Assert.EndsWith("{\"x\":1" + new string('}', depth + 1), config.ToJson(indented: false));
    }

    [Fact]
    public void Input_longer_than_the_limit_is_rejected_with_a_clear_error()
    {
        var error = Assert.ThrowsAny<HoconException>(() =>
            ConfigFactory.ParseString(new string(' ', 2000) + "a = 1", "big.conf", new HoconParseOptions { MaxLength = 1000 }));

        Assert.Contains("2005 characters long; the limit is 1000", error.Message);
    }
}
