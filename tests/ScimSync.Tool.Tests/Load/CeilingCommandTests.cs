// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using ScimSync.Tool.Load;

namespace ScimSync.Tool.Tests.Load;

/// <summary>
/// The ceiling's answers over real HTTP: with sized bodies each request of the cycle gets a body the shape and size a
/// conforming server sends (a page holds <c>count</c> full users), with minimal bodies the smallest valid ones.
/// </summary>
public sealed class CeilingCommandTests
{
    private static async Task<Ceiling> StartAsync(CeilingBodies bodies)
    {
        var app = CeilingCommand.Build("http://127.0.0.1:0", bodies);
        await app.StartAsync();
        return new Ceiling(app, new HttpClient { BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/scim/v2/") });
    }

    [Fact]
    public async Task Sized_Page_HoldsCountFullUsersWithTheirGroups()
    {
        await using var ceiling = await StartAsync(CeilingBodies.Sized);
        var client = ceiling.Client;

        var page = JsonNode.Parse(await client.GetStringAsync("Users?startIndex=201&count=100"))!;

        var users = page["Resources"]!.AsArray();
        Assert.Equal(100, users.Count);
        Assert.Equal(100, users.Select(u => u!["id"]!.GetValue<string>()).Distinct().Count());
        Assert.All(users, u =>
        {
            Assert.Equal(5, u!["groups"]!.AsArray().Count);
            Assert.NotNull(u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]);
            Assert.Equal("User", u["meta"]!["resourceType"]!.GetValue<string>());
        });
        Assert.Equal(10, JsonNode.Parse(await client.GetStringAsync("Users?startIndex=1&count=10"))!["Resources"]!.AsArray().Count);
    }

    [Fact]
    public async Task Sized_CycleRequests_GetTheirAnswers()
    {
        await using var ceiling = await StartAsync(CeilingBodies.Sized);
        var client = ceiling.Client;

        using var created = await client.PostAsJsonAsync("Users", new { userName = "x" });
        using var lookup = await client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"x\""));
        using var members = await client.PatchAsJsonAsync("Groups/g", new { Operations = Array.Empty<object>() });
        var user = JsonNode.Parse(await client.GetStringAsync("Users/u"))!;
        var group = JsonNode.Parse(await client.GetStringAsync("Groups/g?excludedAttributes=members"))!;

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Null(JsonNode.Parse(await created.Content.ReadAsStringAsync())!["groups"]);
        Assert.Equal(0, JsonNode.Parse(await lookup.Content.ReadAsStringAsync())!["totalResults"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NoContent, members.StatusCode);
        Assert.Equal(5, user["groups"]!.AsArray().Count);
        Assert.Equal("Group", group["meta"]!["resourceType"]!.GetValue<string>());
        Assert.Null(group["members"]);
    }

    [Fact]
    public async Task Minimal_Page_IsAnEmptyList()
    {
        await using var ceiling = await StartAsync(CeilingBodies.Minimal);
        var client = ceiling.Client;

        var page = JsonNode.Parse(await client.GetStringAsync("Users?startIndex=1&count=100"))!;

        Assert.Empty(page["Resources"]!.AsArray());
        Assert.Equal("ceiling", JsonNode.Parse(await client.GetStringAsync("Users/u"))!["userName"]!.GetValue<string>());
    }

    // A running ceiling and a client of its SCIM base URL, disposed together.
    private sealed class Ceiling(WebApplication app, HttpClient client) : IAsyncDisposable
    {
        public HttpClient Client { get; } = client;

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.DisposeAsync();
        }
    }
}
