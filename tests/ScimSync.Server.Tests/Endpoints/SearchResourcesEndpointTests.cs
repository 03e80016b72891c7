// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Server.Tests.Endpoints;

public sealed class SearchResourcesEndpointTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PostSearch_FilterAndAttributes_ReturnsProjectedMatches()
    {
        await _host.CreateUserAsync("alice", ",\"title\":\"Engineer\"");
        await _host.CreateUserAsync("bob", ",\"title\":\"Manager\"");

        var response = await _host.PostAsync("Users/.search", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
             "filter":"title eq \"Engineer\"","attributes":["userName"],"startIndex":1,"count":10}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal(1, body["totalResults"]!.GetValue<int>());
        var user = body["Resources"]![0]!;
        Assert.Equal("alice", user["userName"]!.GetValue<string>());
        Assert.Null(user["title"]);
    }

    [Fact]
    public async Task PostSearch_MissingSearchRequestSchema_Returns400()
    {
        var response = await _host.PostAsync("Groups/.search", """{"filter":"displayName eq \"x\""}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidValue", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostSearch_MalformedBody_Returns400InvalidSyntax()
    {
        var response = await _host.PostAsync("Users/.search", "{not json");

        Assert.Equal("invalidSyntax", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }
}
