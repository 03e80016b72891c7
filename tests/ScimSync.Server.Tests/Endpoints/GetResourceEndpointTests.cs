// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;

namespace ScimSync.Server.Tests.Endpoints;

public sealed class GetResourceEndpointTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetUser_Existing_Returns200WithETag()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();

        var response = await _host.Client.GetAsync($"Users/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal(id, body["id"]!.GetValue<string>());
        Assert.Equal("bjensen", body["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUser_UnknownId_Returns404ScimError()
    {
        var response = await _host.Client.GetAsync("Users/does-not-exist");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal("404", body["status"]!.GetValue<string>());
        Assert.Null(body["scimType"]);
    }

    [Fact]
    public async Task GetUser_IfNoneMatchCurrentVersion_Returns304()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"Users/{id}");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));

        var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task GetUser_IfNoneMatchOldVersion_Returns200()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"Users/{id}");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0\"", isWeak: true));

        Assert.Equal(HttpStatusCode.OK, (await _host.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task GetUser_AttributesUserName_ReturnsOnlyAlwaysAndRequested()
    {
        var id = (await _host.CreateUserAsync("bjensen", ",\"title\":\"Guide\""))["id"]!.GetValue<string>();

        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync($"Users/{id}?attributes=userName"));

        Assert.Equal("bjensen", body["userName"]!.GetValue<string>());
        Assert.NotNull(body["id"]);
        Assert.Null(body["title"]);
    }

    [Fact]
    public async Task GetGroup_ExcludedAttributesMembers_OmitsMembers()
    {
        var userId = (await _host.CreateUserAsync("m"))["id"]!.GetValue<string>();
        var groupId = (await _host.CreateGroupAsync("G", userId))["id"]!.GetValue<string>();

        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync($"Groups/{groupId}?excludedAttributes=members"));
        var full = await ScimTestHost.BodyAsync(await _host.Client.GetAsync($"Groups/{groupId}"));

        Assert.Null(body["members"]);
        Assert.Equal("G", body["displayName"]!.GetValue<string>());
        Assert.Single(full["members"]!.AsArray());
    }

    [Fact]
    public async Task GetUser_BadAttributesParameter_Returns400()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();

        var response = await _host.Client.GetAsync($"Users/{id}?attributes=name..x");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("400", (await ScimTestHost.BodyAsync(response))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUser_MemberOfGroup_ReturnsReadOnlyGroupsWithRef()
    {
        var userId = (await _host.CreateUserAsync("m"))["id"]!.GetValue<string>();
        var groupId = (await _host.CreateGroupAsync("Admins", userId))["id"]!.GetValue<string>();

        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync($"Users/{userId}"));

        var group = Assert.Single(body["groups"]!.AsArray())!;
        Assert.Equal(groupId, group["value"]!.GetValue<string>());
        Assert.Equal("Admins", group["display"]!.GetValue<string>());
        Assert.Equal($"{ScimTestHost.BaseUrl}/Groups/{groupId}", group["$ref"]!.GetValue<string>());
    }
}
