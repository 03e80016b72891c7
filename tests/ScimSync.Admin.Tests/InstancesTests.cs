// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using ScimSync.Admin.Tests.Infrastructure;
using ScimSync.Policies;
using ScimSync.Server;

namespace ScimSync.Admin.Tests;

/// <summary>Console settings across a restart and across two instances of the host on one SQLite file.</summary>
public sealed class InstancesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-admin-shared-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        ConsoleTestHost.TryDelete(_directory);
    }

    [Fact]
    public async Task Restart_TokenConnectionAndPolicies_Survive()
    {
        GeneratedToken token;
        await using (var a = await ConsoleTestHost.StartAsync(_directory))
        {
            await a.Settings.CreateConnectionAsync("made", IdentityProvider.Okta, "dir");
            token = await a.Settings.IssueTokenAsync("made", "first", null);
            var policies = new ProvisioningPolicyOptions();
            policies.GroupMapping.DefaultGroupsForNewUsers.Add("staff");
            await a.Settings.SetPoliciesAsync("made", policies, a.Settings.FindConnection("made")!.Version);
        }

        await using var b = await ConsoleTestHost.StartAsync(_directory);
        var connection = b.Settings.FindConnection("made");
        Assert.NotNull(connection);
        Assert.Equal(IdentityProvider.Okta, connection.IdentityProvider);
        Assert.Equal("dir", connection.Directory);
        Assert.True(connection.CreatedInConsole);
        var (status, user) = await b.CreateUserAsync("made", token.Token, "alice@example.com");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["staff"], SettingsApiTests.GroupsOf(user, MembershipRules.DefaultForNewUsers));
    }

    [Fact]
    public async Task TwoInstances_ChangeOnOne_AppliesOnTheOtherAfterReload()
    {
        await using var a = await ConsoleTestHost.StartAsync(_directory);
        await using var b = await ConsoleTestHost.StartAsync(_directory);

        await a.Settings.CreateConnectionAsync("shared", IdentityProvider.Generic, null);
        var token = await a.Settings.IssueTokenAsync("shared", "first", null);
        Assert.Equal(HttpStatusCode.OK, await a.GetUsersStatusAsync("shared", token.Token));

        Assert.Null(b.Settings.FindConnection("shared"));
        Assert.Equal(HttpStatusCode.Unauthorized, await b.GetUsersStatusAsync("shared", token.Token));

        await b.Settings.ReloadAsync();
        Assert.NotNull(b.Settings.FindConnection("shared"));
        Assert.Equal(HttpStatusCode.OK, await b.GetUsersStatusAsync("shared", token.Token));

        await a.Settings.RevokeTokenAsync("shared", "first");
        Assert.Equal(HttpStatusCode.Unauthorized, await a.GetUsersStatusAsync("shared", token.Token));
        Assert.Equal(HttpStatusCode.OK, await b.GetUsersStatusAsync("shared", token.Token));
        await b.Settings.ReloadAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await b.GetUsersStatusAsync("shared", token.Token));

        var second = await b.Settings.IssueTokenAsync("shared", "second", null);
        await a.Settings.ReloadAsync();
        Assert.Equal(HttpStatusCode.OK, await a.GetUsersStatusAsync("shared", second.Token));
        await a.Settings.DeleteConnectionAsync("shared");
        Assert.Equal(HttpStatusCode.OK, await b.GetUsersStatusAsync("shared", second.Token));
        await b.Settings.ReloadAsync();
        Assert.Null(b.Settings.FindConnection("shared"));
        Assert.Equal(HttpStatusCode.Unauthorized, await b.GetUsersStatusAsync("shared", second.Token));
    }

    [Fact]
    public async Task TwoInstances_SetPoliciesFromTheSameVersion_OneWinsOneConflicts()
    {
        await using var a = await ConsoleTestHost.StartAsync(_directory);
        await using var b = await ConsoleTestHost.StartAsync(_directory);
        await a.Settings.CreateConnectionAsync("shared", IdentityProvider.Generic, null);
        var token = await a.Settings.IssueTokenAsync("shared", "first", null);
        await b.Settings.ReloadAsync();
        var version = a.Settings.FindConnection("shared")!.Version;
        Assert.Equal(version, b.Settings.FindConnection("shared")!.Version);

        static ProvisioningPolicyOptions With(string group)
        {
            var p = new ProvisioningPolicyOptions();
            p.GroupMapping.DefaultGroupsForNewUsers.Add(group);
            return p;
        }

        var results = await Task.WhenAll(
            Attempt(() => a.Settings.SetPoliciesAsync("shared", With("from-a"), version)),
            Attempt(() => b.Settings.SetPoliciesAsync("shared", With("from-b"), version)));

        Assert.Single(results, r => r is null);
        Assert.IsType<ScimConsoleConflictException>(Assert.Single(results, r => r is not null));
        var winner = results[0] is null ? "from-a" : "from-b";

        await a.Settings.ReloadAsync();
        await b.Settings.ReloadAsync();
        foreach (var host in new[] { a, b })
        {
            Assert.Equal([winner], host.Settings.FindConnection("shared")!.Policies!.GroupMapping.DefaultGroupsForNewUsers);
        }

        var (_, user) = await b.CreateUserAsync("shared", token.Token, "alice@example.com");
        Assert.Equal([winner], SettingsApiTests.GroupsOf(user, MembershipRules.DefaultForNewUsers));
    }

    private static async Task<Exception?> Attempt(Func<Task> change)
    {
        try
        {
            await change();
            return null;
        }
        catch (Exception e) when (e is ScimConsoleConflictException or ScimConsoleValidationException)
        {
            return e;
        }
    }
}
