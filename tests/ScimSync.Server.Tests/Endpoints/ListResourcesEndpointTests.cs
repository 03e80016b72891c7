// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Server.Tests.Endpoints;

public sealed class ListResourcesEndpointTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync(o => o.MaxResults = 3);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetUsers_NoUsers_ReturnsEmptyListResponse()
    {
        var response = await _host.Client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"nobody\""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType!.MediaType);
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", body["schemas"]![0]!.GetValue<string>());
        Assert.Equal(0, body["totalResults"]!.GetValue<int>());
        Assert.Equal(1, body["startIndex"]!.GetValue<int>());
        Assert.Equal(0, body["itemsPerPage"]!.GetValue<int>());
        Assert.Empty(body["Resources"]!.AsArray());
    }

    [Fact]
    public async Task GetUsers_FilterUserNameEq_ReturnsMatchIgnoringCase()
    {
        await _host.CreateUserAsync("alice@example.com");
        await _host.CreateUserAsync("bob@example.com");

        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"ALICE@example.com\"")));

        Assert.Equal(1, body["totalResults"]!.GetValue<int>());
        Assert.Equal("alice@example.com", body["Resources"]![0]!["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUsers_EntraWorkEmailLookup_FindsTheUserByItsWorkEmailOnly()
    {
        await _host.CreateUserAsync("alice", ""","emails":[{"value":"alice@work.example","type":"work"}]""");
        await _host.CreateUserAsync("bob", ""","emails":[{"value":"alice@work.example","type":"home"}]""");

        // Entra ID's matching query when the matching attribute is the work email (not RFC 7644 grammar).
        var filter = "emails[type eq \"work\"].value eq \"ALICE@work.example\"";
        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?filter=" + Uri.EscapeDataString(filter)));

        Assert.Equal(1, body["totalResults"]!.GetValue<int>());
        Assert.Equal("alice", body["Resources"]![0]!["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUsers_UnindexedFilter_IsEvaluated()
    {
        await _host.CreateUserAsync("a", ",\"title\":\"Engineer\"");
        await _host.CreateUserAsync("b", ",\"title\":\"Manager\"");

        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?filter=" + Uri.EscapeDataString("title sw \"eng\" and active pr or userName eq \"zzz\"")));
        var titled = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?filter=" + Uri.EscapeDataString("title co \"GINE\"")));

        Assert.Equal(0, body["totalResults"]!.GetValue<int>());
        Assert.Equal("a", titled["Resources"]![0]!["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUsers_MalformedFilter_Returns400InvalidFilter()
    {
        var response = await _host.Client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidFilter", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUsers_FilterOnUnknownAttribute_Returns400InvalidFilter()
    {
        var response = await _host.Client.GetAsync("Users?filter=" + Uri.EscapeDataString("shoeSize eq \"9\""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidFilter", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUsers_Paging_UsesOneBasedStartIndexAndCapsCount()
    {
        for (var i = 1; i <= 5; i++)
        {
            await _host.CreateUserAsync($"user{i}");
        }

        var page = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?startIndex=2&count=2&sortBy=userName"));
        var capped = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?count=50"));
        var zero = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?count=0&startIndex=-4"));

        Assert.Equal(5, page["totalResults"]!.GetValue<int>());
        Assert.Equal(2, page["startIndex"]!.GetValue<int>());
        Assert.Equal(2, page["itemsPerPage"]!.GetValue<int>());
        Assert.Equal(["user2", "user3"], page["Resources"]!.AsArray().Select(r => r!["userName"]!.GetValue<string>()));
        Assert.Equal(3, capped["itemsPerPage"]!.GetValue<int>());
        Assert.Equal(0, zero["itemsPerPage"]!.GetValue<int>());
        Assert.Equal(1, zero["startIndex"]!.GetValue<int>());
        Assert.Equal(5, zero["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task GetUsers_SortDescending_OrdersResults()
    {
        await _host.CreateUserAsync("b");
        await _host.CreateUserAsync("a");
        await _host.CreateUserAsync("c");

        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?sortBy=userName&sortOrder=descending"));

        Assert.Equal(["c", "b", "a"], body["Resources"]!.AsArray().Select(r => r!["userName"]!.GetValue<string>()));
    }

    [Fact]
    public async Task GetUsers_BadSortOrderOrCount_Returns400()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await _host.Client.GetAsync("Users?sortBy=userName&sortOrder=sideways")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _host.Client.GetAsync("Users?count=ten")).StatusCode);
    }

    [Fact]
    public async Task GetGroups_MembersFilterWithExcludedMembers_FindsGroupWithoutMembers()
    {
        var userId = (await _host.CreateUserAsync("m"))["id"]!.GetValue<string>();
        await _host.CreateGroupAsync("With", userId);
        await _host.CreateGroupAsync("Without");

        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync(
            "Groups?excludedAttributes=members&filter=" + Uri.EscapeDataString($"members[value eq \"{userId}\"]")));

        Assert.Equal(1, body["totalResults"]!.GetValue<int>());
        Assert.Equal("With", body["Resources"]![0]!["displayName"]!.GetValue<string>());
        Assert.Null(body["Resources"]![0]!["members"]);
    }

    [Fact]
    public async Task GetGroups_DisplayNameEq_FindsGroup()
    {
        await _host.CreateGroupAsync("Sales");

        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Groups?filter=" + Uri.EscapeDataString("displayName eq \"sales\"")));

        Assert.Equal(1, body["totalResults"]!.GetValue<int>());
    }
}
