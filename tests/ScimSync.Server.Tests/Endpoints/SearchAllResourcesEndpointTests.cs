// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace ScimSync.Server.Tests.Endpoints;

public sealed class SearchAllResourcesEndpointTests : IAsyncLifetime
{
    private const string Search = "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:SearchRequest\"]";

    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync(scim: null, services: KeysetCursorStoreProvider.Register());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PostRootSearch_NoFilter_ReturnsUsersThenGroupsEachWithItsSchemas()
    {
        await _host.CreateUserAsync("alice");
        await _host.CreateGroupAsync("admins");

        var response = await _host.PostAsync(".search", $$"""{{{Search}}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType!.MediaType);
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", body["schemas"]![0]!.GetValue<string>());
        Assert.Equal(2, body["totalResults"]!.GetValue<int>());
        Assert.Equal(1, body["startIndex"]!.GetValue<int>());
        var resources = body["Resources"]!.AsArray();
        Assert.Equal(["User", "Group"], resources.Select(r => r!["meta"]!["resourceType"]!.GetValue<string>()));
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:User", resources[0]!["schemas"]![0]!.GetValue<string>());
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:Group", resources[1]!["schemas"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task PostRootSearch_PageAcrossTypes_ContinuesFromUsersIntoGroups()
    {
        await SeedAsync();

        var body = await SearchAsync("\"startIndex\":3,\"count\":2,\"sortBy\":\"userName\"");

        Assert.Equal(5, body["totalResults"]!.GetValue<int>());
        Assert.Equal(3, body["startIndex"]!.GetValue<int>());
        Assert.Equal(2, body["itemsPerPage"]!.GetValue<int>());
        var resources = body["Resources"]!.AsArray();
        Assert.Equal("u3", resources[0]!["userName"]!.GetValue<string>());
        Assert.Equal("Group", resources[1]!["meta"]!["resourceType"]!.GetValue<string>());

        var last = await SearchAsync("\"startIndex\":5,\"count\":10");
        Assert.Equal("Group", Assert.Single(last["Resources"]!.AsArray())!["meta"]!["resourceType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostRootSearch_FilterOnAUserAttribute_MatchesOnlyUsers()
    {
        await SeedAsync();

        var body = await SearchAsync("\"filter\":\"userName eq \\\"u2\\\"\",\"attributes\":[\"userName\"]");

        Assert.Equal(1, body["totalResults"]!.GetValue<int>());
        var user = Assert.Single(body["Resources"]!.AsArray())!;
        Assert.Equal("u2", user["userName"]!.GetValue<string>());
        Assert.Null(user["meta"]);
    }

    [Fact]
    public async Task PostRootSearch_FilterOnAnAttributeNoTypeDefines_Answers400InvalidFilter()
    {
        var response = await _host.PostAsync(".search", $$"""{{{Search}},"filter":"shoeSize eq 3"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidFilter", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostRootSearch_Cursor_WalksUsersThenGroupsOnce()
    {
        await SeedAsync();
        var seen = new List<string>();
        var cursor = string.Empty;
        for (var page = 0; page < 10; page++)
        {
            var body = await SearchAsync($"\"cursor\":\"{cursor}\",\"count\":2");
            Assert.Equal(5, body["totalResults"]!.GetValue<int>());
            seen.AddRange(body["Resources"]!.AsArray().Select(r => r!["meta"]!["resourceType"]!.GetValue<string>() + ":" + r["id"]!.GetValue<string>()));
            if (body["nextCursor"] is not JsonValue next)
            {
                break;
            }

            cursor = next.GetValue<string>();
        }

        Assert.Equal(5, seen.Distinct().Count());
        Assert.Equal(5, seen.Count);
        Assert.Equal(["User", "User", "User", "Group", "Group"], seen.Select(s => s[..s.IndexOf(':', StringComparison.Ordinal)]));
    }

    [Fact]
    public async Task PostRootSearch_WithoutSearchRequestSchema_Answers400()
    {
        var response = await _host.PostAsync(".search", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task SeedAsync()
    {
        foreach (var name in new[] { "u1", "u2", "u3" })
        {
            await _host.CreateUserAsync(name);
        }

        await _host.CreateGroupAsync("g1");
        await _host.CreateGroupAsync("g2");
    }

    private async Task<JsonObject> SearchAsync(string parameters)
    {
        var response = await _host.PostAsync(".search", $$"""{{{Search}},{{parameters}}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ScimTestHost.BodyAsync(response);
    }
}
