// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Server;

namespace ScimSync.Pull.Tests;

public sealed class PullSynchronizerTests
{
    private const string Department = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    [Fact]
    public async Task FullRun_CreatesUsersAndGroupsWithMembers_AndASecondRunWritesNothing()
    {
        await using var host = PullSyncHost.Create();
        host.Source.AddUser("u1", "ada@example.com", "ada@example.com", "Research");
        host.Source.AddUser("u2", "bob@example.com", enabled: false);
        host.Source.AddGroup("g1", "Engineers", "u1", "u2", "not-a-known-user");

        var first = await host.SyncAsync();

        Assert.True(first.Complete);
        Assert.Equal((2, 2, 1, 1), (first.Users.Seen, first.Users.Created, first.Groups.Seen, first.Groups.Created));
        var ada = await host.UserAsync("u1");
        Assert.Equal("ada@example.com", (string?)ada!.Resource["userName"]);
        Assert.Equal("Research", (string?)ada.Resource[Department]!["department"]);
        Assert.Equal("ada@example.com", (string?)ada.Resource["emails"]![0]!["value"]);
        Assert.False((bool)(await host.UserAsync("u2"))!.Resource["active"]!);
        Assert.Equal(["u1", "u2"], await host.MemberExternalIdsAsync("g1"));

        var second = await host.SyncAsync();

        Assert.Equal((2, 0, 0), (second.Users.Unchanged, second.Users.Created, second.Users.Updated));
        Assert.Equal((1, 0), (second.Groups.Unchanged, second.Groups.Updated));
    }

    [Fact]
    public async Task DeltaRun_ReadsFromTheStoredCursor_AndAppliesOnlyWhatChanged()
    {
        await using var host = PullSyncHost.Create();
        host.Source.AddUser("u1", "ada@example.com", "ada@example.com", "Research");
        host.Source.AddUser("u2", "bob@example.com");
        host.Source.AddGroup("g1", "Engineers", "u1");
        await host.SyncAsync();
        var cursor = (await host.State.GetAsync(PullSyncHost.Connection))!.UserCursor;

        host.Source.UpdateUser("u1", "dept", null);
        host.Source.AddUser("u3", "cyd@example.com");
        host.Source.AddMember("g1", "u3");
        host.Source.RemoveMember("g1", "u1");
        host.Source.RenameGroup("g1", "Engineering");
        var delta = await host.SyncAsync(PullSyncMode.Delta);

        Assert.Equal(PullSyncMode.Delta, delta.Mode);
        Assert.Equal(cursor, host.Source.UserCursorsRead[^1]);
        Assert.Equal((2, 1, 1), (delta.Users.Seen, delta.Users.Created, delta.Users.Updated));
        Assert.Null((await host.UserAsync("u1"))!.Resource[Department]?["department"]);
        Assert.Equal((1, 1), (delta.Groups.Seen, delta.Groups.Updated));
        Assert.Equal(["u3"], await host.MemberExternalIdsAsync("g1"));
        Assert.Equal("Engineering", (string?)(await host.GroupAsync("g1"))!.Resource["displayName"]);
    }

    [Fact]
    public async Task DeltaRun_SoftDeleteDeactivates_RestoreReactivates_DeleteRemoves()
    {
        await using var host = PullSyncHost.Create();
        host.Source.AddUser("u1", "ada@example.com");
        host.Source.AddUser("u2", "bob@example.com");
        host.Source.AddGroup("g1", "Engineers", "u1");
        host.Source.AddGroup("g2", "Old");
        await host.SyncAsync();

        host.Source.RemoveUser("u1", SourceRemoval.SoftDeleted);
        host.Source.RemoveUser("u2", SourceRemoval.Deleted);
        host.Source.RemoveGroup("g2");
        var removal = await host.SyncAsync(PullSyncMode.Delta);

        Assert.Equal((1, 1), (removal.Users.Deactivated, removal.Users.Removed));
        Assert.False((bool)(await host.UserAsync("u1"))!.Resource["active"]!);
        Assert.Null(await host.UserAsync("u2"));
        Assert.Equal(1, removal.Groups.Removed);
        Assert.Null(await host.GroupAsync("g2"));

        host.Source.AddUser("u1", "ada@example.com");
        var restore = await host.SyncAsync(PullSyncMode.Delta);

        Assert.Equal(1, restore.Users.Updated);
        Assert.True((bool)(await host.UserAsync("u1"))!.Resource["active"]!);
    }

    [Fact]
    public async Task FailedListing_KeepsWhatWasApplied_RemovesNobody_AndKeepsTheCursor()
    {
        await using var host = PullSyncHost.Create();
        foreach (var i in Enumerable.Range(1, 5))
        {
            host.Source.AddUser($"u{i}", $"user{i}@example.com");
        }

        await host.SyncAsync();
        var before = await host.State.GetAsync(PullSyncHost.Connection);
        host.Source.ForgetUser("u5");
        host.Source.UpdateUser("u1", "dept", "Sales");
        host.Source.FailUsersAfter = 2;

        var failed = await host.SyncAsync();

        Assert.False(failed.Complete);
        Assert.Equal(0, failed.Users.Removed);
        Assert.Contains(failed.Errors, e => e.Contains("user listing failed (Unavailable 503)", StringComparison.Ordinal));
        Assert.NotNull(failed.DeletionsSkippedReason);
        Assert.All(await host.UsersAsync(), u => Assert.True((bool)u.Resource["active"]!));
        Assert.Equal(5, (await host.UsersAsync()).Count);
        Assert.Equal("Sales", (string?)(await host.UserAsync("u1"))!.Resource[Department]!["department"]);
        var after = await host.State.GetAsync(PullSyncHost.Connection);
        Assert.Equal(before!.UserCursor, after!.UserCursor);
        Assert.Equal(before.LastFullRun, after.LastFullRun);

        host.Source.FailUsersAfter = null;
        var repaired = await host.SyncAsync();

        Assert.True(repaired.Complete);
        Assert.Equal(1, repaired.Users.Removed);
        Assert.Null(await host.UserAsync("u5"));
    }

    [Fact]
    public async Task FailedGroupListing_RemovesNoUserAndNoGroup()
    {
        await using var host = PullSyncHost.Create();
        host.Source.AddUser("u1", "ada@example.com");
        host.Source.AddUser("u2", "bob@example.com");
        host.Source.AddGroup("g1", "A", "u1");
        host.Source.AddGroup("g2", "B", "u2");
        await host.SyncAsync();
        host.Source.ForgetUser("u2");
        host.Source.RemoveGroup("g2");
        host.Source.FailGroupsAfter = 0;

        var run = await host.SyncAsync();

        Assert.False(run.Complete);
        Assert.Equal((0, 0), (run.Users.Removed, run.Groups.Removed));
        Assert.NotNull(await host.UserAsync("u2"));
        Assert.NotNull(await host.GroupAsync("g2"));
        Assert.Contains(run.Errors, e => e.Contains("group listing failed (Throttled 429)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FullRun_SeeingTooFewOfTheKnownUsers_RemovesNobodyAndSaysWhy()
    {
        await using var host = PullSyncHost.Create(configure: o => o.MinimumSeenRatio = 0.5);
        foreach (var i in Enumerable.Range(1, 4))
        {
            host.Source.AddUser($"u{i}", $"user{i}@example.com");
        }

        await host.SyncAsync();
        foreach (var i in Enumerable.Range(1, 3))
        {
            host.Source.ForgetUser($"u{i}");
        }

        var run = await host.SyncAsync();

        Assert.True(run.Complete);
        Assert.Equal(0, run.Users.Removed);
        Assert.Contains("saw 1 of the 4 users", run.DeletionsSkippedReason, StringComparison.Ordinal);
        Assert.Equal(4, (await host.UsersAsync()).Count);
    }

    [Fact]
    public async Task DeltaRun_NeverRemovesUsersItDidNotList()
    {
        await using var host = PullSyncHost.Create();
        host.Source.AddUser("u1", "ada@example.com");
        host.Source.AddUser("u2", "bob@example.com");
        await host.SyncAsync();
        host.Source.ForgetUser("u2");
        host.Source.UpdateUser("u1", "dept", "Sales");

        var delta = await host.SyncAsync(PullSyncMode.Delta);

        Assert.Equal(PullSyncMode.Delta, delta.Mode);
        Assert.Equal(0, delta.Users.Removed);
        Assert.NotNull(await host.UserAsync("u2"));
    }

    [Fact]
    public async Task ExpiredCursor_ListsInFull_AndTheRunCountsAsFull()
    {
        await using var host = PullSyncHost.Create();
        host.Source.AddUser("u1", "ada@example.com");
        host.Source.AddUser("u2", "bob@example.com");
        await host.SyncAsync();
        host.Source.ForgetUser("u2");
        host.Source.ExpireCursors = true;

        var run = await host.SyncAsync(PullSyncMode.Delta);

        Assert.Equal(PullSyncMode.Full, run.Mode);
        Assert.True(run.Complete);
        Assert.Equal(1, run.Users.Removed);
        Assert.Equal(0, (await host.State.GetAsync(PullSyncHost.Connection))!.RunsSinceFull);
    }

    [Fact]
    public async Task DeltaWithoutCursor_RunsInFull()
    {
        await using var host = PullSyncHost.Create();
        host.Source.AddUser("u1", "ada@example.com");

        var run = await host.SyncAsync(PullSyncMode.Delta);

        Assert.Equal(PullSyncMode.Full, run.Mode);
        Assert.Equal([null], host.Source.UserCursorsRead);
    }

    [Fact]
    public async Task OneRunAtATime_ASecondRunOrDriftReportFailsAtOnce()
    {
        await using var host = PullSyncHost.Create();
        host.Source.AddUser("u1", "ada@example.com");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Source.HoldUsers = release.Task;

        var first = host.SyncAsync();
        while (!host.Synchronizer.IsRunning(PullSyncHost.Connection))
        {
            await Task.Delay(10);
        }

        Assert.NotNull(host.Synchronizer.GetRunningResult(PullSyncHost.Connection));
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.SyncAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Synchronizer.DriftAsync(PullSyncHost.Connection));
        release.SetResult();
        Assert.Equal(1, (await first).Users.Created);
        Assert.False(host.Synchronizer.IsRunning(PullSyncHost.Connection));
        Assert.Null(host.Synchronizer.GetRunningResult(PullSyncHost.Connection));
    }

    [Fact]
    public async Task UnknownConnection_IsAnArgumentError()
    {
        await using var host = PullSyncHost.Create();

        await Assert.ThrowsAsync<ArgumentException>(() => host.Synchronizer.SyncAsync("nope", PullSyncMode.Full));
        await Assert.ThrowsAsync<ArgumentException>(() => host.Synchronizer.DriftAsync("nope"));
    }

    [Fact]
    public async Task InvalidUser_IsCountedAndReported_AndTheRestIsApplied()
    {
        await using var host = PullSyncHost.Create();
        host.Source.AddUser("u1", "ada@example.com");
        host.Source.AddUser("u2", "ada@example.com"); // The same userName: the store refuses the second (409).
        host.Source.AddUser("u3", "cyd@example.com");

        var run = await host.SyncAsync();

        Assert.Equal((2, 1), (run.Users.Created, run.Users.Failed));
        Assert.Contains(run.Errors, e => e.StartsWith("user u2 (ada@example.com): 409", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClearedAttribute_IsRemovedFromTheStoredUser()
    {
        await using var host = PullSyncHost.Create();
        host.Source.AddUser("u1", "ada@example.com", "ada@example.com");
        await host.SyncAsync();
        host.Source.UpdateUser("u1", "mail", null);

        var run = await host.SyncAsync();

        Assert.Equal(1, run.Users.Updated);
        Assert.True((await host.UserAsync("u1"))!.Resource["emails"] is null or JsonArray { Count: 0 });
    }

    [Fact]
    public async Task TestUser_ShowsTheRecordTheMappedUserAndThePolicyPreview_AndWritesNothing()
    {
        await using var host = PullSyncHost.Create(policies: p => p.GroupMapping.DefaultGroupsForNewUsers.Add("everyone"));
        host.Source.AddUser("u1", "ada@example.com", "ada@example.com", "Research");

        var test = await host.Synchronizer.TestUserAsync(PullSyncHost.Connection, " ADA@example.com ");

        Assert.True(test.Found, test.Error);
        Assert.Equal("u1", (string?)test.Raw!["id"]);
        Assert.Equal("ada@example.com", (string?)test.User!["userName"]);
        Assert.False(test.User.ContainsKey("nickName"));
        Assert.Equal("create", test.Preview!.Action);
        Assert.Contains("everyone", test.Preview.GroupsJoined);
        Assert.Empty(await host.UsersAsync());

        var missing = await host.Synchronizer.TestUserAsync(PullSyncHost.Connection, "nobody@example.com");
        Assert.False(missing.Found);
        Assert.Null(missing.Error);
    }
}
