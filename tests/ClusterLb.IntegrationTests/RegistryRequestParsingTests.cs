using System.Text;
using System.Text.Json;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;
using ClusterLb.Proxy.Admin.Registry;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.IntegrationTests;

/// <summary>Admin request bodies to registry commands, and every refusal naming its field, without sockets.</summary>
public sealed class RegistryRequestParsingTests
{
    [Fact]
    public void A_complete_create_pool_body_becomes_the_command()
    {
        var command = RegistryCommandParser.CreatePool(Body("""{"id":"blue","service":"web","method":"random","priority":2}"""));

        Assert.Equal(new CreatePool("blue", "web", BalancingMethod.Random, 2), command);
    }

    [Fact]
    public void Add_host_defaults_the_weight_to_one_and_keeps_the_address()
    {
        var command = RegistryCommandParser.AddHost("blue", Body("""{"id":"b1","address":"http://127.0.0.1:8081"}"""));

        Assert.Equal("blue", command.PoolId);
        Assert.Equal("b1", command.Id);
        Assert.Equal(new Uri("http://127.0.0.1:8081"), command.Address);
        Assert.Equal(1, command.Weight);
    }

    [Fact]
    public void Update_pool_keeps_what_is_not_given()
    {
        Assert.Equal(new UpdatePool("blue", null, 7), RegistryCommandParser.UpdatePool("blue", Body("""{"priority":7}""")));
        Assert.Equal(new UpdatePool("blue", BalancingMethod.RoundRobin, null), RegistryCommandParser.UpdatePool("blue", Body("""{"method":"round-robin"}""")));
    }

    [Fact]
    public void Update_host_takes_the_weight() =>
        Assert.Equal(new UpdateHost("blue", "b1", 1000), RegistryCommandParser.UpdateHost("blue", "b1", Body("""{"weight":1000}""")));

    [Theory]
    [InlineData("""{"service":"web","method":"random","priority":0}""", "id", "required")]
    [InlineData("""{"id":"p","method":"random","priority":0}""", "service", "required")]
    [InlineData("""{"id":"p","service":"web","priority":0}""", "method", "required")]
    [InlineData("""{"id":"p","service":"web","method":"random"}""", "priority", "required")]
    [InlineData("""{"id":5,"service":"web","method":"random","priority":0}""", "id", "must be a string (was a number)")]
    [InlineData("""{"id":null,"service":"web","method":"random","priority":0}""", "id", "must be a string (was null)")]
    [InlineData("""{"id":"p","service":" ","method":"random","priority":0}""", "service", "must not be empty")]
    [InlineData("""{"id":"p","service":"web","method":"fastest","priority":0}""", "method", "'p2c', 'peak-ewma', 'ip-hash' or 'hash' (was 'fastest')")]
    [InlineData("""{"id":"p","service":"web","method":"random","priority":"1"}""", "priority", "must be an integer (was a string)")]
    [InlineData("""{"id":"p","service":"web","method":"random","priority":1.5}""", "priority", "must be an integer (was 1.5)")]
    [InlineData("""{"id":"p","service":"web","method":"random","priority":99999999999}""", "priority", "must be an integer")]
    [InlineData("""{"id":"p","service":"web","method":"random","priority":0,"hosts":[]}""", "hosts", "unknown field 'hosts'")]
    [InlineData("""{"id":"p","ID":"q","service":"web","method":"random","priority":0}""", "ID", "unknown field 'ID'")]
    [InlineData("""{"id":"p","id":"q","service":"web","method":"random","priority":0}""", "id", "more than once")]
    public void Bad_create_pool_bodies_name_the_field(string json, string field, string reason) =>
        AssertInvalid(() => RegistryCommandParser.CreatePool(Body(json)), field, reason);

    [Theory]
    [InlineData("""{"address":"http://a:1","weight":1}""", "id", "required")]
    [InlineData("""{"id":"h","weight":1}""", "address", "required")]
    [InlineData("""{"id":"h","address":"ftp://a:1"}""", "address", "absolute http:// or https:// URL")]
    [InlineData("""{"id":"h","address":"/relative"}""", "address", "absolute http:// or https:// URL")]
    [InlineData("""{"id":"h","address":"not a url"}""", "address", "absolute http:// or https:// URL")]
    [InlineData("""{"id":"h","address":"http://a:1","weight":true}""", "weight", "(was a boolean)")]
    [InlineData("""{"id":"h","address":"http://a:1","weight":"2"}""", "weight", "must be an integer (was a string)")]
    [InlineData("""{"id":"h","address":"http://a:1","wieght":2}""", "wieght", "unknown field 'wieght'; expected only id, address, weight")]
    public void Bad_add_host_bodies_name_the_field(string json, string field, string reason) =>
        AssertInvalid(() => RegistryCommandParser.AddHost("p", Body(json)), field, reason);

    [Theory]
    [InlineData("{}", "body", "nothing to change")]
    [InlineData("""{"method":"x"}""", "method", "'round-robin', 'random', 'least-request', 'p2c', 'peak-ewma', 'ip-hash' or 'hash'")]
    [InlineData("""{"priority":[]}""", "priority", "(was an array)")]
    [InlineData("""{"id":"other"}""", "id", "unknown field 'id'")]
    public void Bad_update_pool_bodies_name_the_field(string json, string field, string reason) =>
        AssertInvalid(() => RegistryCommandParser.UpdatePool("p", Body(json)), field, reason);

    [Theory]
    [InlineData("{}", "weight", "required")]
    [InlineData("""{"weight":2,"address":"http://a:1"}""", "address", "unknown field")]
    [InlineData("""{"weight":2.5}""", "weight", "must be an integer (was 2.5)")]
    public void Bad_update_host_bodies_name_the_field(string json, string field, string reason) =>
        AssertInvalid(() => RegistryCommandParser.UpdateHost("p", "h", Body(json)), field, reason);

    [Fact]
    public void Commands_without_fields_accept_no_body_or_an_empty_object_only()
    {
        RegistryCommandParser.NoFields(null);
        RegistryCommandParser.NoFields(Body("{}"));
        AssertInvalid(() => RegistryCommandParser.NoFields(Body("""{"force":true}""")), "force", "this request takes no fields");
    }

    [Theory]
    [InlineData("{", "malformed JSON")]
    [InlineData("""{"id":"a",}""", "malformed JSON")]
    [InlineData("""{"id":"a"} trailing""", "malformed JSON")]
    [InlineData("[1,2]", "must be a JSON object (was an array)")]
    [InlineData("\"text\"", "must be a JSON object (was a string)")]
    [InlineData("null", "must be a JSON object (was null)")]
    public void Malformed_or_non_object_bodies_are_refused_as_body(string json, string reason) =>
        AssertInvalid(() => JsonBodyReader.Parse(Encoding.UTF8.GetBytes(json)).Dispose(), "body", reason);

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xFF, (byte)'"', (byte)'}' }, 6)]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xC0, 0xAF, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, 2)]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xE2, 0x82, (byte)'"', (byte)'}' }, 6)]
    public void Invalid_utf8_is_refused_as_body_with_its_offset(byte[] body, int offset) =>
        AssertInvalid(() => JsonBodyReader.Parse(body).Dispose(), "body", $"not valid UTF-8 (invalid byte sequence at offset {offset})");

    [Fact]
    public async Task A_body_over_the_limit_is_413_even_without_content_length()
    {
        var request = Request(new string(' ', JsonBodyReader.MaxBodyBytes) + "{}", contentType: "application/json", declareLength: false);

        var refused = await Assert.ThrowsAsync<AdminRequestException>(() => JsonBodyReader.ReadAsync(request, required: true, CancellationToken.None));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, refused.Status);
        Assert.Equal("body", refused.Field);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_413_before_reading()
    {
        var request = Request("{}", contentType: "application/json", declareLength: false);
        request.ContentLength = JsonBodyReader.MaxBodyBytes + 1;

        var refused = await Assert.ThrowsAsync<AdminRequestException>(() => JsonBodyReader.ReadAsync(request, required: true, CancellationToken.None));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, refused.Status);
        Assert.Equal(0, request.Body.Position);
    }

    [Fact]
    public async Task A_body_of_exactly_the_limit_is_read()
    {
        var json = "{}" + new string(' ', JsonBodyReader.MaxBodyBytes - 2);

        using var document = await JsonBodyReader.ReadAsync(Request(json, "application/json"), required: true, CancellationToken.None);

        Assert.Equal(JsonValueKind.Object, document!.RootElement.ValueKind);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_non_json_content_type_is_415(string contentType)
    {
        var refused = await Assert.ThrowsAsync<AdminRequestException>(() => JsonBodyReader.ReadAsync(Request("{}", contentType), required: true, CancellationToken.None));

        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, refused.Status);
        Assert.Contains(contentType, refused.Reason);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/merge-patch+json")]
    [InlineData(null)]
    public async Task Json_content_types_and_none_are_accepted(string? contentType)
    {
        using var document = await JsonBodyReader.ReadAsync(Request("""{"weight":2}""", contentType), required: true, CancellationToken.None);

        Assert.Equal(2, document!.RootElement.GetProperty("weight").GetInt32());
    }

    [Fact]
    public async Task An_empty_body_is_refused_only_where_one_is_required()
    {
        Assert.Null(await JsonBodyReader.ReadAsync(Request("", null), required: false, CancellationToken.None));
        var refused = await Assert.ThrowsAsync<AdminRequestException>(() => JsonBodyReader.ReadAsync(Request("", null), required: true, CancellationToken.None));
        Assert.Equal(("body", 400), (refused.Field, refused.Status));
    }

    [Theory]
    [InlineData("create", "pool-create", "blue", "service=web method=random priority=2 consistency=majority")]
    [InlineData("update-pool", "pool-update", "blue", "priority=3 consistency=local")]
    [InlineData("add", "host-add", "blue/b1", "address=http://127.0.0.1:9/ weight=4 consistency=majority")]
    [InlineData("update-host", "host-update", "blue/b1", "weight=5 consistency=majority")]
    [InlineData("remove", "host-remove", "blue/b1", "consistency=majority")]
    [InlineData("down", "host-down", "blue/b1", "consistency=majority")]
    [InlineData("drain", "host-drain", "blue/b1", "consistency=majority")]
    [InlineData("delete", "pool-delete", "blue", "consistency=majority")]
    public void Audit_entries_name_the_action_the_target_and_the_fields(string which, string action, string target, string detail)
    {
        RegistryCommand command = which switch
        {
            "create" => new CreatePool("blue", "web", BalancingMethod.Random, 2),
            "update-pool" => new UpdatePool("blue", null, 3),
            "add" => new AddHost("blue", "b1", new Uri("http://127.0.0.1:9"), 4),
            "update-host" => new UpdateHost("blue", "b1", 5),
            "remove" => new RemoveHost("blue", "b1"),
            "down" => new SetHostState("blue", "b1", HostAdminState.Down),
            "drain" => new SetHostState("blue", "b1", HostAdminState.Drain),
            _ => new DeletePool("blue"),
        };

        var entry = RegistryAudit.Of(command, which == "update-pool" ? "local" : "majority");

        Assert.Equal(new RegistryAudit(action, target, detail), entry);
    }

    private static JsonElement Body(string json) => JsonDocument.Parse(json).RootElement;

    private static void AssertInvalid(Action parse, string field, string reason)
    {
        var refused = Assert.Throws<AdminRequestException>(parse);
        Assert.Equal(StatusCodes.Status400BadRequest, refused.Status);
        Assert.Equal("invalid", refused.Error);
        Assert.Equal(field, refused.Field);
        Assert.Contains(reason, refused.Reason);
    }

    private static HttpRequest Request(string body, string? contentType, bool declareLength = true)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentType = contentType;
        if (declareLength)
        {
            context.Request.ContentLength = bytes.Length;
        }
        return context.Request;
    }
}
