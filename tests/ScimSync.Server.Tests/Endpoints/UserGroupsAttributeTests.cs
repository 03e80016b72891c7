// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;

namespace ScimSync.Server.Tests.Endpoints;

/// <summary>A User's <c>groups</c> (RFC 7643 §4.1.2) from a store that does not derive it itself.</summary>
public sealed class UserGroupsAttributeTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync(services: KeysetCursorStoreProvider.Register(deriveGroups: false));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetUser_MemberOfAGroup_ReturnsItsGroupsFromTheGroupStore()
    {
        var user = await _host.CreateUserAsync("frank");
        var id = user["id"]!.GetValue<string>();
        var group = await _host.CreateGroupAsync("Pilots", id);

        var response = await _host.Client.GetAsync("Users/" + id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = Assert.Single((await ScimTestHost.BodyAsync(response))["groups"]!.AsArray())!;
        Assert.Equal(group["id"]!.GetValue<string>(), entry["value"]!.GetValue<string>());
        Assert.Equal("Pilots", entry["display"]!.GetValue<string>());
        Assert.Equal("direct", entry["type"]!.GetValue<string>());
        Assert.Equal(ScimTestHost.BaseUrl + "/Groups/" + group["id"]!.GetValue<string>(), entry["$ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetUser_GroupsExcluded_LeavesThemOut()
    {
        var id = (await _host.CreateUserAsync("gina"))["id"]!.GetValue<string>();
        await _host.CreateGroupAsync("Crew", id);

        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync($"Users/{id}?excludedAttributes=groups"));

        Assert.Null(body["groups"]);
        Assert.Equal("gina", body["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListUsers_GroupsOnlyWhenAttributesAskForThem()
    {
        var id = (await _host.CreateUserAsync("hank"))["id"]!.GetValue<string>();
        await _host.CreateGroupAsync("Crew", id);

        var plain = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users"));
        var asked = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users?attributes=userName,groups"));

        Assert.Null(plain["Resources"]![0]!["groups"]);
        Assert.Equal("Crew", Assert.Single(asked["Resources"]![0]!["groups"]!.AsArray())!["display"]!.GetValue<string>());
    }
}

/// <summary>The SQLite store derives <c>groups</c> itself: the server must not add them a second time.</summary>
public sealed class UserGroupsDerivedByStoreTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ScimTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetUser_StoreDerivesGroups_ReturnsEachGroupOnce()
    {
        var id = (await _host.CreateUserAsync("ivy"))["id"]!.GetValue<string>();
        await _host.CreateGroupAsync("One", id);
        await _host.CreateGroupAsync("Two", id);

        var body = await ScimTestHost.BodyAsync(await _host.Client.GetAsync("Users/" + id));

        Assert.Equal(["One", "Two"], body["groups"]!.AsArray().Select(g => g!["display"]!.GetValue<string>()).Order());
    }
}
