// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics;
using ScimSync.Policies;
using Xunit;
using static ScimSync.Ldap.Tests.Sync.LdapTestData;

namespace ScimSync.Ldap.Tests.Sync;

public sealed class LdapSyncScaleTests
{
    private const string Corp = LdapSyncHost.Connection;

    [Fact]
    public async Task A_two_thousand_member_group_syncs_over_paged_store_reads()
    {
        var directory = Directory(users: 2000, groups: 20);
        directory.Add(Group("all-users", Enumerable.Range(1, 2000).Select(i => UserDn(Login(i)))));
        await using var host = LdapSyncHost.Create(directory, o => o.Profile = LdapProfileKind.ActiveDirectory);

        var first = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        Assert.True(first.Complete, string.Join("; ", first.Errors));
        Assert.Equal(2007, first.Users.Created);
        Assert.Equal(2007, (await host.Provisioner.ListAsync(Corp, ScimSync.Server.ScimResourceKind.User, new ScimSync.Stores.ListQuery { Count = 1 })).TotalResults);
        Assert.Equal(2000, LdapSyncHost.MemberIds(await host.GroupAsync("all-users")).Count());

        var watch = Stopwatch.StartNew();
        var second = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        Assert.Equal(2007, second.Users.Unchanged);
        Assert.Equal(23, second.Groups.Unchanged);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"A no-change run took {watch.Elapsed}.");
    }

    [Fact]
    public async Task Over_sqlite_a_second_run_writes_nothing_either()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("scimsync-ldap-").FullName;
        try
        {
            await using (var host = LdapSyncHost.Create(Directory(), policies: p => p.GroupMapping.Mode = GroupMappingMode.OnTheFly, sqlitePath: Path.Combine(folder, "scim.db")))
            {
                var first = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
                Assert.True(first.Complete, string.Join("; ", first.Errors));
                Assert.Equal(47, first.Users.Created);

                var second = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
                Assert.Equal(47, second.Users.Unchanged);
                Assert.Equal(6, second.Groups.Unchanged);
                Assert.True(ProvisionedUser.Read((await host.UserAsync("user0001")).Resource).Memberships.Contains("group01"));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Active_directory_ranged_member_values_are_read_in_full()
    {
        var directory = Directory();
        var group = Group("ranged", Enumerable.Range(1, 30).Select(i => UserDn(Login(i))));
        var attributes = new Dictionary<string, IReadOnlyList<byte[]>>(group.Attributes, StringComparer.OrdinalIgnoreCase)
        {
            ["member;range=0-4"] = group.Attributes["member"].Take(5).ToList(),
        };
        directory.Add(group with { Attributes = attributes });
        await using var host = LdapSyncHost.Create(directory);

        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);

        Assert.Equal(30, LdapSyncHost.MemberIds(await host.GroupAsync("ranged")).Count());
    }

    [Fact]
    public async Task Removals_the_safety_brake_holds_are_counted_as_held()
    {
        await using var host = LdapSyncHost.Create(Directory(), policies: p =>
        {
            p.Lifecycle.OnDelete = UserDeleteBehavior.Deactivate;
            p.SafetyBrake.Enabled = true;
            p.SafetyBrake.MaxDeactivatedPercent = 5;
            p.SafetyBrake.MinimumDeactivations = 3;
        });
        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        for (var i = 1; i <= 8; i++)
        {
            host.Directory.Remove(UserDn(Login(i)));
        }

        var result = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);

        Assert.True(result.Complete);
        Assert.True(result.Users.Held > 0, "The brake held nothing.");
        Assert.Equal(8, result.Users.Removed + result.Users.Held);
        Assert.Equal(result.Users.Removed, (await host.UsersAsync()).Count(u => !(bool)u.Resource["active"]!));
    }

    [Fact]
    public async Task Cancelling_a_run_removes_nobody()
    {
        await using var host = LdapSyncHost.Create(Directory(), policies: p => p.Lifecycle.OnDelete = UserDeleteBehavior.Deactivate);
        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        host.Directory.Remove(UserDn(Login(1)));
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full, cancel.Token));

        Assert.All(await host.UsersAsync(), u => Assert.True((bool)u.Resource["active"]!));
        Assert.False(host.Synchronizer.IsRunning(Corp));
    }
}
