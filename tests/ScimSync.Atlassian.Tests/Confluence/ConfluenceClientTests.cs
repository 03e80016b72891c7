// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using ScimSync.Atlassian.Confluence;
using ScimSync.Atlassian.Emulator;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests.Confluence;

/// <summary><see cref="ConfluenceClient"/> against the emulated Confluence.</summary>
public sealed class ConfluenceClientTests : IAsyncLifetime, IDisposable
{
    private AtlassianEmulator _emulator = null!;
    private HttpClient _http = null!;
    private ConfluenceClient _client = null!;

    private ConfluenceEmulator Confluence => _emulator.Confluence;

    public async Task InitializeAsync()
    {
        _emulator = await AtlassianEmulator.StartAsync();
        Confluence.PersonalAccessTokens.Add("t");
        _http = new HttpClient { BaseAddress = Confluence.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "t");
        _client = new ConfluenceClient(_http);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public void Product_IsConfluence_AndCanDeactivate()
    {
        Assert.Equal(AtlassianProduct.Confluence, _client.Product);
        Assert.True(_client.CanDeactivateUsers);
    }

    [Fact]
    public async Task FindUser_Existing_ReturnsKeyNameDisplayNameEmailActive()
    {
        var seeded = Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        var user = await _client.FindUserAsync("JDoe", default);

        Assert.Equal(new AtlassianUser(seeded.Key, "jdoe", "Jane Doe", "jdoe@example.com", true), user);
    }

    [Fact]
    public async Task FindUser_Disabled_ReturnsInactive()
    {
        Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com", active: false);

        var user = await _client.FindUserAsync("jdoe", default);

        Assert.False(user!.Active);
    }

    [Fact]
    public async Task FindUser_Missing_ReturnsNull()
    {
        Assert.Null(await _client.FindUserAsync("nobody", default));
    }

    [Fact]
    public async Task CreateUser_CreatesActiveLowerCaseUserWithKey()
    {
        var user = await _client.CreateUserAsync(new AtlassianUserData("JDoe", "Jane Doe", "jdoe@example.com"), default);

        var stored = Confluence.FindUser("jdoe")!;
        Assert.Equal(new AtlassianUser(stored.Key, "jdoe", "Jane Doe", "jdoe@example.com", true), user);
        Assert.Equal("jdoe", stored.Name);
        Assert.True(stored.Active);
    }

    [Fact]
    public async Task CreateUser_Duplicate_ThrowsRefusedWithConfluenceMessage()
    {
        Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        var e = await Assert.ThrowsAsync<AtlassianProductException>(
            () => _client.CreateUserAsync(new AtlassianUserData("jdoe", "Jane Doe", "jdoe@example.com"), default));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
        Assert.Equal(AtlassianProduct.Confluence, e.Product);
        Assert.Contains(e.Messages, m => m.Contains("already exists", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateUser_InvalidEmail_ThrowsRefused()
    {
        var e = await Assert.ThrowsAsync<AtlassianProductException>(
            () => _client.CreateUserAsync(new AtlassianUserData("jdoe", "Jane Doe", "nope"), default));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Contains(e.Messages, m => m.Contains("email", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateUser_ChangesDisplayNameAndEmail_KeepsKey()
    {
        Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");
        var existing = (await _client.FindUserAsync("jdoe", default))!;

        var updated = await _client.UpdateUserAsync(existing, new AtlassianUserData("jdoe", "Jane Smith", "jsmith@example.com"), default);

        Assert.Equal(existing with { DisplayName = "Jane Smith", Email = "jsmith@example.com" }, updated);
        Assert.Equal(updated, await _client.FindUserAsync("jdoe", default));
    }

    [Fact]
    public async Task UpdateUser_Unchanged_SendsNothing()
    {
        Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");
        var existing = (await _client.FindUserAsync("jdoe", default))!;
        var before = Confluence.Faults.RequestCount;

        var updated = await _client.UpdateUserAsync(existing, new AtlassianUserData("JDOE", "Jane Doe", "jdoe@example.com"), default);

        Assert.Equal(existing, updated);
        Assert.Equal(before, Confluence.Faults.RequestCount);
    }

    [Fact]
    public async Task UpdateUser_Rename_ThrowsNotSupported()
    {
        Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");
        var existing = (await _client.FindUserAsync("jdoe", default))!;

        await Assert.ThrowsAsync<NotSupportedException>(
            () => _client.UpdateUserAsync(existing, new AtlassianUserData("jsmith", "Jane Doe", "jdoe@example.com"), default));
        Assert.NotNull(Confluence.FindUser("jdoe"));
    }

    [Fact]
    public async Task SetActive_DisablesAndEnables()
    {
        Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        await _client.SetActiveAsync("jdoe", false, default);
        Assert.False(Confluence.FindUser("jdoe")!.Active);
        Assert.False((await _client.FindUserAsync("jdoe", default))!.Active);

        await _client.SetActiveAsync("jdoe", true, default);
        Assert.True(Confluence.FindUser("jdoe")!.Active);
    }

    [Fact]
    public async Task SetActive_MissingUser_ThrowsNotFound()
    {
        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => _client.SetActiveAsync("nobody", false, default));

        Assert.Equal(AtlassianErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task DeleteUser_WaitsForTheTask_AndIsIdempotent()
    {
        Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        await _client.DeleteUserAsync("jdoe", default);
        Assert.Null(Confluence.FindUser("jdoe"));

        await _client.DeleteUserAsync("jdoe", default);
    }

    [Fact]
    public async Task DeleteUser_TaskInProgress_PollsUntilItFinishes()
    {
        Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");
        Confluence.UserDeletionPolls = 2;
        var before = Confluence.Faults.RequestCount;

        await _client.DeleteUserAsync("jdoe", default);

        // The DELETE, two status reads in progress and the one that finds the task finished.
        Assert.Equal(4, Confluence.Faults.RequestCount - before);
        Assert.Null(Confluence.FindUser("jdoe"));
    }

    [Fact]
    public async Task DeleteUser_TaskFails_ThrowsRefusedWithTheTaskMessage()
    {
        Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");
        Confluence.UserDeletionFailure = "The user could not be removed.";

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => _client.DeleteUserAsync("jdoe", default));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.Equal(["The user could not be removed."], e.Messages);
        Assert.NotNull(Confluence.FindUser("jdoe"));
    }

    [Fact]
    public async Task EnsureGroup_CreatesOnce()
    {
        Assert.True(await _client.EnsureGroupAsync("devs", default));
        Assert.False(await _client.EnsureGroupAsync("devs", default));
        Assert.Contains("devs", Confluence.GroupNames);
    }

    [Fact]
    public async Task DeleteGroup_DeletesAndIsIdempotent()
    {
        Confluence.AddGroup("devs");

        await _client.DeleteGroupAsync("devs", default);
        await _client.DeleteGroupAsync("devs", default);

        Assert.DoesNotContain("devs", Confluence.GroupNames);
    }

    [Fact]
    public async Task DeleteGroup_LastAdministratorsGroup_ThrowsRefused()
    {
        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => _client.DeleteGroupAsync("confluence-administrators", default));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.NotEmpty(e.Messages);
    }

    [Fact]
    public async Task AddMembers_AddsAndIsIdempotent()
    {
        Confluence.AddGroup("devs");
        Confluence.AddUser("a", "A", "a@example.com");
        Confluence.AddUser("b", "B", "b@example.com");
        Confluence.AddMembership("devs", "a");

        await _client.AddMembersAsync("devs", ["a", "b"], default);
        await _client.AddMembersAsync("devs", ["b"], default);

        Assert.Equal(["a", "b"], Confluence.MembersOf("devs"));
    }

    [Fact]
    public async Task AddMembers_MissingGroup_ThrowsNotFound()
    {
        Confluence.AddUser("a", "A", "a@example.com");

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => _client.AddMembersAsync("nope", ["a"], default));

        Assert.Equal(AtlassianErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task RemoveMember_RemovesAndIsIdempotent()
    {
        Confluence.AddGroup("devs");
        Confluence.AddUser("a", "A", "a@example.com");
        Confluence.AddMembership("devs", "a");

        await _client.RemoveMemberAsync("devs", "a", default);
        await _client.RemoveMemberAsync("devs", "a", default);
        await _client.RemoveMemberAsync("devs", "nobody", default);

        Assert.Empty(Confluence.MembersOf("devs"));
    }

    [Fact]
    public async Task ListGroupMembers_ReadsEveryPage_IncludingInactiveUsers()
    {
        Confluence.MaxPageSize = 3;
        Confluence.AddGroup("devs");
        var names = Enumerable.Range(1, 8).Select(i => $"user{i}").ToArray();
        foreach (var name in names)
        {
            Confluence.AddUser(name, name, name + "@example.com", active: name != "user5");
            Confluence.AddMembership("devs", name);
        }

        var members = await _client.ListGroupMembersAsync("devs", default);

        Assert.Equal(names, members);
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
        Confluence.MaxPageSize = 2;
        Confluence.AddUser("a", "A", "a@example.com");
        var groups = new[] { "g1", "g2", "g3", "g4", "g5" };
        foreach (var group in groups)
        {
            Confluence.AddGroup(group);
            Confluence.AddMembership(group, "a");
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
    public async Task ManualChangeInConfluence_IsSeenByTheClient()
    {
        Confluence.AddGroup("devs");
        Confluence.AddUser("a", "A", "a@example.com", active: false);

        // Someone re-enables the user and adds a membership by hand in Confluence.
        Confluence.SetActive("a", true);
        Confluence.AddMembership("devs", "a");

        Assert.True((await _client.FindUserAsync("a", default))!.Active);
        Assert.Equal(["a"], await _client.ListGroupMembersAsync("devs", default));
    }

    [Fact]
    public async Task Names_WithReservedCharacters_AreEncoded()
    {
        Confluence.AddUser("j.doe@corp", "J", "j@example.com");

        Assert.True(await _client.EnsureGroupAsync("r&d team+eu #1?", default));
        await _client.AddMembersAsync("r&d team+eu #1?", ["j.doe@corp"], default);

        Assert.Equal(["j.doe@corp"], await _client.ListGroupMembersAsync("r&d team+eu #1?", default));
        Assert.Equal(["r&d team+eu #1?"], await _client.ListGroupsOfUserAsync("j.doe@corp", default));
    }

    [Fact]
    public async Task ConcurrentChanges_AllApply()
    {
        Confluence.AddGroup("devs");
        var names = Enumerable.Range(0, 40).Select(i => string.Create(CultureInfo.InvariantCulture, $"c{i:D2}")).ToArray();
        foreach (var name in names)
        {
            Confluence.AddUser(name, name, name + "@example.com");
        }

        await Task.WhenAll(names.Select(n => _client.AddMembersAsync("devs", [n], default)));
        await Task.WhenAll(names.Where((_, i) => i % 2 == 0).Select(n => _client.RemoveMemberAsync("devs", n, default)));

        Assert.Equal(names.Where((_, i) => i % 2 == 1), Confluence.MembersOf("devs"));
    }
}
