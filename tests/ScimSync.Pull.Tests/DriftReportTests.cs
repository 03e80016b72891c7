// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Server;

namespace ScimSync.Pull.Tests;

public sealed class DriftReportTests
{
    [Fact]
    public async Task Drift_ListsEveryKindOfDifference_AndWritesNothing()
    {
        await using var host = PullSyncHost.Create();
        host.Source.AddUser("u1", "ada@example.com", "ada@example.com", "Research");
        host.Source.AddUser("u2", "bob@example.com");
        host.Source.AddUser("u3", "cyd@example.com");
        host.Source.AddGroup("g1", "Engineers", "u1", "u2");
        host.Source.AddGroup("g2", "Old");
        await host.SyncAsync();
        var state = await host.State.GetAsync(PullSyncHost.Connection);

        host.Source.UpdateUser("u1", "dept", "Sales");
        host.Source.UpdateUser("u1", "enabled", false);
        host.Source.ForgetUser("u3");
        host.Source.AddUser("u4", "dee@example.com");
        host.Source.RemoveMember("g1", "u2");
        host.Source.AddMember("g1", "u4");
        host.Source.RenameGroup("g1", "Engineering");
        host.Source.RemoveGroup("g2");
        host.Source.AddGroup("g3", "New");

        var report = await host.Synchronizer.DriftAsync(PullSyncHost.Connection);

        Assert.True(report.Complete);
        Assert.Equal((3, 2), (report.UsersCompared, report.GroupsCompared));
        Assert.Equal(
            [
                "User MissingInStore u4 dee@example.com ",
                "User NotInSource u3 cyd@example.com ",
                "User AttributesDiffer u1 ada@example.com active,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                "Group MissingInStore g3 New ",
                "Group NotInSource g2 Old ",
                "Group AttributesDiffer g1 Engineering displayName",
                "Group MembersDiffer g1 Engineering -u2",
            ],
            report.Items.Select(i => $"{i.Kind} {i.Drift} {i.ExternalId} {i.Name} {string.Join(',', i.Details)}").OrderBy(s => s.StartsWith("Group", StringComparison.Ordinal)).ToList());
        Assert.Equal(3, (await host.UsersAsync()).Count);
        Assert.Equal("Research", (string?)(await host.UserAsync("u1"))!.Resource["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["department"]);
        Assert.Equal(state, await host.State.GetAsync(PullSyncHost.Connection));

        // u4 is not in the store, so the group's +u4 cannot be a membership difference yet; after a sync nothing differs.
        await host.SyncAsync();
        var clean = await host.Synchronizer.DriftAsync(PullSyncHost.Connection);
        Assert.Empty(clean.Items);
    }

    [Fact]
    public async Task Drift_WithAFailedListing_IsIncomplete_AndClaimsNothingIsMissingFromTheSource()
    {
        await using var host = PullSyncHost.Create();
        host.Source.AddUser("u1", "ada@example.com");
        host.Source.AddUser("u2", "bob@example.com");
        await host.SyncAsync();
        host.Source.FailUsersAfter = 1;

        var report = await host.Synchronizer.DriftAsync(PullSyncHost.Connection);

        Assert.False(report.Complete);
        Assert.DoesNotContain(report.Items, i => i.Drift == DriftKind.NotInSource);
        Assert.Contains(report.Errors, e => e.Contains("user listing failed", StringComparison.Ordinal));
        Assert.All(report.Items, i => Assert.Equal(ScimResourceKind.User, i.Kind));
    }
}
