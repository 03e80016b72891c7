// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using ScimSync.MicrosoftGraph.Emulator;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace ScimSync.MicrosoftGraph.Tests.Emulator;

/// <summary>The emulator over raw HTTP: the shapes a Graph client relies on.</summary>
public sealed class GraphEmulatorContractTests
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task Token_WithSecret_ReturnsBearerToken()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var (status, body) = await TokenAsync(graph, GraphTestKit.Secret);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", (string?)body["token_type"]);
        Assert.Equal(3600, (long)body["expires_in"]!);
        Assert.False(string.IsNullOrEmpty((string?)body["access_token"]));
        Assert.Equal(1, graph.TokenRequests);
    }

    [Fact]
    public async Task Token_OverHttpsWithTheEmulatorsCertificate_ReturnsBearerToken()
    {
        await using var graph = await GraphTestKit.StartAsync();
        using var https = new HttpClient(graph.CreateHttpHandler());
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = GraphTestKit.ClientId,
            ["client_secret"] = GraphTestKit.Secret,
            ["scope"] = "https://graph.microsoft.com/.default",
            ["grant_type"] = "client_credentials",
        });

        using var response = await https.PostAsync(new Uri(graph.AuthorityHost, graph.TenantId + "/oauth2/v2.0/token"), content);

        Assert.Equal(Uri.UriSchemeHttps, graph.AuthorityHost.Scheme);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]);
    }

    [Fact]
    public async Task Token_WrongSecret_Returns401InvalidClientWithAadstsBody()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var (status, body) = await TokenAsync(graph, "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", (string?)body["error"]);
        Assert.StartsWith("AADSTS7000215:", (string?)body["error_description"], StringComparison.Ordinal);
        Assert.Equal(7000215, (int)body["error_codes"]![0]!);
        Assert.NotNull(body["trace_id"]);
        Assert.NotNull(body["correlation_id"]);
    }

    [Fact]
    public async Task Graph_WithoutToken_Returns401WithGraphErrorBody()
    {
        await using var graph = await GraphTestKit.StartAsync();
        using var response = await Http.GetAsync(new Uri(graph.GraphBaseAddress + "/users/delta"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("InvalidAuthenticationToken", (string?)body["error"]!["code"]);
        Assert.NotNull(body["error"]!["message"]);
        Assert.NotNull(body["error"]!["innerError"]!["request-id"]);
        Assert.NotNull(body["error"]!["innerError"]!["date"]);
    }

    [Fact]
    public async Task Graph_TokenPastItsLifetime_Returns401()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-05T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var graph = await GraphTestKit.StartAsync(time);
        graph.TokenLifetime = TimeSpan.FromMinutes(10);
        var token = (string)(await TokenAsync(graph, GraphTestKit.Secret)).Body["access_token"]!;
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(graph, token, "/users/delta")).Status);
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(graph, token, "/users/delta")).Status);
    }

    [Fact]
    public async Task UsersDelta_SmallTop_PagesWithNextLinkThenDeltaLink()
    {
        await using var graph = await GraphTestKit.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            graph.AddUser($"u{i}@contoso.example", $"User {i}", properties: new JsonObject { ["jobTitle"] = "Engineer" });
        }

        var token = await AccessTokenAsync(graph);
        var (_, first) = await GetAsync(graph, token, "/users/delta?$select=displayName,userPrincipalName&$top=2");
        Assert.Equal(2, first["value"]!.AsArray().Count);
        Assert.Null(first["@odata.deltaLink"]);
        var user = first["value"]![0]!.AsObject();
        Assert.Equal(["id", "displayName", "userPrincipalName"], user.Select(p => p.Key));
        var (_, second) = await GetAbsoluteAsync(token, (string)first["@odata.nextLink"]!);
        Assert.Single(second["value"]!.AsArray());
        Assert.Null(second["@odata.nextLink"]);
        Assert.StartsWith(graph.GraphBaseAddress + "/users/delta?$deltatoken=", (string?)second["@odata.deltaLink"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersDelta_NextRound_ReturnsOnlyChangedPropertiesAndRemovals()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var ada = graph.AddUser("ada@contoso.example", "Ada", properties: new JsonObject { ["jobTitle"] = "Engineer" });
        var bob = graph.AddUser("bob@contoso.example", "Bob");
        var cy = graph.AddUser("cy@contoso.example", "Cy");
        graph.AddUser("dee@contoso.example", "Dee");
        var token = await AccessTokenAsync(graph);
        var (_, round) = await GetAsync(graph, token, "/users/delta?$select=displayName,jobTitle,userPrincipalName");
        graph.UpdateUser(ada, "jobTitle", "Architect");
        graph.DeleteUser(bob);
        graph.DeleteUser(cy, permanently: true);

        var (_, changes) = await GetAbsoluteAsync(token, (string)round["@odata.deltaLink"]!);
        var value = changes["value"]!.AsArray().Select(v => v!.AsObject()).ToDictionary(v => (string)v["id"]!);
        Assert.Equal(3, value.Count);
        Assert.Equal(["id", "jobTitle"], value[ada].Select(p => p.Key));
        Assert.Equal("changed", (string?)value[bob]["@removed"]!["reason"]);
        Assert.Equal("deleted", (string?)value[cy]["@removed"]!["reason"]);
    }

    [Fact]
    public async Task GroupsDelta_GroupLargerThanPage_SpreadsMembersOverPages()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var group = graph.AddGroup("Big");
        for (var i = 0; i < 5; i++)
        {
            graph.AddMember(group, graph.AddUser($"m{i}@contoso.example"));
        }

        var token = await AccessTokenAsync(graph);
        var (_, page) = await GetAsync(graph, token, "/groups/delta?$select=displayName,members&$top=2");
        Assert.Equal("Big", (string?)page["value"]![0]!["displayName"]);
        var pages = 1;
        var members = page["value"]!.AsArray().Sum(g => g!["members@delta"]!.AsArray().Count);
        while (page["@odata.nextLink"] is { } next)
        {
            (_, page) = await GetAbsoluteAsync(token, (string)next!);
            members += page["value"]!.AsArray().Sum(g => g!["members@delta"]!.AsArray().Count);
            pages++;
        }

        Assert.Equal(5, members);
        Assert.Equal(2, pages);
    }

    [Fact]
    public async Task Throttle_Answers429WithRetryAfterThenRecovers()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var token = await AccessTokenAsync(graph);
        graph.Throttle(1, TimeSpan.FromSeconds(3));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(graph.GraphBaseAddress + "/users/delta"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.Equal("TooManyRequests", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(graph, token, "/users/delta")).Status);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "syncStateNotFound")]
    [InlineData(HttpStatusCode.Gone, "resyncRequired")]
    public async Task ExpireDeltaTokens_OldDeltaLink_AnswersResyncError(HttpStatusCode status, string code)
    {
        await using var graph = await GraphTestKit.StartAsync();
        var token = await AccessTokenAsync(graph);
        var (_, round) = await GetAsync(graph, token, "/users/delta");
        graph.ExpireDeltaTokens(status);
        var (actual, body) = await GetAbsoluteAsync(token, (string)round["@odata.deltaLink"]!);
        Assert.Equal(status, actual);
        Assert.Equal(code, (string?)body["error"]!["code"]);
    }

    [Fact]
    public async Task UsersFilter_ByUserPrincipalNameWithQuote_FindsUser()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var id = graph.AddUser("o'neil@contoso.example");
        var token = await AccessTokenAsync(graph);
        var (_, body) = await GetAsync(graph, token, "/users?$filter=" + Uri.EscapeDataString("userPrincipalName eq 'o''neil@contoso.example'"));
        Assert.Equal(id, (string?)body["value"]![0]!["id"]);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(graph, token, "/users/nobody@contoso.example")).Status);
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> TokenAsync(GraphEmulator graph, string secret)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = GraphTestKit.ClientId,
            ["client_secret"] = secret,
            ["scope"] = "https://graph.microsoft.com/.default",
            ["grant_type"] = "client_credentials",
        });
        using var response = await Http.PostAsync(new Uri(graph.BaseAddress, graph.TenantId + "/oauth2/v2.0/token"), content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private static async Task<string> AccessTokenAsync(GraphEmulator graph) => (string)(await TokenAsync(graph, GraphTestKit.Secret)).Body["access_token"]!;

    private static Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(GraphEmulator graph, string token, string pathAndQuery) =>
        GetAbsoluteAsync(token, graph.GraphBaseAddress + pathAndQuery);

    private static async Task<(HttpStatusCode Status, JsonObject Body)> GetAbsoluteAsync(string token, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}
