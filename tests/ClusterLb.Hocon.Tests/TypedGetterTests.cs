namespace ClusterLb.Hocon.Tests;

public sealed class TypedGetterTests
{
    private static Config One(string value) => ConfigFactory.ParseString("v = " + value).Resolve();

    [Theory]
    [InlineData("10ms", 10_000_000L)]
    [InlineData("10", 10_000_000L)]
    [InlineData("5 s", 5_000_000_000L)]
    [InlineData("5seconds", 5_000_000_000L)]
    [InlineData("2 minutes", 120_000_000_000L)]
    [InlineData("2m", 120_000_000_000L)]
    [InlineData("1h", 3_600_000_000_000L)]
    [InlineData("3 days", 259_200_000_000_000L)]
    [InlineData("1 d", 86_400_000_000_000L)]
    [InlineData("1500us", 1_500_000L)]
    [InlineData("1500 micros", 1_500_000L)]
    [InlineData("700ns", 700L)]
    [InlineData("1.5s", 1_500_000_000L)]
    [InlineData("\"250 millis\"", 250_000_000L)]
    [InlineData("0.5", 500_000L)]
    public void Durations_follow_lightbends_units(string value, long nanos) =>
        Assert.Equal(TimeSpan.FromTicks(nanos / 100), One(value).GetDuration("v"));

    [Theory]
    [InlineData("10 MS", "unknown duration unit 'MS'")]
    [InlineData("10 weeks", "unknown duration unit 'weeks'")]
    [InlineData("ms", "no number in the duration")]
    [InlineData("1x5s", "not a number")]
    [InlineData("[1]", "expected a duration")]
    public void Bad_durations_say_what_was_expected(string value, string message)
    {
        var error = Assert.ThrowsAny<HoconException>(() => One(value).GetDuration("v"));

        Assert.Contains(message, error.Message);
        Assert.Contains("'v'", error.Message);
        Assert.StartsWith("<string>:1:", error.Message);
    }

    [Theory]
    [InlineData("512K", 524_288L)]
    [InlineData("128 KiB", 131_072L)]
    [InlineData("128 kibibytes", 131_072L)]
    [InlineData("1 kB", 1_000L)]
    [InlineData("1 kilobyte", 1_000L)]
    [InlineData("10MB", 10_000_000L)]
    [InlineData("10M", 10_485_760L)]
    [InlineData("10m", 10_485_760L)]
    [InlineData("2 Gi", 2_147_483_648L)]
    [InlineData("1 GB", 1_000_000_000L)]
    [InlineData("1 TiB", 1_099_511_627_776L)]
    [InlineData("1.5K", 1_536L)]
    [InlineData("42", 42L)]
    [InlineData("42 bytes", 42L)]
    [InlineData("7B", 7L)]
    public void Sizes_follow_lightbends_units(string value, long bytes) => Assert.Equal(bytes, One(value).GetBytes("v"));

    [Theory]
    [InlineData("5 kb", "unknown size unit 'kb'")]
    [InlineData("5 KB", "unknown size unit 'KB'")]
    [InlineData("KiB", "no number in the size")]
    [InlineData("100 EiB", "too large")]
    public void Bad_sizes_say_what_was_expected(string value, string message)
    {
        var error = Assert.ThrowsAny<HoconException>(() => One(value).GetBytes("v"));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Numbers_and_booleans_convert_from_strings()
    {
        var config = ConfigFactory.ParseString("i = \"42\", d = \"2.5\", y = yes, off = off, on = \"on\"").Resolve();

        Assert.Equal(42, config.GetInt("i"));
        Assert.Equal(2.5, config.GetDouble("d"));
        Assert.True(config.GetBool("y"));
        Assert.False(config.GetBool("off"));
        Assert.True(config.GetBool("on"));
    }

    [Fact]
    public void Wrong_types_name_the_path_position_and_expectation()
    {
        var config = ConfigFactory.ParseString("a {\n  port = eighty\n  big = 3000000000\n  obj { x = 1 }\n  n = null\n}", "test.conf").Resolve();

        var port = Assert.ThrowsAny<HoconException>(() => config.GetInt("a.port"));
        Assert.Equal("test.conf:2:10: 'a.port' has the wrong type: expected a number, found the string \"eighty\"", port.Message);
        Assert.Contains("32-bit", Assert.ThrowsAny<HoconException>(() => config.GetInt("a.big")).Message);
        Assert.Contains("expected a string, found an object", Assert.ThrowsAny<HoconException>(() => config.GetString("a.obj")).Message);
        Assert.Contains("'a.n' is set to null", Assert.ThrowsAny<HoconException>(() => config.GetString("a.n")).Message);
        Assert.Contains("expected a boolean", Assert.ThrowsAny<HoconException>(() => config.GetBool("a.port")).Message);
    }

    [Fact]
    public void Numeric_keyed_objects_read_as_lists()
    {
        var config = ConfigFactory.ParseString("l { \"1\" = b, \"0\" = a, \"10\" = c }").Resolve();

        Assert.Equal(["a", "b", "c"], config.GetStringList("l"));
    }
}
