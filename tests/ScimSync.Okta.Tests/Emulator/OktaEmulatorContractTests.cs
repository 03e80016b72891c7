// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ScimSync.Okta.Internal;

namespace ScimSync.Okta.Tests.Emulator;

/// <summary>The emulator's answers over raw HTTP: what the connector relies on, checked without the connector.</summary>
public sealed class OktaEmulatorContractTests
{
    [Fact]
    public async Task ListUsers_WithoutToken_Answers401WithOktaErrorBody()
    {
        await using var org = await OktaTestOrg.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(org.Emulator.OrgUrl, "/api/v1/users"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("E0000011", body["errorCode"]!.GetValue<string>());
        Assert.Equal("Invalid token provided", body["errorSummary"]!.GetValue<string>());
        Assert.NotNull(body["errorId"]);
        Assert.IsType<JsonArray>(body["errorCauses"]);
    }

    [Fact]
    public async Task ListUsers_SmallLimit_PagesWithLinkHeadersToTheEnd()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var ids = Enumerable.Range(0, 5).Select(i => org.Emulator.AddUser($"user{i}@example.com")).ToList();
        using var http = Client();

        var seen = new List<string>();
        Uri? next = new(org.Emulator.OrgUrl, "/api/v1/users?limit=2");
        var pages = 0;
        while (next is not null)
        {
            using var response = await http.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
            Assert.True(page.Count <= 2);
            seen.AddRange(page.Select(u => u!["id"]!.GetValue<string>()));
            var links = response.Headers.GetValues("Link").ToList();
            Assert.Contains(links, l => l.EndsWith("rel=\"self\"", StringComparison.Ordinal));
            var nextLink = links.FirstOrDefault(l => l.EndsWith("rel=\"next\"", StringComparison.Ordinal));
            next = nextLink is null ? null : new Uri(nextLink[1..nextLink.IndexOf('>', StringComparison.Ordinal)]);
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task ListUsers_PlainList_LeavesOutDeprovisioned_SearchFindsThem()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var active = org.Emulator.AddUser("active@example.com");
        var gone = org.Emulator.AddUser("gone@example.com");
        org.Emulator.DeactivateUser(gone);
        using var http = Client();

        var plain = await GetArrayAsync(http, new Uri(org.Emulator.OrgUrl, "/api/v1/users"));
        var search = await GetArrayAsync(http, new Uri(org.Emulator.OrgUrl, "/api/v1/users?search=" + Uri.EscapeDataString("status eq \"DEPROVISIONED\"")));

        Assert.Equal([active], plain.Select(u => u!["id"]!.GetValue<string>()));
        Assert.Equal([gone], search.Select(u => u!["id"]!.GetValue<string>()));
        Assert.Equal("DEPROVISIONED", search[0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_LastUpdatedGt_ReturnsOnlyUsersChangedAfter()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var org = await OktaTestOrg.StartAsync(time);
        org.Emulator.AddUser("old@example.com");
        var changed = org.Emulator.AddUser("changed@example.com");
        time.Advance(TimeSpan.FromHours(1));
        org.Emulator.UpdateUser(changed, new Dictionary<string, string?> { ["department"] = "Sales" });
        using var http = Client();

        var users = await GetArrayAsync(http, new Uri(org.Emulator.OrgUrl, "/api/v1/users?search=" + Uri.EscapeDataString("lastUpdated gt \"2026-01-01T00:30:00.000Z\"")));

        var user = Assert.Single(users);
        Assert.Equal(changed, user!["id"]!.GetValue<string>());
        Assert.Equal("2026-01-01T01:00:00.000Z", user["lastUpdated"]!.GetValue<string>());
        Assert.Equal("Sales", user["profile"]!["department"]!.GetValue<string>());
    }

    [Fact]
    public async Task Groups_SearchAndMembers_FollowTheGroupsApi()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var user = org.Emulator.AddUser("member@example.com");
        var okta = org.Emulator.AddGroup("Engineering");
        org.Emulator.AddGroup("Salesforce users", "APP_GROUP");
        org.Emulator.AddMember(okta, user);
        using var http = Client();

        var groups = await GetArrayAsync(http, new Uri(org.Emulator.OrgUrl, "/api/v1/groups?search=" + Uri.EscapeDataString("type eq \"OKTA_GROUP\"")));
        var members = await GetArrayAsync(http, new Uri(org.Emulator.OrgUrl, $"/api/v1/groups/{okta}/users"));
        using var missing = await http.GetAsync(new Uri(org.Emulator.OrgUrl, "/api/v1/groups/00gnothere/users"));

        var group = Assert.Single(groups);
        Assert.Equal("Engineering", group!["profile"]!["name"]!.GetValue<string>());
        Assert.NotNull(group["lastMembershipUpdated"]);
        Assert.Equal([user], members.Select(m => m!["id"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("E0000007", JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_NotUnderstood_Answers400E0000031()
    {
        await using var org = await OktaTestOrg.StartAsync();
        using var http = Client();

        using var response = await http.GetAsync(new Uri(org.Emulator.OrgUrl, "/api/v1/users?search=" + Uri.EscapeDataString("status eq")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("E0000031", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUser_ByIdOrLogin_FindsTheUser_UnknownAnswers404()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var id = org.Emulator.AddUser("a+b@example.com");
        using var http = Client();

        var byId = JsonNode.Parse(await http.GetStringAsync(new Uri(org.Emulator.OrgUrl, "/api/v1/users/" + id)))!;
        var byLogin = JsonNode.Parse(await http.GetStringAsync(new Uri(org.Emulator.OrgUrl, "/api/v1/users/" + Uri.EscapeDataString("A+B@example.com"))))!;
        using var unknown = await http.GetAsync(new Uri(org.Emulator.OrgUrl, "/api/v1/users/nobody%40example.com"));

        Assert.Equal(id, byId["id"]!.GetValue<string>());
        Assert.Equal(id, byLogin["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task RateLimit_Exceeded_Answers429E0000047WithRateLimitHeaders()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 10, TimeSpan.Zero));
        await using var org = await OktaTestOrg.StartAsync(time);
        org.Emulator.RateLimit = 2;
        using var http = Client();
        var uri = new Uri(org.Emulator.OrgUrl, "/api/v1/users");

        using var first = await http.GetAsync(uri);
        using var second = await http.GetAsync(uri);
        using var third = await http.GetAsync(uri);
        time.Advance(TimeSpan.FromMinutes(1));
        using var afterReset = await http.GetAsync(uri);

        Assert.Equal("2", first.Headers.GetValues("X-Rate-Limit-Limit").Single());
        Assert.Equal("1", first.Headers.GetValues("X-Rate-Limit-Remaining").Single());
        Assert.Equal("0", second.Headers.GetValues("X-Rate-Limit-Remaining").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("E0000047", JsonNode.Parse(await third.Content.ReadAsStringAsync())!["errorCode"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 1, 0, TimeSpan.Zero).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), third.Headers.GetValues("X-Rate-Limit-Reset").Single());
        Assert.Equal(HttpStatusCode.OK, afterReset.StatusCode);
        Assert.Equal(1, org.Emulator.ThrottledCount);
    }

    [Fact]
    public async Task Faults_FailNextAndDown_AnswerOrAbort()
    {
        await using var org = await OktaTestOrg.StartAsync();
        using var http = Client();
        var uri = new Uri(org.Emulator.OrgUrl, "/api/v1/users");

        org.Emulator.FailNext(1, HttpStatusCode.ServiceUnavailable);
        using var failed = await http.GetAsync(uri);
        using var recovered = await http.GetAsync(uri);
        org.Emulator.Down = true;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.NotNull(JsonNode.Parse(await failed.Content.ReadAsStringAsync())!["errorCode"]);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(uri));
    }

    [Fact]
    public async Task TokenEndpoint_DPoPApp_AsksForNonce_ThenIssuesABoundToken()
    {
        await using var org = await OktaTestOrg.StartAsync();
        using var http = new HttpClient();
        using var key = RSA.Create();
        key.ImportFromPem(OktaTestOrg.PrivateKeyPem);
        using var dpopKey = RSA.Create(2048);
        var endpoint = new Uri(org.Emulator.OrgUrl, "/oauth2/v1/token");

        using var first = await http.SendAsync(TokenRequest(endpoint, key, dpopKey, nonce: null));
        var nonce = first.Headers.GetValues("DPoP-Nonce").Single();
        using var second = await http.SendAsync(TokenRequest(endpoint, key, dpopKey, nonce));
        var token = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
        var accessToken = token["access_token"]!.GetValue<string>();

        using var bearer = new HttpRequestMessage(HttpMethod.Get, new Uri(org.Emulator.OrgUrl, "/api/v1/users"));
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var asBearer = await http.SendAsync(bearer);
        using var bound = new HttpRequestMessage(HttpMethod.Get, new Uri(org.Emulator.OrgUrl, "/api/v1/users"));
        bound.Headers.Authorization = new AuthenticationHeaderValue("DPoP", accessToken);
        bound.Headers.Add("DPoP", OktaJwt.DPoPProof(dpopKey, "GET", bound.RequestUri!, DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()), null, accessToken));
        using var asDPoP = await http.SendAsync(bound);

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Equal("use_dpop_nonce", JsonNode.Parse(await first.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("DPoP", token["token_type"]!.GetValue<string>());
        Assert.Equal(3600, token["expires_in"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Unauthorized, asBearer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asDPoP.StatusCode);
    }

    [Fact]
    public async Task TokenEndpoint_AssertionSignedByAnotherKey_AnswersInvalidClient()
    {
        await using var org = await OktaTestOrg.StartAsync(requireDPoP: false);
        using var http = new HttpClient();
        using var wrongKey = RSA.Create(2048);
        using var dpopKey = RSA.Create(2048);

        using var response = await http.SendAsync(TokenRequest(new Uri(org.Emulator.OrgUrl, "/oauth2/v1/token"), wrongKey, dpopKey, null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Equal(0, org.Emulator.TokensIssued);
    }

    private static HttpRequestMessage TokenRequest(Uri endpoint, RSA key, RSA dpopKey, string? nonce)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["scope"] = "okta.users.read",
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = OktaJwt.ClientAssertion(key, null, OktaTestOrg.ClientId, endpoint, now),
            }),
        };
        request.Headers.Add("DPoP", OktaJwt.DPoPProof(dpopKey, "POST", endpoint, now, nonce, null));
        return request;
    }

    private static HttpClient Client()
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", OktaTestOrg.ApiToken);
        return http;
    }

    private static async Task<JsonArray> GetArrayAsync(HttpClient http, Uri uri) =>
        JsonNode.Parse(await http.GetStringAsync(uri))!.AsArray();
}
