// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;

namespace ScimSync.Server.Tests.Endpoints;

/// <summary>RFC 9865 cursor paging of <c>GET /Users</c> and <c>/.search</c> over a store that supports cursors.</summary>
public sealed class CursorPagingTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync(o => o.MaxResults = 3, KeysetCursorStoreProvider.Register());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetUsers_FollowingNextCursor_ReturnsEveryUserOnceInIdOrder()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _host.CreateUserAsync("user" + i))["id"]!.GetValue<string>());
        }

        var seen = new List<string>();
        var cursor = string.Empty;
        var pages = 0;
        while (true)
        {
            var response = await _host.Client.GetAsync("Users?count=2&cursor=" + cursor);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await ScimTestHost.BodyAsync(response);
            pages++;
            Assert.Equal(5, body["totalResults"]!.GetValue<int>());
            Assert.Null(body["startIndex"]);
            var resources = body["Resources"]!.AsArray();
            Assert.Equal(resources.Count, body["itemsPerPage"]!.GetValue<int>());
            seen.AddRange(resources.Select(r => r!["id"]!.GetValue<string>()));
            if (body["nextCursor"] is not JsonValue next)
            {
                break;
            }

            cursor = next.GetValue<string>();
            Assert.Matches("^[A-Za-z0-9._~-]+$", cursor);
        }

        Assert.Equal(3, pages);
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task GetUsers_WithoutCursor_PagesByIndexAsBefore()
    {
        await _host.CreateUserAsync("a");

        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?count=2"));

        Assert.Equal(1, body["startIndex"]!.GetValue<int>());
        Assert.Null(body["nextCursor"]);
    }

    [Fact]
    public async Task GetUsers_CursorWithStartIndex_Answers400InvalidValue()
    {
        var response = await _host.Client.GetAsync("Users?cursor=&startIndex=1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidValue", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("4")]
    public async Task GetUsers_CursorWithCountOutsideMaxPageSize_Answers400InvalidCount(string count)
    {
        var response = await _host.Client.GetAsync("Users?cursor=&count=" + count);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ScimTestHost.BodyAsync(response);
        Assert.Equal("invalidCount", error["scimType"]!.GetValue<string>());
        Assert.Equal("400", error["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("bm90LWEtY3Vyc29y")]
    [InlineData("has%20space")]
    [InlineData("%2F%2F")]
    public async Task GetUsers_CursorNotIssuedHere_Answers400InvalidCursor(string cursor)
    {
        var response = await _host.Client.GetAsync("Users?cursor=" + cursor);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidCursor", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUsers_CursorOlderThanTheTimeout_Answers400ExpiredCursor()
    {
        for (var i = 0; i < 3; i++)
        {
            await _host.CreateUserAsync("user" + i);
        }

        var first = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?cursor=&count=1"));
        _host.Time.Advance(TimeSpan.FromMinutes(11));

        var response = await _host.Client.GetAsync("Users?count=1&cursor=" + first["nextCursor"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("expiredCursor", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostSearch_CursorInBody_PagesByCursor()
    {
        await _host.CreateGroupAsync("g1");
        await _host.CreateGroupAsync("g2");

        var response = await _host.PostAsync("Groups/.search", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"cursor":"","count":1}
            """);

        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal(2, body["totalResults"]!.GetValue<int>());
        Assert.Single(body["Resources"]!.AsArray());
        Assert.NotNull(body["nextCursor"]);
    }

    [Fact]
    public async Task GetServiceProviderConfig_AdvertisesCursorPaging()
    {
        var pagination = (await ScimTestHost.BodyAsync(await _host.Client.GetAsync("ServiceProviderConfig")))["pagination"]!;

        Assert.True(pagination["cursor"]!.GetValue<bool>());
        Assert.True(pagination["index"]!.GetValue<bool>());
        Assert.Equal("index", pagination["defaultPaginationMethod"]!.GetValue<string>());
        Assert.Equal(3, pagination["defaultPageSize"]!.GetValue<int>());
        Assert.Equal(3, pagination["maxPageSize"]!.GetValue<int>());
        Assert.Equal(600, pagination["cursorTimeout"]!.GetValue<int>());
    }
}

/// <summary>A store without cursor support: cursor requests are refused, and not advertised.</summary>
public sealed class CursorPagingUnsupportedTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync(services: KeysetCursorStoreProvider.Register(cursors: false));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetUsers_CursorOnAStoreWithoutCursors_Answers400()
    {
        var response = await _host.Client.GetAsync("Users?cursor=");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ScimTestHost.BodyAsync(response);
        Assert.Equal("invalidValue", error["scimType"]!.GetValue<string>());
        Assert.Contains("not supported", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetServiceProviderConfig_AdvertisesIndexPagingOnly()
    {
        var pagination = (await ScimTestHost.BodyAsync(await _host.Client.GetAsync("ServiceProviderConfig")))["pagination"]!.AsObject();

        Assert.False(pagination["cursor"]!.GetValue<bool>());
        Assert.True(pagination["index"]!.GetValue<bool>());
        Assert.Equal("index", pagination["defaultPaginationMethod"]!.GetValue<string>());
        Assert.Equal(100, pagination["maxPageSize"]!.GetValue<int>());
        Assert.False(pagination.ContainsKey("cursorTimeout"));
    }
}
