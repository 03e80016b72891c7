// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Server.Tests.Endpoints;

public sealed class ReplaceResourceEndpointTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PutUser_Valid_ReplacesAttributesAndBumpsVersion()
    {
        var id = (await _host.CreateUserAsync("bjensen", ",\"title\":\"Old\""))["id"]!.GetValue<string>();
        _host.Time.Advance(TimeSpan.FromMinutes(1));

        var response = await _host.Client.PutAsync($"Users/{id}", ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","nickName":"Babs"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Null(body["title"]);
        Assert.Equal("Babs", body["nickName"]!.GetValue<string>());
        Assert.Equal("2026-03-04T05:07:07.000Z", body["meta"]!["lastModified"]!.GetValue<string>());
        Assert.Equal("2026-03-04T05:06:07.000Z", body["meta"]!["created"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutUser_IfMatchStale_Returns412AndKeepsData()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"Users/{id}")
        {
            Content = ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"changed"}"""),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "W/\"7\"");

        var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("412", (await ScimTestHost.BodyAsync(response))["status"]!.GetValue<string>());
        var current = await ScimTestHost.BodyAsync(await _host.Client.GetAsync($"Users/{id}"));
        Assert.Equal("bjensen", current["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutUser_IfMatchCurrent_Succeeds()
    {
        var id = (await _host.CreateUserAsync("bjensen"))["id"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"Users/{id}")
        {
            Content = ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"changed"}"""),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");

        Assert.Equal(HttpStatusCode.OK, (await _host.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task PutUser_UnknownId_Returns404()
    {
        var response = await _host.Client.PutAsync("Users/missing", ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task PutUser_UserNameOfAnother_Returns409()
    {
        await _host.CreateUserAsync("taken");
        var id = (await _host.CreateUserAsync("mine"))["id"]!.GetValue<string>();

        var response = await _host.Client.PutAsync($"Users/{id}", ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Taken"}"""));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("uniqueness", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }
}
