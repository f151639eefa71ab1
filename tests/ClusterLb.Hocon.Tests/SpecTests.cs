namespace ClusterLb.Hocon.Tests;

/// <summary>Rules from the HOCON spec that the corpus covers thinly, each as a small document and its JSON.</summary>
public sealed class SpecTests
{
    private static string Json(string text) =>
        ConfigFactory.ParseString(text).Resolve(new HoconResolveOptions { UseEnvironment = false }).ToJson(indented: false);

    [Theory]
    [InlineData("a = foo//bar", """{"a":"foo"}""")]
    [InlineData("a = foo#bar", """{"a":"foo"}""")]
    [InlineData("a = truefoo, b = true, c = nullx", """{"a":"truefoo","b":true,"c":"nullx"}""")]
    [InlineData("a = 10.0bar, b = 1.0.0, c = .5", """{"a":"10.0bar","b":"1.0.0","c":".5"}""")]
    [InlineData("a = 1e5 x", """{"a":"1e5 x"}""")]
    [InlineData("a b c : 1", """{"a b c":1}""")]
    [InlineData("3.14 : x", """{"3":{"14":"x"}}""")]
    [InlineData("true : 1", """{"true":1}""")]
    [InlineData("a.\"b.c\".d = 1", """{"a":{"b.c":{"d":1}}}""")]
    [InlineData("a = \"\"\"foo\"\"\"\"", """{"a":"foo\""}""")]
    [InlineData("a = \"\"\"x\\ny\"\"\"", """{"a":"x\\ny"}""")]
    [InlineData("a = [1 2 3]", """{"a":["1 2 3"]}""")]
    [InlineData("a = [[1] [2]]", """{"a":[[1,2]]}""")]
    [InlineData("a = [1,2] [3,4]", """{"a":[1,2,3,4]}""")]
    [InlineData("a = {x:1} {y:2} {x:3}", """{"a":{"x":3,"y":2}}""")]
    [InlineData("a = foo   bar  ", """{"a":"foo   bar"}""")]
    [InlineData("a = true", """{"a":true}""")]
    [InlineData("a = 1 2", """{"a":"1 2"}""")]
    [InlineData("a { b = 1 }\na { c = 2 }", """{"a":{"b":1,"c":2}}""")]
    [InlineData("a { b = 1 }\na = null\na { c = 2 }", """{"a":{"c":2}}""")]
    [InlineData("a = 1\na = { b = 2 }", """{"a":{"b":2}}""")]
    public void Syntax(string text, string json) => Assert.Equal(json, Json(text));

    [Theory]
    [InlineData("path = [a]\npath = ${path} [b]", """{"path":["a","b"]}""")]
    [InlineData("s = x\ns = ${s}\":d\"", """{"s":"x:d"}""")]
    [InlineData("a = ${?a}foo", """{"a":"foo"}""")]
    [InlineData("a = ${?a}", """{}""")]
    [InlineData("a = 1\na = ${?nothing}", """{"a":1}""")]
    [InlineData("foo { a = 1 }\nfoo = ${foo.a}", """{"foo":1}""")]
    [InlineData("bar { foo = 42, baz = ${bar.foo} }", """{"bar":{"foo":42,"baz":42}}""")]
    [InlineData("foo = ${missing}\nfoo = 42", """{"foo":42}""")]
    [InlineData("base { a = 1 }\nx = ${base} { extra = 1 }", """{"base":{"a":1},"x":{"a":1,"extra":1}}""")]
    [InlineData("a = [1]\na += 2\nb += 3", """{"a":[1,2],"b":[3]}""")]
    [InlineData("x { a += 1 }\nx { a += 2 }", """{"x":{"a":[1,2]}}""")]
    [InlineData("n = null\nm = ${n}", """{"n":null,"m":null}""")]
    [InlineData("a = ${b}\nb = { c = 1 }\nd = ${a.c}", """{"a":{"c":1},"b":{"c":1},"d":1}""")]
    [InlineData("a = [${?x}, 1]", """{"a":[1]}""")]
    [InlineData("a = x${?nothing}y", """{"a":"xy"}""")]
    [InlineData("a = \"${not.expanded}\"", """{"a":"${not.expanded}"}""")]
    [InlineData("base { a = 0 }\nx = ${base} { b = 1, c = ${x.b} }", """{"base":{"a":0},"x":{"a":0,"b":1,"c":1}}""")]
    [InlineData("a = ${base}\na = { x = 1, y = ${a.x} }\nbase { z = 0 }", """{"a":{"z":0,"x":1,"y":1},"base":{"z":0}}""")]
    [InlineData("a = ${base} { x = 1, y = ${b} }\nb = ${a.x}\nbase {}", """{"a":{"x":1,"y":1},"b":1,"base":{}}""")]
    [InlineData("x { p = 1 }\nx = ${x} { q = ${x.p} }", """{"x":{"p":1,"q":1}}""")]
    public void Substitutions(string text, string json) => Assert.Equal(json, Json(text));

    [Fact]
    public void Ambiguous_mutual_references_resolve_to_equal_values()
    {
        var config = ConfigFactory.ParseString("a : 1, b : 2, a : ${b}, b : ${a}").Resolve();

        Assert.Equal(config.GetInt("a"), config.GetInt("b"));
    }

    [Theory]
    [InlineData("a = ${b}\nb = ${a}", "cycle")]
    [InlineData("a { b = ${a} }", "cycle")]
    [InlineData("a = ${a}", "cycle")]
    [InlineData("a = ${base} { x = ${a.x} }\nbase {}", "cycle")]
    [InlineData("a = ${nothing}", "could not resolve substitution ${nothing}")]
    [InlineData("a = 1\na += 2", "wrong type")]
    [InlineData("a = {x:1}\nb = foo ${a}", "cannot concatenate")]
    [InlineData("a = {x:1}\nb = ${a}\" \"${a}", "cannot concatenate")]
    [InlineData("a = {x:1} foo", "cannot concatenate")]
    [InlineData("a = [1] {x:1}", "cannot concatenate")]
    public void Resolution_errors(string text, string expected)
    {
        var error = Assert.ThrowsAny<HoconException>(() => Json(text));

        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
