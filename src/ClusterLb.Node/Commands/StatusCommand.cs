using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ClusterLb.Node.Commands;

/// <summary><c>clusterlb status --admin URL</c>: asks a node's <c>/cluster/status</c> and prints the members as a table.</summary>
public static class StatusCommand
{
    /// <summary>Exit code when the node cannot be asked or refuses (not clustered, unauthorized, unreachable).</summary>
    public const int Unavailable = 3;

    /// <summary>Exit code for a malformed <c>--admin</c> URL.</summary>
    public const int BadArguments = 2;

    /// <summary>Builds the <c>status</c> command.</summary>
    public static Command Create()
    {
        var admin = new Option<string>("--admin") { Description = "The node's admin URL, e.g. http://127.0.0.1:8081/", Required = true };
        var token = new Option<string?>("--token") { Description = "Admin bearer token, needed when clusterlb.admin.protect-status = on." };
        var command = new Command("status", "Print the cluster members a node sees (GET /cluster/status on its admin listener).");
        command.Options.Add(admin);
        command.Options.Add(token);
        command.SetAction(async (parse, cancellation) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var url = parse.GetValue(admin)!;
            if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync($"--admin: '{url}' is not an http(s) URL, e.g. http://127.0.0.1:8081/").ConfigureAwait(false);
                return BadArguments;
            }
            using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
            if (parse.GetValue(token) is { Length: > 0 } bearer)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }
            try
            {
                using var response = await client.GetAsync("cluster/status", cancellation).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
                using var document = JsonDocument.Parse(text);
                if (!response.IsSuccessStatusCode)
                {
                    var reason = document.RootElement.TryGetProperty("reason", out var r) ? r.GetString() : text;
                    await error.WriteLineAsync($"{client.BaseAddress}cluster/status: {(int)response.StatusCode} {reason}").ConfigureAwait(false);
                    return Unavailable;
                }
                await output.WriteAsync(ClusterStatusTable.Format(document.RootElement)).ConfigureAwait(false);
                return 0;
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException)
            {
                await error.WriteLineAsync($"{client.BaseAddress}cluster/status: {ex.Message}").ConfigureAwait(false);
                return Unavailable;
            }
        });
        return command;
    }
}
