// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;
using ScimSync.Admin.Tests.Infrastructure;
using ScimSync.Policies;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Admin.Tests;

/// <summary><see cref="ScimConsoleSettings"/> from code: each change applies to the next SCIM request, and refused changes change nothing.</summary>
public sealed class SettingsApiTests
{
    private const string PolicyConnection = "with-policies";
    private const string PolicyToken = "policy-token-0123456789abcdef";

    private static Task<ConsoleTestHost> StartAsync() =>
        ConsoleTestHost.StartAsync(scim: s => s.AddConnection(PolicyConnection, c => c
            .UseBearerToken(PolicyToken)
            .UsePolicies(p => p.GroupMapping.DefaultGroupsForNewUsers.Add("from-config"))));

    private static async Task<List<ScimSetting>> SnapshotAsync(ConsoleTestHost host) =>
        [.. (await host.SettingsStore.ReadAllAsync()).OrderBy(s => s.Key, StringComparer.Ordinal)];

    public static IEnumerable<string> GroupsOf(JsonObject? user, string rule) =>
        (user?[ProvisionedUser.Schema]?["groups"] as JsonArray ?? [])
            .Where(g => (string?)g?["rule"] == rule)
            .Select(g => (string)g!["value"]!);

    [Fact]
    public async Task TokenLifecycle_AppliesAtOnce_AndOnlyTheHashIsStored()
    {
        await using var host = await StartAsync();
        var created = await host.Settings.CreateConnectionAsync("made", IdentityProvider.EntraId, null);
        Assert.True(created.CreatedInConsole);
        Assert.Empty(created.Tokens);

        Assert.Equal(HttpStatusCode.Unauthorized, await host.GetUsersStatusAsync("made", null));
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.CreateUserAsync("made", "not-a-token-0123456789abcdef", "x@example.com")).Status);

        var token = await host.Settings.IssueTokenAsync("made", "first", null);
        var (status, _) = await host.CreateUserAsync("made", token.Token, "alice@example.com");
        Assert.Equal(HttpStatusCode.Created, status);

        var stored = await SnapshotAsync(host);
        Assert.NotEmpty(stored);
        Assert.DoesNotContain(stored, s => s.Value.Contains(token.Token, StringComparison.Ordinal));
        Assert.Contains(stored, s => s.Value.Contains(token.Sha256, StringComparison.OrdinalIgnoreCase));

        await host.Settings.RevokeTokenAsync("made", "first");
        Assert.Equal(HttpStatusCode.Unauthorized, await host.GetUsersStatusAsync("made", token.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.CreateUserAsync("made", token.Token, "bob@example.com")).Status);
    }

    public static TheoryData<string> BadNames => ["a b", "../x", new string('a', 65), "", "-lead", "x/y"];

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task CreateConnection_BadName_IsRefusedAndChangesNothing(string name)
    {
        await using var host = await StartAsync();
        var before = await SnapshotAsync(host);
        var connections = host.Settings.GetConnections().Count;

        var e = await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.CreateConnectionAsync(name, IdentityProvider.Generic, null));
        Assert.Equal("name", e.Field);
        Assert.Equal(before, await SnapshotAsync(host));
        Assert.Equal(connections, host.Settings.GetConnections().Count);
    }

    [Fact]
    public async Task CreateConnection_ExistingName_IsRefused()
    {
        await using var host = await StartAsync();
        await host.Settings.CreateConnectionAsync("made", IdentityProvider.Generic, null);
        var before = await SnapshotAsync(host);

        await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.CreateConnectionAsync("MADE", IdentityProvider.Generic, null));
        await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.CreateConnectionAsync(ConsoleTestHost.ConfiguredConnection, IdentityProvider.Generic, null));
        Assert.Equal(before, await SnapshotAsync(host));
    }

    [Fact]
    public async Task IssueToken_InvalidRequests_AreRefusedAndChangeNothing()
    {
        await using var host = await StartAsync();
        await host.Settings.CreateConnectionAsync("made", IdentityProvider.Generic, null);
        var first = await host.Settings.IssueTokenAsync("made", "first", null);
        var before = await SnapshotAsync(host);

        var duplicate = await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.IssueTokenAsync("made", "FIRST", null));
        Assert.Equal("tokenName", duplicate.Field);
        var empty = await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.IssueTokenAsync("made", "   ", null));
        Assert.Equal("tokenName", empty.Field);
        await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.IssueTokenAsync("made", new string('t', 65), null));
        var past = await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.IssueTokenAsync("made", "late", DateTimeOffset.UtcNow.AddDays(-1)));
        Assert.Equal("expiresAt", past.Field);
        await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.IssueTokenAsync("nowhere", "t", null));
        var configured = await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.IssueTokenAsync(ConsoleTestHost.ConfiguredConnection, ConsoleTestHost.ConfiguredTokenName, null));
        Assert.Equal("tokenName", configured.Field);

        Assert.Equal(before, await SnapshotAsync(host));
        Assert.Equal(["first"], host.Settings.FindConnection("made")!.Tokens.Select(t => t.Name));
        Assert.Equal(HttpStatusCode.OK, await host.GetUsersStatusAsync("made", first.Token));
    }

    [Fact]
    public async Task ConfiguredTokenAndConnection_CannotBeRevokedOrDeleted()
    {
        await using var host = await StartAsync();
        var before = await SnapshotAsync(host);

        await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.RevokeTokenAsync(ConsoleTestHost.ConfiguredConnection, ConsoleTestHost.ConfiguredTokenName));
        await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.DeleteConnectionAsync(ConsoleTestHost.ConfiguredConnection));
        await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.DeleteConnectionAsync("nowhere"));

        Assert.Equal(before, await SnapshotAsync(host));
        Assert.Equal(HttpStatusCode.OK, await host.GetUsersStatusAsync(ConsoleTestHost.ConfiguredConnection, ConsoleTestHost.ConfiguredToken));
        var configured = host.Settings.FindConnection(ConsoleTestHost.ConfiguredConnection)!;
        Assert.False(configured.CreatedInConsole);
        Assert.False(Assert.Single(configured.Tokens).IssuedInConsole);
    }

    [Fact]
    public async Task DeleteConnection_StopsItsTokens_AndKeepsItsUsers()
    {
        await using var host = await StartAsync();
        await host.Settings.CreateConnectionAsync("made", IdentityProvider.Generic, "kept");
        var token = await host.Settings.IssueTokenAsync("made", "first", null);
        var (status, user) = await host.CreateUserAsync("made", token.Token, "alice@example.com");
        Assert.Equal(HttpStatusCode.Created, status);

        await host.Settings.DeleteConnectionAsync("made");

        Assert.Null(host.Settings.FindConnection("made"));
        Assert.Equal(HttpStatusCode.Unauthorized, await host.GetUsersStatusAsync("made", token.Token));
        Assert.DoesNotContain(await SnapshotAsync(host), s => s.Key.Contains("made", StringComparison.OrdinalIgnoreCase));

        // Another connection into the same directory still finds the user.
        await host.Settings.CreateConnectionAsync("again", IdentityProvider.Generic, "kept");
        var again = await host.Settings.IssueTokenAsync("again", "first", null);
        using var client = host.Scim("again", again.Token);
        using var response = await client.GetAsync("Users/" + (string)user!["id"]!);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("alice@example.com", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredConnection_ConsoleTokenRotation_KeepsTheConfiguredToken()
    {
        await using var host = await StartAsync();
        var extra = await host.Settings.IssueTokenAsync(ConsoleTestHost.ConfiguredConnection, "rotation", null);
        Assert.Equal(HttpStatusCode.OK, await host.GetUsersStatusAsync(ConsoleTestHost.ConfiguredConnection, extra.Token));
        Assert.Equal(HttpStatusCode.OK, await host.GetUsersStatusAsync(ConsoleTestHost.ConfiguredConnection, ConsoleTestHost.ConfiguredToken));
        var tokens = host.Settings.FindConnection(ConsoleTestHost.ConfiguredConnection)!.Tokens;
        Assert.Equal([(ConsoleTestHost.ConfiguredTokenName, false), ("rotation", true)], tokens.Select(t => (t.Name, t.IssuedInConsole)));

        await host.Settings.RevokeTokenAsync(ConsoleTestHost.ConfiguredConnection, "rotation");

        Assert.Equal(HttpStatusCode.Unauthorized, await host.GetUsersStatusAsync(ConsoleTestHost.ConfiguredConnection, extra.Token));
        Assert.Equal(HttpStatusCode.OK, await host.GetUsersStatusAsync(ConsoleTestHost.ConfiguredConnection, ConsoleTestHost.ConfiguredToken));
        Assert.False(host.Settings.FindConnection(ConsoleTestHost.ConfiguredConnection)!.CreatedInConsole);
    }

    [Fact]
    public async Task DeletedThenRecreated_OldTokensDoNotWork()
    {
        await using var host = await StartAsync();
        await host.Settings.CreateConnectionAsync("made", IdentityProvider.Generic, null);
        var old = await host.Settings.IssueTokenAsync("made", "first", null);
        await host.Settings.DeleteConnectionAsync("made");

        var recreated = await host.Settings.CreateConnectionAsync("made", IdentityProvider.Generic, null);

        Assert.Empty(recreated.Tokens);
        Assert.Equal(HttpStatusCode.Unauthorized, await host.GetUsersStatusAsync("made", old.Token));
        var fresh = await host.Settings.IssueTokenAsync("made", "first", null);
        Assert.Equal(HttpStatusCode.OK, await host.GetUsersStatusAsync("made", fresh.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await host.GetUsersStatusAsync("made", old.Token));
    }

    [Fact]
    public async Task SetPolicies_DefaultGroupsForNewUsers_ApplyToTheNextUser()
    {
        await using var host = await StartAsync();
        await host.Settings.CreateConnectionAsync("made", IdentityProvider.Generic, null);
        var token = await host.Settings.IssueTokenAsync("made", "first", null);
        var connection = host.Settings.FindConnection("made")!;
        Assert.Null(connection.Policies);

        var policies = new ProvisioningPolicyOptions();
        policies.GroupMapping.DefaultGroupsForNewUsers.Add("staff");
        await host.Settings.SetPoliciesAsync("made", policies, connection.Version);

        Assert.True(host.Settings.FindConnection("made")!.PoliciesFromConsole);
        var (status, user) = await host.CreateUserAsync("made", token.Token, "alice@example.com");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["staff"], GroupsOf(user, MembershipRules.DefaultForNewUsers));
    }

    [Fact]
    public async Task SetPolicies_Invalid_IsRefusedWithTheSetting_AndNothingIsSaved()
    {
        await using var host = await StartAsync();
        var connection = host.Settings.FindConnection(PolicyConnection)!;
        var before = await SnapshotAsync(host);

        var policies = connection.Policies!;
        policies.GroupMapping.Mode = GroupMappingMode.OnTheFly;
        policies.GroupMapping.Include.Add("([");
        var e = await Assert.ThrowsAsync<ScimConsoleValidationException>(() => host.Settings.SetPoliciesAsync(PolicyConnection, policies, connection.Version));

        Assert.Contains(e.Problems, p => p.Contains("Include", StringComparison.Ordinal));
        Assert.Equal(before, await SnapshotAsync(host));
        Assert.False(host.Settings.FindConnection(PolicyConnection)!.PoliciesFromConsole);
        var (status, user) = await host.CreateUserAsync(PolicyConnection, PolicyToken, "alice@example.com");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["from-config"], GroupsOf(user, MembershipRules.DefaultForNewUsers));
    }

    [Fact]
    public async Task SetPolicies_StaleVersion_IsAConflict_AndNothingIsSaved()
    {
        await using var host = await StartAsync();
        var stale = host.Settings.FindConnection(PolicyConnection)!;
        var first = stale.Policies!;
        first.GroupMapping.DefaultGroupsForNewUsers.Add("first");
        await host.Settings.SetPoliciesAsync(PolicyConnection, first, stale.Version);
        var before = await SnapshotAsync(host);

        var second = host.Settings.FindConnection(PolicyConnection)!.Policies!;
        second.GroupMapping.DefaultGroupsForNewUsers.Add("second");
        await Assert.ThrowsAsync<ScimConsoleConflictException>(() => host.Settings.SetPoliciesAsync(PolicyConnection, second, stale.Version));
        await Assert.ThrowsAsync<ScimConsoleConflictException>(() => host.Settings.ResetPoliciesAsync(PolicyConnection, stale.Version));

        Assert.Equal(before, await SnapshotAsync(host));
        var (_, user) = await host.CreateUserAsync(PolicyConnection, PolicyToken, "alice@example.com");
        Assert.Equal(["first", "from-config"], GroupsOf(user, MembershipRules.DefaultForNewUsers).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ResetPolicies_BringsBackTheConfiguredPolicies()
    {
        await using var host = await StartAsync();
        var connection = host.Settings.FindConnection(PolicyConnection)!;
        Assert.False(connection.PoliciesFromConsole);
        var policies = connection.Policies!;
        policies.GroupMapping.DefaultGroupsForNewUsers.Clear();
        policies.GroupMapping.DefaultGroupsForNewUsers.Add("from-console");
        await host.Settings.SetPoliciesAsync(PolicyConnection, policies, connection.Version);
        var (_, alice) = await host.CreateUserAsync(PolicyConnection, PolicyToken, "alice@example.com");
        Assert.Equal(["from-console"], GroupsOf(alice, MembershipRules.DefaultForNewUsers));

        await host.Settings.ResetPoliciesAsync(PolicyConnection, host.Settings.FindConnection(PolicyConnection)!.Version);

        var reset = host.Settings.FindConnection(PolicyConnection)!;
        Assert.False(reset.PoliciesFromConsole);
        Assert.Equal(["from-config"], reset.Policies!.GroupMapping.DefaultGroupsForNewUsers);
        var (_, bob) = await host.CreateUserAsync(PolicyConnection, PolicyToken, "bob@example.com");
        Assert.Equal(["from-config"], GroupsOf(bob, MembershipRules.DefaultForNewUsers));
    }
}
