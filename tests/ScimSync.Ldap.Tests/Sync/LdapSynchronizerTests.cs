// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Policies;
using Xunit;
using static ScimSync.Ldap.Tests.Sync.LdapTestData;

namespace ScimSync.Ldap.Tests.Sync;

public sealed class LdapSynchronizerTests
{
    private const string Corp = LdapSyncHost.Connection;

    [Fact]
    public async Task Full_sync_creates_users_and_a_second_run_writes_nothing()
    {
        await using var host = LdapSyncHost.Create(Directory());
        var first = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);

        Assert.True(first.Complete, string.Join("; ", first.Errors));
        Assert.Empty(first.Errors);
        Assert.Equal(47, first.Users.Seen);
        Assert.Equal(47, first.Users.Created);
        Assert.Equal(0, first.Users.Failed);
        Assert.Equal(6, first.Groups.Created);

        var ann = await host.UserAsync("user0001");
        Assert.Equal(GuidOf("user0001").ToString(), (string?)ann.Resource["externalId"]);
        Assert.Equal("R&D", (string?)ann.Resource["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["department"]);
        Assert.Equal("user0001@example.org", (string?)ann.Resource["emails"]![0]!["value"]);

        var second = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        Assert.True(second.Complete);
        Assert.Equal(47, second.Users.Unchanged);
        Assert.Equal(0, second.Users.Created + second.Users.Updated + second.Users.Removed);
        Assert.Equal(6, second.Groups.Unchanged);
        Assert.Equal(0, second.Groups.Created + second.Groups.Updated + second.Groups.Removed);
        Assert.Equal(ann.Version, (await host.UserAsync("user0001")).Version);
    }

    [Fact]
    public async Task A_changed_attribute_is_replaced_and_the_rest_stays_unchanged()
    {
        await using var host = LdapSyncHost.Create(Directory());
        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        host.Directory.Set(UserDn("user0002"), "title", "Manager");
        host.Directory.Set(UserDn("user0003"), "userAccountControl", "514");

        var result = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);

        Assert.Equal(2, result.Users.Updated);
        Assert.Equal(45, result.Users.Unchanged);
        Assert.Equal("Manager", (string?)(await host.UserAsync("user0002")).Resource["title"]);
        Assert.False((bool)(await host.UserAsync("user0003")).Resource["active"]!);
    }

    [Fact]
    public async Task Group_members_resolve_differently_spelled_dns_nested_groups_and_cycles()
    {
        var directory = Directory();
        directory.Add(Group("cycle-a", [GroupDn("cycle-b"), UserDn("user0005")]));
        directory.Add(Group("cycle-b", [GroupDn("cycle-a"), UserDn("user0006")]));
        await using var host = LdapSyncHost.Create(directory, o =>
        {
            o.Profile = LdapProfileKind.OpenLdap;
            o.UserFilter = null;
            o.NestedGroups = true;
        });

        var result = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        Assert.True(result.Complete, string.Join("; ", result.Errors));

        var users = (await host.UsersAsync()).ToDictionary(u => (string)u.Resource["userName"]!, u => u.Id);
        var sales = await host.GroupAsync("Sales & Marketing, EMEA");
        Assert.Equal(EdgeLogins.Select(l => users[l]).Order(), LdapSyncHost.MemberIds(sales).Order());

        var nested = await host.GroupAsync("nested-admins");
        var expected = Enumerable.Range(1, 40).Where(i => (i - 1) % 4 is 0 or 1 || i == 40).Select(i => users[Login(i)]);
        Assert.Equal(expected.Order(), LdapSyncHost.MemberIds(nested).Order());

        var cycle = await host.GroupAsync("cycle-a");
        Assert.Equal(new[] { users["user0005"], users["user0006"] }.Order(), LdapSyncHost.MemberIds(cycle).Order());
    }

    [Fact]
    public async Task Without_nested_groups_only_direct_user_members_count()
    {
        await using var host = LdapSyncHost.Create(Directory());
        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        var nested = await host.GroupAsync("nested-admins");
        Assert.Equal([(await host.UserAsync("user0040")).Id], LdapSyncHost.MemberIds(nested));
    }

    [Fact]
    public async Task Active_directory_nested_groups_use_the_in_chain_rule()
    {
        await using var host = LdapSyncHost.Create(Directory(), o => o.NestedGroups = true);
        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);

        Assert.Contains(host.Directory.Searches, s => s.Filter.Contains("memberOf:1.2.840.113556.1.4.1941:=cn=nested-admins,ou=groups", StringComparison.Ordinal));
        Assert.Equal(21, LdapSyncHost.MemberIds(await host.GroupAsync("nested-admins")).Count());
    }

    [Fact]
    public async Task Posix_groups_resolve_member_uids()
    {
        var directory = Directory();
        directory.Add(PosixGroup("developers", ["user0007", "BACK\\SLASH", "nobody"]));
        await using var host = LdapSyncHost.Create(directory, o =>
        {
            o.Profile = LdapProfileKind.OpenLdap;
            o.UserFilter = null;
        });
        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);

        var developers = await host.GroupAsync("developers");
        Assert.Equal(new[] { (await host.UserAsync("user0007")).Id, (await host.UserAsync("back\\slash")).Id }.Order(), LdapSyncHost.MemberIds(developers).Order());
    }

    [Fact]
    public async Task Member_changes_are_applied_as_a_patch_diff()
    {
        await using var host = LdapSyncHost.Create(Directory());
        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        var before = await host.GroupAsync("group01");
        host.Directory.Set(GroupDn("group01"), "member", UserDn("user0001"), UserDn("user0002"));

        var result = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);

        Assert.Equal(1, result.Groups.Updated);
        var after = await host.GroupAsync("group01");
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(new[] { (await host.UserAsync("user0001")).Id, (await host.UserAsync("user0002")).Id }.Order(), LdapSyncHost.MemberIds(after).Order());
    }

    [Fact]
    public async Task Group_mapping_on_the_fly_gives_users_target_memberships()
    {
        await using var host = LdapSyncHost.Create(Directory(), policies: p =>
        {
            p.GroupMapping.Mode = GroupMappingMode.OnTheFly;
            p.GroupMapping.Include.Add("^group0[12]$");
        });
        var result = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        Assert.True(result.Complete, string.Join("; ", result.Errors));

        var user = ProvisionedUser.Read((await host.UserAsync("user0001")).Resource);
        Assert.True(user.Memberships.Contains("group01"));
        Assert.False(user.Memberships.Contains("nested-admins"));
        Assert.True(ProvisionedUser.Read((await host.UserAsync("user0002")).Resource).Memberships.Contains("group02"));
        Assert.False(ProvisionedUser.Read((await host.UserAsync("user0003")).Resource).Memberships.Contains("group01"));

        // Leaving the LDAP group revokes the grant (through the same group PATCH path as SCIM pushes).
        host.Directory.Set(GroupDn("group01"), "member", UserDn("user0005"));
        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        Assert.False(ProvisionedUser.Read((await host.UserAsync("user0001")).Resource).Memberships.Contains("group01"));
        Assert.True(ProvisionedUser.Read((await host.UserAsync("user0005")).Resource).Memberships.Contains("group01"));
    }

    [Fact]
    public async Task Users_gone_from_the_directory_are_deactivated_with_on_delete_deactivate()
    {
        await using var host = LdapSyncHost.Create(Directory(), policies: p => p.Lifecycle.OnDelete = UserDeleteBehavior.Deactivate);
        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        host.Directory.Remove(UserDn("user0004"));
        host.Directory.Remove(GroupDn("group04"));

        var result = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);

        Assert.Null(result.DeletionsSkippedReason);
        Assert.Equal(1, result.Users.Removed);
        Assert.Equal(1, result.Groups.Removed);
        var gone = await host.UserAsync("user0004");
        Assert.False((bool)gone.Resource["active"]!);
        Assert.True(ProvisionedUser.Read(gone.Resource).Deprovisioned);
        Assert.DoesNotContain(await host.GroupsAsync(), g => (string?)g.Resource["displayName"] == "group04");

        // Already deactivated: the next run does not remove it again.
        var third = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        Assert.Equal(0, third.Users.Removed);

        // Back in the directory: reactivated.
        host.Directory.Add(AdUser("user0004"));
        var fourth = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        Assert.Equal(1, fourth.Users.Updated);
        Assert.True((bool)(await host.UserAsync("user0004")).Resource["active"]!);
    }

    [Fact]
    public async Task A_search_failing_midway_removes_nobody()
    {
        await using var host = LdapSyncHost.Create(Directory(), policies: p => p.Lifecycle.OnDelete = UserDeleteBehavior.Deactivate);
        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        host.Directory.FailAfter = 30;
        host.Directory.FailBase = People;
        host.Directory.Set(UserDn("user0001"), "title", "Changed before the failure");

        var result = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);

        Assert.False(result.Complete);
        Assert.NotNull(result.DeletionsSkippedReason);
        Assert.Equal(0, result.Users.Removed);
        Assert.Equal(0, result.Groups.Removed);
        Assert.Contains(result.Errors, e => e.Contains("sizeLimitExceeded", StringComparison.Ordinal));
        Assert.All(await host.UsersAsync(), u => Assert.True((bool)u.Resource["active"]! || (string?)u.Resource["userName"] is null));

        // Group members that were not read are not removed either.
        Assert.Equal(10, LdapSyncHost.MemberIds(await host.GroupAsync("group04")).Count());
    }

    [Fact]
    public async Task Seeing_fewer_than_the_minimum_ratio_removes_nobody()
    {
        await using var host = LdapSyncHost.Create(Directory(), o => o.MinimumSeenRatio = 0.8, p => p.Lifecycle.OnDelete = UserDeleteBehavior.Deactivate);
        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        for (var i = 1; i <= 20; i++)
        {
            host.Directory.Remove(UserDn(Login(i)));
        }

        var result = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);

        Assert.True(result.Complete);
        Assert.Contains("MinimumSeenRatio", result.DeletionsSkippedReason, StringComparison.Ordinal);
        Assert.Equal(0, result.Users.Removed);
        Assert.All(await host.UsersAsync(), u => Assert.True((bool)u.Resource["active"]!));

        // Ten gone of 47 (79 % seen... of 47 known, 37 seen = 0.787 < 0.8): still held; five gone passes.
        host.Directory.Add(AdUser(Login(1)));
        for (var i = 2; i <= 20; i++)
        {
            host.Directory.Add(AdUser(Login(i)));
        }

        host.Directory.Remove(UserDn(Login(1)));
        var small = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        Assert.Null(small.DeletionsSkippedReason);
        Assert.Equal(1, small.Users.Removed);
    }

    [Fact]
    public async Task Connect_failure_is_reported_and_changes_nothing()
    {
        await using var host = LdapSyncHost.Create(Directory());
        host.Directory.FailConnect = true;
        var result = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        Assert.False(result.Complete);
        Assert.Contains(result.Errors, e => e.Contains("connection refused", StringComparison.Ordinal));
        Assert.Empty(await host.UsersAsync());
    }

    [Fact]
    public async Task Entries_that_fail_are_counted_and_the_run_continues()
    {
        var directory = Directory();
        directory.Add(Entry("uid=nameless," + People, ("objectClass", "user"), ("objectGUID", GuidOf("nameless").ToByteArray())));
        directory.Add(Entry("uid=noguid," + People, ("objectClass", "user"), ("sAMAccountName", "noguid")));
        await using var host = LdapSyncHost.Create(directory);

        var result = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);

        Assert.Equal(49, result.Users.Seen);
        Assert.Equal(47, result.Users.Created);
        Assert.Equal(2, result.Users.Failed);
        Assert.Equal(2, result.Errors.Count);
    }

    [Fact]
    public async Task A_second_run_of_the_same_connection_fails_fast()
    {
        var directory = Directory();
        await using var host = LdapSyncHost.Create(directory);
        var gate = new TaskCompletionSource();
        var slow = new BlockingFactory(directory, gate.Task);
        await using var blocked = LdapSyncHost.Create(directory);
        var synchronizer = new LdapSynchronizer(
            slow,
            host.Provisioner,
            (ScimSync.Server.ScimPolicyPreview)host.Services.GetService(typeof(ScimSync.Server.ScimPolicyPreview))!,
            (Microsoft.Extensions.Options.IOptionsMonitor<LdapSourceOptions>)host.Services.GetService(typeof(Microsoft.Extensions.Options.IOptionsMonitor<LdapSourceOptions>))!,
            new InMemoryLdapSyncStateStore(),
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<LdapSynchronizer>.Instance,
            [new LdapSourceRegistration(Corp)]);

        var first = synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        Assert.True(synchronizer.IsRunning(Corp));
        await Assert.ThrowsAsync<InvalidOperationException>(() => synchronizer.SyncAsync(Corp, LdapSyncMode.Full));
        gate.SetResult();
        Assert.True((await first).Complete);
        Assert.False(synchronizer.IsRunning(Corp));
    }

    [Fact]
    public async Task An_unknown_connection_is_refused()
    {
        await using var host = LdapSyncHost.Create(Directory());
        await Assert.ThrowsAsync<ArgumentException>(() => host.Synchronizer.SyncAsync("nope", LdapSyncMode.Full));
    }

    private sealed class BlockingFactory(FakeLdapDirectory directory, Task gate) : ILdapDirectoryFactory
    {
        public async Task<ILdapDirectory> ConnectAsync(LdapServerOptions options, CancellationToken cancellationToken = default)
        {
            await gate;
            return directory;
        }
    }
}
