// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ScimSync.Tool.Load;

namespace ScimSync.Tool.Tests.Load;

/// <summary>
/// The floor does the cycle's work for real, so that its share of the ceiling is a fair bound: a created user is kept
/// and found again, a PATCH changes the stored user, members must exist, pages follow creation order.
/// </summary>
public sealed class FloorCommandTests
{
    private const string Token = "floor-test-token-0123456789abcdef";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    [Fact]
    public async Task Floor_KeepsAndChangesWhatTheCycleSends()
    {
        await using var app = await TestEndpoint.StartAsync(builder => FloorCommand.Build(builder, Token));
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/scim/v2/") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("Users/x")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", Token);

        var first = await CreateAsync(client, "Users", $$$"""{"userName":"ada@example.com","title":"Engineer","emails":[{"value":"ada@example.com","type":"work"}],"{{{Enterprise}}}":{"department":"R&D"}}""");
        var second = await CreateAsync(client, "Users", """{"userName":"bob@example.com"}""");
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(client, HttpMethod.Post, "Users", """{"userName":"ADA@example.com"}""")).StatusCode);
        var group = await CreateAsync(client, "Groups", """{"displayName":"g","members":[]}""");
        Assert.Equal("User", first["meta"]!["resourceType"]!.GetValue<string>());

        var found = JsonNode.Parse(await client.GetStringAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"ADA@example.com\"")))!;
        Assert.Equal(first["id"]!.GetValue<string>(), found["Resources"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(0, JsonNode.Parse(await client.GetStringAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"nobody\"")))!["totalResults"]!.GetValue<int>());

        var patch = $$"""{"Operations":[{"op":"Replace","path":"title","value":"Lead"},{"op":"Replace","path":"emails[type eq \"work\"].value","value":"lead@example.com"},{"op":"Replace","path":"{{Enterprise}}:department","value":"Ops"},{"op":"Replace","path":"active","value":"False"}]}""";
        using var changed = await SendAsync(client, HttpMethod.Patch, "Users/" + first["id"], patch);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var stored = JsonNode.Parse(await client.GetStringAsync("Users/" + first["id"]))!;
        Assert.Equal("Lead", stored["title"]!.GetValue<string>());
        Assert.Equal("lead@example.com", stored["emails"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("Ops", stored[Enterprise]!["department"]!.GetValue<string>());
        Assert.Equal("False", stored["active"]!.GetValue<string>());

        var members = $$"""{"Operations":[{"op":"Add","path":"members","value":[{"value":"{{second["id"]}}"}]}]}""";
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(client, HttpMethod.Patch, "Groups/" + group["id"], members)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(client, HttpMethod.Patch, "Groups/" + group["id"], members.Replace(second["id"]!.GetValue<string>(), "nobody", StringComparison.Ordinal))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(client, HttpMethod.Patch, "Groups/nobody", members)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("Users/nobody")).StatusCode);

        var page = JsonNode.Parse(await client.GetStringAsync("Users?startIndex=2&count=100"))!;
        Assert.Equal(2, page["totalResults"]!.GetValue<int>());
        Assert.Equal(second["id"]!.GetValue<string>(), Assert.Single(page["Resources"]!.AsArray())!["id"]!.GetValue<string>());
    }

    private static async Task<JsonNode> CreateAsync(HttpClient client, string path, string body)
    {
        using var response = await SendAsync(client, HttpMethod.Post, path, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string body) =>
        client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/scim+json") });
}
