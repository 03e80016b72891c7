// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Atlassian.Emulator;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests.EndToEnd;

/// <summary>
/// Microsoft Entra ID's provisioning sequence into ScimSync, written through the real Jira client and its resilient
/// HttpClient to the emulated Jira, asserted on the emulator.
/// </summary>
public sealed class EntraToJiraTests : IAsyncLifetime
{
    private const string Pat = "jira-pat";
    private AtlassianEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        #region emulator
        _emulator = await AtlassianEmulator.StartAsync();
        _emulator.Jira.PersonalAccessTokens.Add(Pat);
        #endregion
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private Task<AtlassianTestHost> StartAsync(AtlassianWriteMode mode = AtlassianWriteMode.WriteThrough, string? directory = null) =>
        AtlassianTestHost.StartAsync(scim => scim.AddAtlassianTarget("jira", o =>
        {
            o.Product = AtlassianProduct.Jira;
            o.BaseAddress = _emulator.Jira.BaseAddress;
            o.PersonalAccessToken = Pat;
            o.Directory = "atlassian";
            o.Mode = mode;
            o.DefaultGroups.Add("jira-software-users");
            o.DefaultProjectLead = "admin";
            o.UserProperties["department"] = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department";
            o.RetryDelay = TimeSpan.FromMilliseconds(20);
            o.MaxRetries = 2;
        }), directory);

    [Fact]
    public async Task EntraCycle_CreatesUpdatesGroupsDeactivatesAndDeletesInJira()
    {
        await using var host = await StartAsync();
        var client = host.Client;

        // Entra first looks the user up, then creates it.
        using (var lookup = await client.GetAsync("Users?filter=userName+eq+%22alice%40contoso.com%22"))
        {
            Assert.Equal(0, (await AtlassianTestHost.BodyAsync(lookup))["totalResults"]!.GetValue<int>());
        }

        var alice = await host.CreateUserAsync("alice@contoso.com", "Alice Smith", department: "Engineering");
        var bob = await host.CreateUserAsync("bob@contoso.com", "Bob Jones");
        var jiraAlice = _emulator.Jira.FindUser("alice@contoso.com")!;
        Assert.True(jiraAlice.Active);
        Assert.Equal("Alice Smith", jiraAlice.DisplayName);
        Assert.Contains("jira-software-users", _emulator.Jira.GroupsOf("alice@contoso.com"));
        Assert.Equal("Engineering", _emulator.Jira.UserProperty("alice@contoso.com", "department")!.GetValue<string>());

        // Groups: lookup by displayName without members, create, then members in a PATCH.
        using (var lookup = await client.GetAsync("Groups?excludedAttributes=members&filter=displayName+eq+%22Engineering%22"))
        {
            Assert.Equal(0, (await AtlassianTestHost.BodyAsync(lookup))["totalResults"]!.GetValue<int>());
        }

        var engineering = await host.CreateGroupAsync("Engineering");
        using (var add = await host.AddMembersAsync(engineering, alice, bob))
        {
            Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);
        }

        Assert.Equal(["alice@contoso.com", "bob@contoso.com"], _emulator.Jira.MembersOf("Engineering").Order(StringComparer.OrdinalIgnoreCase));

        // Attribute changes the way Entra sends them.
        using (var update = await host.PatchAsync("Users/" + alice, """
            [{ "op": "Replace", "path": "displayName", "value": "Alice Johnson" },
             { "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "alice.johnson@contoso.com" },
             { "op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Research" }]
            """))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }

        jiraAlice = _emulator.Jira.FindUser("alice@contoso.com")!;
        Assert.Equal("Alice Johnson", jiraAlice.DisplayName);
        Assert.Equal("alice.johnson@contoso.com", jiraAlice.Email);
        Assert.Equal("Research", _emulator.Jira.UserProperty("alice@contoso.com", "department")!.GetValue<string>());

        // Bob leaves the group; Alice, who leads a project and a component, is disabled ("False" as Entra sends it).
        using (var remove = await host.RemoveMemberAsync(engineering, bob))
        {
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        }

        Assert.Equal(["alice@contoso.com"], _emulator.Jira.MembersOf("Engineering"));
        _emulator.Jira.AddProject("ENG", "Engineering", "alice@contoso.com");
        var component = _emulator.Jira.AddComponent("ENG", "Backend", "alice@contoso.com");
        using (var disable = await host.PatchAsync("Users/" + alice, """[{ "op": "Replace", "path": "active", "value": "False" }]"""))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }

        Assert.False(_emulator.Jira.FindUser("alice@contoso.com")!.Active);
        Assert.Equal("admin", _emulator.Jira.ProjectLead("ENG"));
        Assert.Equal("admin", _emulator.Jira.ComponentLead(component));

        // Entra's hard delete after the soft delete: the Jira user stays, deactivated, with its history.
        using (var delete = await client.DeleteAsync("Users/" + alice))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.False(_emulator.Jira.FindUser("alice@contoso.com")!.Active);
        Assert.Null(await host.State.GetUserLinkAsync("jira", alice, default));
    }

    [Fact]
    public async Task JiraDownMidCycle_Is503WithNothingCommitted_ThenTheRetryCompletesIt()
    {
        await using var host = await StartAsync();
        var alice = await host.CreateUserAsync("alice@contoso.com", "Alice");
        var group = await host.CreateGroupAsync("Engineering");

        _emulator.Jira.Faults.Down = true;
        using (var add = await host.AddMembersAsync(group, alice))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, add.StatusCode);
            Assert.NotNull(add.Headers.RetryAfter);
        }

        using (var get = await host.Client.GetAsync("Groups/" + group))
        {
            Assert.Null((await AtlassianTestHost.BodyAsync(get))["members"]);
        }

        _emulator.Jira.Faults.Clear();
        using (var retry = await host.AddMembersAsync(group, alice))
        {
            Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
        }

        Assert.Equal(["alice@contoso.com"], _emulator.Jira.MembersOf("Engineering"));
    }

    [Fact]
    public async Task Jira500And429MidCycle_AreRetriedTransparently()
    {
        await using var host = await StartAsync();
        _emulator.Jira.Faults.FailNext(1, HttpStatusCode.InternalServerError);
        var alice = await host.CreateUserAsync("alice@contoso.com", "Alice");

        _emulator.Jira.Faults.FailNext(2, HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(1));
        using (var update = await host.PatchAsync("Users/" + alice, """[{ "op": "Replace", "path": "displayName", "value": "Alice B" }]"""))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }

        Assert.Equal("Alice B", _emulator.Jira.FindUser("alice@contoso.com")!.DisplayName);
    }

    [Fact]
    public async Task QueuedMode_JiraDownForAWholeCycle_NothingIsLost()
    {
        await using var host = await StartAsync(AtlassianWriteMode.Queued);
        _emulator.Jira.Faults.Down = true;
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await host.CreateUserAsync($"user{i}@contoso.com", $"User {i}"));
        }

        var group = await host.CreateGroupAsync("Engineering");
        using (await host.AddMembersAsync(group, [.. ids]))
        {
        }

        using (var disable = await host.PatchAsync("Users/" + ids[0], """[{ "op": "Replace", "path": "active", "value": "False" }]"""))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }

        Assert.Null(_emulator.Jira.FindUser("user1@contoso.com"));
        _emulator.Jira.Faults.Clear();

        await AtlassianTestHost.EventuallyAsync(async () => (await host.State.PeekAsync("jira", 1, default)).Count == 0, "the outbox to drain");
        // Disabled while Jira was down: never created (an inactive user needs no licence), or, when an attempt that
        // read the user before the change was under way as Jira came back, created and then deactivated by the next entry.
        Assert.False(_emulator.Jira.FindUser("user0@contoso.com")?.Active ?? false);
        Assert.Empty(await host.State.ListDeadLettersAsync("jira", default));
        for (var i = 1; i < 5; i++)
        {
            Assert.True(_emulator.Jira.FindUser($"user{i}@contoso.com")!.Active);
        }

        Assert.Equal(
            ["user1@contoso.com", "user2@contoso.com", "user3@contoso.com", "user4@contoso.com"],
            _emulator.Jira.MembersOf("Engineering").Where(u => u != "user0@contoso.com").Order(StringComparer.Ordinal));
        var report = await host.Reconciler.RunAsync("jira", dryRun: true);
        Assert.Empty(report.Changes);
    }

    [Fact]
    public async Task Reconciliation_RepairsAUserReactivatedAndRegroupedByHandInJira()
    {
        await using var host = await StartAsync();
        var alice = await host.CreateUserAsync("alice@contoso.com", "Alice");
        var group = await host.CreateGroupAsync("Engineering");
        using (await host.AddMembersAsync(group, alice))
        {
        }

        using (await host.PatchAsync("Users/" + alice, """[{ "op": "Replace", "path": "active", "value": "False" }]"""))
        {
        }

        _emulator.Jira.SetUserActive("alice@contoso.com", true);
        _emulator.Jira.RemoveFromGroup("Engineering", "alice@contoso.com");
        _emulator.Jira.AddUser("local.admin");
        _emulator.Jira.AddToGroup("Engineering", "local.admin");

        #region reconcile
        var reconciler = host.Services.GetRequiredService<AtlassianReconciler>();
        var dryRun = await reconciler.RunAsync("jira", dryRun: true);
        foreach (var change in dryRun.Changes)
        {
            Console.WriteLine($"{change.Kind} {change.Subject} {change.Detail}");
        }

        var repaired = await reconciler.RunAsync("jira", dryRun: false);
        #endregion

        Assert.Equal(3, dryRun.Changes.Count);
        Assert.True(_emulator.Jira.FindUser("local.admin")!.Active);
        Assert.True(repaired.Completed);
        Assert.Equal(dryRun.Changes.Select(c => (c.Kind, c.Subject)), repaired.Changes.Select(c => (c.Kind, c.Subject)));
        Assert.False(_emulator.Jira.FindUser("alice@contoso.com")!.Active);
        Assert.Equal(["alice@contoso.com"], _emulator.Jira.MembersOf("Engineering"));
        Assert.Empty((await reconciler.RunAsync("jira", dryRun: true)).Changes);
    }

    [Fact]
    public async Task QueuedMode_TheOutboxAndTheLinksSurviveARestart()
    {
        var directory = Directory.CreateTempSubdirectory("scimsync-atlassian-restart-").FullName;
        try
        {
            string alice;
            _emulator.Jira.Faults.Down = true;
            await using (var host = await StartAsync(AtlassianWriteMode.Queued, directory))
            {
                alice = await host.CreateUserAsync("alice@contoso.com", "Alice");
                await host.CreateUserAsync("bob@contoso.com", "Bob");
                Assert.Equal(2, (await host.State.PeekAsync("jira", 10, default)).Count);
            }

            _emulator.Jira.Faults.Clear();
            await using (var host = await StartAsync(AtlassianWriteMode.Queued, directory))
            {
                await AtlassianTestHost.EventuallyAsync(async () => (await host.State.PeekAsync("jira", 1, default)).Count == 0, "the outbox to drain after the restart");
                Assert.True(_emulator.Jira.FindUser("alice@contoso.com")!.Active);
                Assert.True(_emulator.Jira.FindUser("bob@contoso.com")!.Active);
            }

            // The link (ScimSync id to Jira key) is durable too: a rename after another restart renames, not duplicates.
            var key = _emulator.Jira.FindUser("alice@contoso.com")!.Key;
            await using (var host = await StartAsync(AtlassianWriteMode.WriteThrough, directory))
            {
                using var rename = await host.PatchAsync("Users/" + alice, """[{ "op": "Replace", "path": "userName", "value": "alice.smith@contoso.com" }]""");
                Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
            }

            Assert.Null(_emulator.Jira.FindUser("alice@contoso.com"));
            Assert.Equal(key, _emulator.Jira.FindUser("alice.smith@contoso.com")!.Key);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task BasicAuthentication_WithAnAdministratorsPassword_Works()
    {
        _emulator.Jira.AdminUsername = "jira-admin";
        _emulator.Jira.AdminPassword = "s3cret:with-colon";
        await using var host = await AtlassianTestHost.StartAsync(scim => scim.AddAtlassianTarget("jira", o =>
        {
            o.Product = AtlassianProduct.Jira;
            o.BaseAddress = _emulator.Jira.BaseAddress;
            o.Username = "jira-admin";
            o.Password = "s3cret:with-colon";
            o.Directory = "atlassian";
        }));

        await host.CreateUserAsync("basic@contoso.com", "Basic");

        Assert.True(_emulator.Jira.FindUser("basic@contoso.com")!.Active);
    }

    [Fact]
    public async Task WrongToken_IsReportedAs503AndLogged_NotAs500()
    {
        _emulator.Jira.PersonalAccessTokens.Clear();
        await using var host = await StartAsync();

        using var response = await host.Client.PostAsync("Users", AtlassianTestHost.Json("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x@contoso.com" }"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
