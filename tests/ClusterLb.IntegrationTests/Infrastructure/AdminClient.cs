using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>Raw admin API calls over real HTTP: a method, a path, an optional JSON text body, an optional token.</summary>
internal sealed class AdminClient(Uri adminUrl, string? token) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = adminUrl, Timeout = TimeSpan.FromSeconds(30) };

    public async Task<AdminAnswer> SendAsync(HttpMethod method, string path, string? json = null, string contentType = "application/json", bool withToken = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (withToken && token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new AdminAnswer(
            (int)response.StatusCode,
            text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(),
            response.Content.Headers.Allow.ToArray(),
            response.Headers.Location?.ToString());
    }

    public Task<AdminAnswer> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<AdminAnswer> PostAsync(string path, string? json = null) => SendAsync(HttpMethod.Post, path, json);

    public Task<AdminAnswer> PutAsync(string path, string json) => SendAsync(HttpMethod.Put, path, json);

    public Task<AdminAnswer> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public void Dispose() => _http.Dispose();
}

/// <summary>One admin answer: status, JSON body (default when empty), Allow and Location headers.</summary>
internal sealed record AdminAnswer(int Status, JsonElement Body, string[] Allow, string? Location)
{
    public string? Str(string property) => Body.GetProperty(property).GetString();

    public override string ToString() => $"{Status} {Body}";
}
