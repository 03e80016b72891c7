// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Server.Tests.Endpoints;

public sealed class CreateResourceEndpointTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PostUser_Valid_Returns201WithLocationETagAndMeta()
    {
        var response = await _host.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"USERNAME":"bjensen@example.com","id":"client-chosen","active":"True","name":{"givenName":"Barbara"}}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType!.MediaType);
        var body = await ScimTestHost.BodyAsync(response);
        var id = body["id"]!.GetValue<string>();
        Assert.NotEqual("client-chosen", id);
        Assert.Equal($"{ScimTestHost.BaseUrl}/Users/{id}", response.Headers.Location!.ToString());
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.Equal("bjensen@example.com", body["userName"]!.GetValue<string>());
        Assert.True(body["active"]!.GetValue<bool>());
        var meta = body["meta"]!;
        Assert.Equal("User", meta["resourceType"]!.GetValue<string>());
        Assert.Equal("2026-03-04T05:06:07.000Z", meta["created"]!.GetValue<string>());
        Assert.Equal(meta["created"]!.GetValue<string>(), meta["lastModified"]!.GetValue<string>());
        Assert.Equal(response.Headers.Location.ToString(), meta["location"]!.GetValue<string>());
        Assert.Equal("W/\"1\"", meta["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostUser_PasswordGiven_IsNeverReturned()
    {
        var body = await _host.CreateUserAsync("pw", ",\"password\":\"s3cret!\"");

        Assert.Null(body["password"]);
    }

    [Fact]
    public async Task PostUser_DuplicateUserNameInOtherCase_Returns409Uniqueness()
    {
        await _host.CreateUserAsync("bjensen");

        var response = await _host.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"BJENSEN"}""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", body["schemas"]![0]!.GetValue<string>());
        Assert.Equal("409", body["status"]!.GetValue<string>());
        Assert.Equal("uniqueness", body["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostUser_MalformedJson_Returns400InvalidSyntax()
    {
        var response = await _host.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("invalidSyntax", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostUser_MissingUserName_Returns400InvalidValue()
    {
        var response = await _host.PostAsync("Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"displayName":"x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidValue", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostUser_PlainApplicationJson_IsAccepted()
    {
        var response = await _host.Client.PostAsync("Users", ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a"}""", "application/json"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task PostUser_TextPlain_Returns415ScimError()
    {
        var response = await _host.Client.PostAsync("Users", ScimTestHost.Json("""{"userName":"a"}""", "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("415", (await ScimTestHost.BodyAsync(response))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostGroup_WithMembers_ReturnsMembersWithTypeAndRef()
    {
        var user = await _host.CreateUserAsync("member");
        var userId = user["id"]!.GetValue<string>();

        var group = await _host.CreateGroupAsync("Admins", userId);

        var member = group["members"]![0]!;
        Assert.Equal(userId, member["value"]!.GetValue<string>());
        Assert.Equal("User", member["type"]!.GetValue<string>());
        Assert.Equal($"{ScimTestHost.BaseUrl}/Users/{userId}", member["$ref"]!.GetValue<string>());
        Assert.Equal("Group", group["meta"]!["resourceType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostGroup_UnknownMember_Returns400InvalidValue()
    {
        var response = await _host.PostAsync("Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[{"value":"ghost"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidValue", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostUser_BodyOverLimit_Returns413ScimError()
    {
        await using var host = await ScimTestHost.StartAsync(o => o.MaxRequestBodySize = 1024);
        var padding = new string('x', 2048);

        var response = await host.PostAsync("Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"big","title":"{{padding}}"}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("413", (await ScimTestHost.BodyAsync(response))["status"]!.GetValue<string>());
    }
}
