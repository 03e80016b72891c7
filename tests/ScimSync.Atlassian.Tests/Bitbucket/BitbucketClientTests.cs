// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using ScimSync.Atlassian.Bitbucket;
using ScimSync.Atlassian.Emulator;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests.Bitbucket;

/// <summary><see cref="BitbucketClient"/> against the emulated Bitbucket.</summary>
public sealed class BitbucketClientTests : IAsyncLifetime, IDisposable
{
    private AtlassianEmulator _emulator = null!;
    private HttpClient _http = null!;
    private BitbucketClient _client = null!;

    private BitbucketEmulator Bitbucket => _emulator.Bitbucket;

    public async Task InitializeAsync()
    {
        _emulator = await AtlassianEmulator.StartAsync();
        Bitbucket.PersonalAccessTokens.Add("t");
        _http = new HttpClient { BaseAddress = Bitbucket.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "t");
        _client = new BitbucketClient(_http);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private static string Id(BitbucketUser user) => user.Id.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Product_IsBitbucket_AndCannotDeactivate()
    {
        Assert.Equal(AtlassianProduct.Bitbucket, _client.Product);
        Assert.False(_client.CanDeactivateUsers);
    }

    [Fact]
    public async Task FindUser_Existing_ReturnsIdAsKey()
    {
        var seeded = Bitbucket.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        var user = await _client.FindUserAsync("JDOE", default);

        Assert.Equal(new AtlassianUser(Id(seeded), "jdoe", "Jane Doe", "jdoe@example.com", true), user);
    }

    [Fact]
    public async Task FindUser_ExactNameAmongManyFilterMatches_PagesUntilFound()
    {
        Bitbucket.MaxPageSize = 2;
        for (var i = 0; i < 7; i++)
        {
            Bitbucket.AddUser($"ann{i}", "Ann", $"ann{i}@example.com");
        }

        var seeded = Bitbucket.AddUser("ann", "Ann Exact", "ann@example.com", active: false);

        var user = await _client.FindUserAsync("ann", default);

        Assert.Equal(new AtlassianUser(Id(seeded), "ann", "Ann Exact", "ann@example.com", false), user);
    }

    [Fact]
    public async Task FindUser_OnlyPartialMatches_ReturnsNull()
    {
        Bitbucket.AddUser("johnny", "John", "john@example.com");

        Assert.Null(await _client.FindUserAsync("john", default));
    }

    [Fact]
    public async Task CreateUser_CreatesActiveUserOutsideTheDefaultGroup()
    {
        var user = await _client.CreateUserAsync(new AtlassianUserData("jdoe", "Jane Doe", "jdoe@example.com"), default);

        var stored = Bitbucket.FindUser("jdoe")!;
        Assert.Equal(new AtlassianUser(Id(stored), "jdoe", "Jane Doe", "jdoe@example.com", true), user);
        Assert.Empty(Bitbucket.GroupsOf("jdoe"));
    }

    [Fact]
    public async Task CreateUser_Duplicate_ThrowsRefusedWithBitbucketMessage()
    {
        Bitbucket.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        var e = await Assert.ThrowsAsync<AtlassianProductException>(
            () => _client.CreateUserAsync(new AtlassianUserData("jdoe", "Jane Doe", "jdoe@example.com"), default));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
        Assert.Equal(AtlassianProduct.Bitbucket, e.Product);
        Assert.Contains(e.Messages, m => m.Contains("already exists", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateUser_ChangesDisplayNameAndEmail()
    {
        Bitbucket.AddUser("jdoe", "Jane Doe", "jdoe@example.com");
        var existing = (await _client.FindUserAsync("jdoe", default))!;

        var updated = await _client.UpdateUserAsync(existing, new AtlassianUserData("jdoe", "Jane Smith", "js@example.com"), default);

        Assert.Equal(existing with { DisplayName = "Jane Smith", Email = "js@example.com" }, updated);
        Assert.Equal("Jane Smith", Bitbucket.FindUser("jdoe")!.DisplayName);
    }

    [Fact]
    public async Task UpdateUser_Rename_KeepsKeyAndMemberships()
    {
        Bitbucket.AddGroup("devs");
        Bitbucket.AddUser("jdoe", "Jane Doe", "jdoe@example.com");
        Bitbucket.AddMembership("devs", "jdoe");
        var existing = (await _client.FindUserAsync("jdoe", default))!;

        var updated = await _client.UpdateUserAsync(existing, new AtlassianUserData("jsmith", "Jane Smith", "js@example.com"), default);

        Assert.Equal(new AtlassianUser(existing.Key, "jsmith", "Jane Smith", "js@example.com", true), updated);
        Assert.Null(Bitbucket.FindUser("jdoe"));
        Assert.Equal(["jsmith"], Bitbucket.MembersOf("devs"));
        Assert.Equal(updated, await _client.FindUserAsync("jsmith", default));
    }

    [Fact]
    public async Task UpdateUser_RenameToTakenName_ThrowsRefused()
    {
        Bitbucket.AddUser("jdoe", "Jane Doe", "jdoe@example.com");
        Bitbucket.AddUser("jsmith", "Other", "other@example.com");
        var existing = (await _client.FindUserAsync("jdoe", default))!;

        var e = await Assert.ThrowsAsync<AtlassianProductException>(
            () => _client.UpdateUserAsync(existing, new AtlassianUserData("jsmith", "Jane Doe", "jdoe@example.com"), default));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.NotNull(Bitbucket.FindUser("jdoe"));
    }

    [Fact]
    public async Task SetActive_ThrowsNotSupported()
    {
        Bitbucket.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        await Assert.ThrowsAsync<NotSupportedException>(() => _client.SetActiveAsync("jdoe", false, default));
        Assert.True(Bitbucket.FindUser("jdoe")!.Active);
    }

    [Fact]
    public async Task DeleteUser_DeletesAndIsIdempotent()
    {
        Bitbucket.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        await _client.DeleteUserAsync("jdoe", default);
        await _client.DeleteUserAsync("jdoe", default);

        Assert.Null(Bitbucket.FindUser("jdoe"));
    }

    [Fact]
    public async Task DeleteUser_Self_ThrowsRefused()
    {
        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => _client.DeleteUserAsync("admin", default));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.NotEmpty(e.Messages);
    }

    [Fact]
    public async Task EnsureGroup_CreatesOnce()
    {
        Assert.True(await _client.EnsureGroupAsync("devs", default));
        Assert.False(await _client.EnsureGroupAsync("devs", default));
        Assert.Contains("devs", Bitbucket.GroupNames);
    }

    [Fact]
    public async Task DeleteGroup_DeletesAndIsIdempotent()
    {
        Bitbucket.AddGroup("devs");

        await _client.DeleteGroupAsync("devs", default);
        await _client.DeleteGroupAsync("devs", default);

        Assert.DoesNotContain("devs", Bitbucket.GroupNames);
    }

    [Fact]
    public async Task AddMembers_AddsAndIsIdempotent()
    {
        Bitbucket.AddGroup("devs");
        Bitbucket.AddUser("a", "A", "a@example.com");
        Bitbucket.AddUser("b", "B", "b@example.com");
        Bitbucket.AddMembership("devs", "a");

        await _client.AddMembersAsync("devs", ["a", "b"], default);
        await _client.AddMembersAsync("devs", ["b"], default);

        Assert.Equal(["a", "b"], Bitbucket.MembersOf("devs"));
    }

    [Fact]
    public async Task AddMembers_MoreThanOneChunk_AddsEveryone()
    {
        Bitbucket.AddGroup("devs");
        var names = Enumerable.Range(0, 150).Select(i => string.Create(CultureInfo.InvariantCulture, $"u{i:D3}")).ToArray();
        foreach (var name in names)
        {
            Bitbucket.AddUser(name, name, name + "@example.com");
        }

        await _client.AddMembersAsync("devs", names, default);

        Assert.Equal(names, Bitbucket.MembersOf("devs"));
    }

    [Fact]
    public async Task AddMembers_MissingGroup_ThrowsNotFound()
    {
        Bitbucket.AddUser("a", "A", "a@example.com");

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => _client.AddMembersAsync("nope", ["a"], default));

        Assert.Equal(AtlassianErrorKind.NotFound, e.Kind);
        Assert.Contains(e.Messages, m => m.Contains("nope", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RemoveMember_RemovesAndIsIdempotent()
    {
        Bitbucket.AddGroup("devs");
        Bitbucket.AddUser("a", "A", "a@example.com");
        Bitbucket.AddMembership("devs", "a");

        await _client.RemoveMemberAsync("devs", "a", default);
        await _client.RemoveMemberAsync("devs", "a", default);
        await _client.RemoveMemberAsync("devs", "nobody", default);

        Assert.Empty(Bitbucket.MembersOf("devs"));
    }

    [Fact]
    public async Task ListGroupMembers_ReadsEveryPage_IncludingInactiveUsers()
    {
        Bitbucket.MaxPageSize = 3;
        Bitbucket.AddGroup("devs");
        var names = Enumerable.Range(1, 8).Select(i => $"user{i}").ToArray();
        foreach (var name in names)
        {
            Bitbucket.AddUser(name, name, name + "@example.com", active: name != "user4");
            Bitbucket.AddMembership("devs", name);
        }

        Assert.Equal(names, await _client.ListGroupMembersAsync("devs", default));
    }

    [Fact]
    public async Task ListGroupMembers_MissingGroup_ThrowsNotFound()
    {
        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => _client.ListGroupMembersAsync("nope", default));

        Assert.Equal(AtlassianErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task ListGroupsOfUser_ReadsEveryPage()
    {
        Bitbucket.MaxPageSize = 2;
        Bitbucket.AddUser("a", "A", "a@example.com");
        var groups = new[] { "g1", "g2", "g3", "g4", "g5" };
        foreach (var group in groups)
        {
            Bitbucket.AddGroup(group);
            Bitbucket.AddMembership(group, "a");
        }

        Assert.Equal(groups, await _client.ListGroupsOfUserAsync("a", default));
    }

    [Fact]
    public async Task ListGroupsOfUser_MissingUser_ThrowsNotFound()
    {
        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => _client.ListGroupsOfUserAsync("nobody", default));

        Assert.Equal(AtlassianErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task ManualChangeInBitbucket_IsSeenByTheClient()
    {
        Bitbucket.AddGroup("devs");
        Bitbucket.AddUser("a", "A", "a@example.com");

        // The directory deactivates the user; an administrator adds a membership by hand.
        Bitbucket.SetActive("a", false);
        Bitbucket.AddMembership("devs", "a");

        Assert.False((await _client.FindUserAsync("a", default))!.Active);
        Assert.Equal(["a"], await _client.ListGroupMembersAsync("devs", default));
    }

    [Fact]
    public async Task Names_WithReservedCharacters_AreEncoded()
    {
        Bitbucket.AddUser("j.doe@corp", "J", "j@example.com");

        Assert.True(await _client.EnsureGroupAsync("r&d team+eu #1?", default));
        await _client.AddMembersAsync("r&d team+eu #1?", ["j.doe@corp"], default);

        Assert.Equal(["j.doe@corp"], await _client.ListGroupMembersAsync("r&d team+eu #1?", default));
        Assert.Equal(["r&d team+eu #1?"], await _client.ListGroupsOfUserAsync("j.doe@corp", default));
        Assert.Equal("j.doe@corp", (await _client.FindUserAsync("j.doe@corp", default))!.Name);
    }

    [Fact]
    public async Task ConcurrentChanges_AllApply()
    {
        Bitbucket.AddGroup("devs");
        var names = Enumerable.Range(0, 40).Select(i => string.Create(CultureInfo.InvariantCulture, $"c{i:D2}")).ToArray();
        foreach (var name in names)
        {
            Bitbucket.AddUser(name, name, name + "@example.com");
        }

        await Task.WhenAll(names.Select(n => _client.AddMembersAsync("devs", [n], default)));
        await Task.WhenAll(names.Where((_, i) => i % 2 == 0).Select(n => _client.RemoveMemberAsync("devs", n, default)));

        Assert.Equal(names.Where((_, i) => i % 2 == 1), Bitbucket.MembersOf("devs"));
    }
}
