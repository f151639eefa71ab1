using System.Text.Json;

namespace ClusterLb.Node.Tests;

public sealed class ConfigCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "clusterlb-cli-" + Guid.NewGuid().ToString("N"));

    public ConfigCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Show_without_defaults_or_environment_prints_exactly_the_files_resolved_tree()
    {
        var file = Write("node.conf", "base = 10\na { port = ${base}, list = [1, 2] }\nhome = ${?HOME}\n");

        var result = CliRunner.InProcess("config", "show", "--config", file, "--no-defaults", "--no-env");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("""{"base":10,"a":{"port":10,"list":[1,2]}}""", JsonSerializer.Serialize(json.RootElement));
    }

    [Fact]
    public void Show_layers_the_file_over_reference_conf_and_environment_overrides_on_top()
    {
        var variable = "CLUSTERLB_TEST_" + Guid.NewGuid().ToString("N");
        var id = Guid.NewGuid().ToString("N")[..8];
        var force = $"CONFIG_FORCE_clusterlbtest_{id}_key";
        var file = Write("node.conf", $"clusterlb.node.name = from-file\nfrom-env = ${{?{variable}}}\n");
        Environment.SetEnvironmentVariable(variable, "env-value");
        Environment.SetEnvironmentVariable(force, "forced");
        try
        {
            var result = CliRunner.InProcess("config", "show", "--config", file);

            Assert.Equal(0, result.ExitCode);
            using var json = JsonDocument.Parse(result.Output);
            var root = json.RootElement;
            Assert.Equal("from-file", root.GetProperty("clusterlb").GetProperty("node").GetProperty("name").GetString());
            Assert.Equal(".data", root.GetProperty("clusterlb").GetProperty("node").GetProperty("data-dir").GetString());
            Assert.Equal("env-value", root.GetProperty("from-env").GetString());
            Assert.Equal("forced", root.GetProperty("clusterlbtest").GetProperty(id).GetProperty("key").GetString());

            var isolated = CliRunner.InProcess("config", "show", "--config", file, "--no-env");
            using var isolatedJson = JsonDocument.Parse(isolated.Output);
            Assert.False(isolatedJson.RootElement.TryGetProperty("from-env", out _));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            Environment.SetEnvironmentVariable(force, null);
        }
    }

    [Fact]
    public void Check_exits_zero_for_a_valid_file()
    {
        var file = Write("ok.conf", "clusterlb.node.name = n1\n");

        var result = CliRunner.InProcess("config", "check", "--config", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        Assert.Contains("configuration is valid", result.Output);
    }

    [Theory]
    [InlineData("a = 1\nb = [1,,2]\n", 2, 8, "unexpected second ','")]
    [InlineData("a {\n  b = ${missing.key}\n}\n", 2, 7, "could not resolve substitution ${missing.key}")]
    public void Check_prints_file_line_column_and_exits_two_for_an_invalid_file(string text, int line, int column, string what)
    {
        var file = Write("bad.conf", text);

        var result = CliRunner.InProcess("config", "check", "--config", file, "--no-env");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        var message = result.Error.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', message);
        Assert.StartsWith($"{file}:{line}:{column}: ", message);
        Assert.Contains(what, message);
    }

    [Fact]
    public void Check_validates_setting_values_and_prints_one_located_line_per_error()
    {
        var file = Write("semantic.conf", """
            clusterlb {
              admin.port = 70000
              persistence.provider = mongodb
              services.web.pools = [
                { hosts = [ { address = "http://127.0.0.1:9", weight = -1 } ] }
              ]
            }
            """);

        var result = CliRunner.InProcess("config", "check", "--config", file, "--no-env");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith($"{file}:2:") && l.Contains("clusterlb.admin.port") && l.Contains("70000"));
        Assert.Contains(lines, l => l.StartsWith($"{file}:3:") && l.Contains("provider") && l.Contains("mongodb"));
        Assert.Contains(lines, l => l.StartsWith($"{file}:5:") && l.Contains("weight"));
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void The_admin_token_defaults_to_empty_and_CLUSTERLB_ADMIN_TOKEN_overrides_it()
    {
        var file = Write("token.conf", "clusterlb.node.name = n1\n");
        static string Token(CliRunner.Result r) =>
            JsonDocument.Parse(r.Output).RootElement.GetProperty("clusterlb").GetProperty("admin").GetProperty("token").GetString()!;

        Assert.Equal("", Token(CliRunner.InProcess("config", "show", "--config", file, "--no-env")));
        Environment.SetEnvironmentVariable("CLUSTERLB_ADMIN_TOKEN", "from-env");
        try
        {
            Assert.Equal("from-env", Token(CliRunner.InProcess("config", "show", "--config", file, "--show-secrets")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CLUSTERLB_ADMIN_TOKEN", null);
        }
    }

    [Fact]
    public void Show_masks_secrets_tokens_and_passwords_unless_asked_to_show_them()
    {
        var file = Write("secrets.conf", """
            clusterlb.admin.token = "admin-token-value"
            clusterlb.remote.secret = "cluster-secret-value"
            clusterlb.persistence.postgresql.connection-string = "Host=db;Password=pw-value"
            clusterlb.node.name = visible-name
            """);

        var masked = CliRunner.InProcess("config", "show", "--config", file, "--no-env");
        Assert.Equal(0, masked.ExitCode);
        foreach (var secret in new[] { "admin-token-value", "cluster-secret-value", "pw-value" })
        {
            Assert.DoesNotContain(secret, masked.Output);
        }
        var root = JsonDocument.Parse(masked.Output).RootElement.GetProperty("clusterlb");
        Assert.Equal("<redacted>", root.GetProperty("admin").GetProperty("token").GetString());
        Assert.Equal("<redacted>", root.GetProperty("remote").GetProperty("secret").GetString());
        Assert.Equal("visible-name", root.GetProperty("node").GetProperty("name").GetString());

        var clear = CliRunner.InProcess("config", "show", "--config", file, "--no-env", "--show-secrets");
        Assert.Contains("cluster-secret-value", clear.Output);
    }

    [Fact]
    public void Check_rejects_a_cluster_load_stale_after_not_longer_than_its_interval()
    {
        var file = Write("load.conf", "clusterlb.cluster-load {\n  interval = 2s\n  stale-after = 2s\n}\n");

        var result = CliRunner.InProcess("config", "check", "--config", file, "--no-env");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{file}:3:", line);
        Assert.Contains("clusterlb.cluster-load.stale-after", line);
    }

    [Fact]
    public void Check_rejects_protect_status_without_a_token()
    {
        var file = Write("status.conf", "clusterlb.admin.protect-status = on\n");

        var result = CliRunner.InProcess("config", "check", "--config", file, "--no-env");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{file}:1:", line);
        Assert.Contains("clusterlb.admin.token", line);
    }

    [Fact]
    public void A_missing_file_is_a_one_line_error_with_exit_code_two()
    {
        var missing = Path.Combine(_dir, "missing.conf");

        var result = CliRunner.InProcess("config", "show", "--config", missing);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"{missing}: cannot read configuration file: Could not find file '{missing}'.", result.Error.TrimEnd());
    }

    [Fact]
    public void The_executable_with_no_arguments_prints_help_without_a_stack_trace()
    {
        var result = CliRunner.Executable();

        Assert.Contains("Usage:", result.Output);
        Assert.Contains("config", result.Output);
        Assert.DoesNotContain("Exception", result.Output + result.Error);
        Assert.DoesNotContain("   at ", result.Output + result.Error);
    }

    [Fact]
    public void The_executable_help_exits_zero()
    {
        var result = CliRunner.Executable("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Output);
    }

    [Fact]
    public void The_executable_reports_a_missing_config_file_in_one_line_with_exit_code_two()
    {
        var missing = Path.Combine(_dir, "missing.conf");

        var result = CliRunner.Executable("config", "check", "--config", missing);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void The_executable_finds_reference_conf_next_to_itself()
    {
        var result = CliRunner.Executable("config", "show", "--no-env");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("clusterlb-node", json.RootElement.GetProperty("clusterlb").GetProperty("node").GetProperty("name").GetString());
    }
}
