// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Server.Tests.Endpoints;

public sealed class PatchResourceEndpointTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PatchUser_EntraReplaceWithBooleanString_Returns200WithChange()
    {
        var id = (await _host.CreateUserAsync("bjensen", ",\"active\":true"))["id"]!.GetValue<string>();

        var response = await PatchAsync($"Users/{id}", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations":[{"op":"Replace","path":"active","value":"False"},
                           {"op":"Add","path":"title","value":"Guide"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());
        var body = await ScimTestHost.BodyAsync(response);
        Assert.False(body["active"]!.GetValue<bool>());
        Assert.Equal("Guide", body["title"]!.GetValue<string>());
        var stored = await ScimTestHost.BodyAsync(await _host.Client.GetAsync($"Users/{id}"));
        Assert.False(stored["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PatchUser_NoEffectiveChange_KeepsVersion()
    {
        var id = (await _host.CreateUserAsync("bjensen", ",\"title\":\"Guide\""))["id"]!.GetValue<string>();

        var response = await PatchAsync($"Users/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Guide"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task PatchUser_RemoveRequiredUserName_Returns400()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();

        var response = await PatchAsync($"Users/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"userName"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("400", (await ScimTestHost.BodyAsync(response))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task PatchUser_InvalidPath_Returns400InvalidPath()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();

        var response = await PatchAsync($"Users/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[type eq","value":"x"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidPath", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PatchUser_MalformedBody_Returns400InvalidSyntax()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();

        var response = await PatchAsync($"Users/{id}", """{"schemas":[""");

        Assert.Equal("invalidSyntax", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PatchUser_UnknownId_Returns404()
    {
        var response = await PatchAsync("Users/missing", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"x"}]}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task PatchUser_IfMatchStale_Returns412()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();

        var response = await PatchAsync($"Users/{id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"x"}]}""", ifMatch: "W/\"5\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
    }

    [Fact]
    public async Task PatchGroup_MembersAddAndRemove_UsesFastPathAndReturns204()
    {
        var a = (await _host.CreateUserAsync("a"))["id"]!.GetValue<string>();
        var b = (await _host.CreateUserAsync("b"))["id"]!.GetValue<string>();
        var groupId = (await _host.CreateGroupAsync("G", a))["id"]!.GetValue<string>();

        var add = await PatchAsync($"Groups/{groupId}", $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{b}}"}]}]}""");
        var remove = await PatchAsync($"Groups/{groupId}", $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"{{a}}\"]"}]}""", ifMatch: "W/\"2\"");

        Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);
        Assert.Equal("W/\"2\"", add.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        var group = await ScimTestHost.BodyAsync(await _host.Client.GetAsync($"Groups/{groupId}"));
        Assert.Equal([b], group["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
        Assert.Equal("W/\"3\"", group["meta"]!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task PatchGroup_AddUnknownMember_Returns400InvalidValue()
    {
        var groupId = (await _host.CreateGroupAsync("G"))["id"]!.GetValue<string>();

        var response = await PatchAsync($"Groups/{groupId}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"ghost"}]}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidValue", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PatchGroup_ReplaceDisplayNameAndMembers_UsesEngine()
    {
        var a = (await _host.CreateUserAsync("a"))["id"]!.GetValue<string>();
        var b = (await _host.CreateUserAsync("b"))["id"]!.GetValue<string>();
        var groupId = (await _host.CreateGroupAsync("G", a))["id"]!.GetValue<string>();

        var response = await PatchAsync($"Groups/{groupId}", $$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
              {"op":"replace","path":"displayName","value":"Renamed"},
              {"op":"replace","path":"members","value":[{"value":"{{b}}"}]}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal("Renamed", body["displayName"]!.GetValue<string>());
        Assert.Equal([b], body["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
    }

    private async Task<HttpResponseMessage> PatchAsync(string path, string json, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = ScimTestHost.Json(json) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await _host.Client.SendAsync(request);
    }
}
