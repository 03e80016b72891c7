// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Patching;
using static ScimSync.Stores.PostgreSql.Tests.PostgresDatabaseFixture;

namespace ScimSync.Stores.PostgreSql.Tests;

public sealed class PostgreSqlStoreTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private IScimStoreProvider Provider => _provider ??= database.CreateProvider();

    private IScimStoreProvider? _provider;

    private static string NewDirectory() => "d-" + Guid.NewGuid().ToString("N")[..8];

    [PostgresFact]
    public async Task Create_InSequence_AssignsTimeOrderedIds()
    {
        var users = Provider.GetUserStore(NewDirectory());
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await users.CreateAsync(User("user" + i), None)).Value!.Id);
            database.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        // RFC 9562 §5.7: version 7, its first 48 bits the creation time in Unix milliseconds, so ids sort as created.
        Assert.All(ids, id => Assert.Equal(7, Guid.Parse(id).Version));
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(database.Time.GetUtcNow().AddMilliseconds(-3).ToUnixTimeMilliseconds(), Convert.ToInt64(ids[0].Replace("-", "", StringComparison.Ordinal)[..12], 16));
    }

    [PostgresFact]
    public async Task CreateGetReplaceDelete_RoundTrip_KeepsAttributesAndBumpsVersion()
    {
        var users = Provider.GetUserStore(NewDirectory());
        var created = (await users.CreateAsync(User("bjensen", "E1", "Boss"), None)).Value!;
        Assert.Equal("1", created.Version);
        Assert.Equal(database.Time.GetUtcNow(), created.Created);

        var read = (await users.GetAsync(created.Id, includeMembers: false, None)).Value!;
        Assert.Equal("bjensen", read.Resource["userName"]!.GetValue<string>());
        Assert.Equal("E1", read.Resource["externalId"]!.GetValue<string>());
        Assert.Equal(created.Created, read.Created);

        var replaced = await users.ReplaceAsync(created.Id, User("bjensen", "E1", "Chief"), "1", None);
        Assert.Equal("2", replaced.Value!.Version);
        Assert.Equal(StoreResultStatus.VersionMismatch, (await users.ReplaceAsync(created.Id, User("bjensen"), "1", None)).Status);
        Assert.Equal(StoreResultStatus.VersionMismatch, (await users.DeleteAsync(created.Id, "1", None)).Status);
        Assert.Equal(StoreResultStatus.VersionMismatch, (await users.DeleteAsync(created.Id, "not-a-version", None)).Status);
        Assert.True((await users.DeleteAsync(created.Id, "2", None)).IsSuccess);
        Assert.Equal(StoreResultStatus.NotFound, (await users.GetAsync(created.Id, false, None)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await users.ReplaceAsync(created.Id, User("x"), null, None)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await users.DeleteAsync(created.Id, null, None)).Status);
    }

    [PostgresFact]
    public async Task Create_DuplicateUserNameIgnoringCase_ConflictNamesAttributeNotValue()
    {
        var users = Provider.GetUserStore(NewDirectory());
        Assert.True((await users.CreateAsync(User("Ärger.Secret"), None)).IsSuccess);

        var result = await users.CreateAsync(User("ärger.SECRET"), None);

        Assert.Equal(StoreResultStatus.Conflict, result.Status);
        Assert.Contains("userName", result.Error!.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("rger", result.Error.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [PostgresFact]
    public async Task Create_DuplicateExternalIdOrGroupName_Conflict()
    {
        var directory = NewDirectory();
        var users = Provider.GetUserStore(directory);
        var groups = Provider.GetGroupStore(directory);
        Assert.True((await users.CreateAsync(User("a", "X-1"), None)).IsSuccess);
        var user = await users.CreateAsync(User("b", "X-1"), None);
        Assert.Equal(StoreResultStatus.Conflict, user.Status);
        Assert.Contains("externalId", user.Error!.Detail, StringComparison.Ordinal);

        // externalId is unique per resource type: a group may reuse a user's.
        var group = (await groups.CreateAsync(Group("Admins") is var g && g.TryAdd("externalId", "X-1") ? g : g, None)).Value!;
        var duplicate = await groups.CreateAsync(Group("ADMINS"), None);
        Assert.Equal(StoreResultStatus.Conflict, duplicate.Status);
        Assert.Contains("displayName", duplicate.Error!.Detail, StringComparison.Ordinal);

        var renamed = await users.ReplaceAsync((await users.CreateAsync(User("c"), None)).Value!.Id, User("A"), null, None);
        Assert.Equal(StoreResultStatus.Conflict, renamed.Status);
        Assert.NotNull(group);
    }

    [PostgresFact]
    public async Task Directories_SameNames_AreIsolated()
    {
        var one = Provider.GetUserStore(NewDirectory());
        var two = Provider.GetUserStore(NewDirectory());
        var a = (await one.CreateAsync(User("same", "E"), None)).Value!;
        Assert.True((await two.CreateAsync(User("same", "E"), None)).IsSuccess);

        Assert.Equal(StoreResultStatus.NotFound, (await two.GetAsync(a.Id, false, None)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await two.DeleteAsync(a.Id, null, None)).Status);
        Assert.Equal(1, (await two.ListAsync(new ListQuery(), None)).Value!.TotalResults);
        Assert.Throws<ArgumentException>(() => Provider.GetUserStore(""));
    }

    [PostgresFact]
    public async Task ModifyMembers_AddRemove_TouchesMembershipAndVersionOnly()
    {
        var directory = NewDirectory();
        var users = Provider.GetUserStore(directory);
        var groups = Provider.GetGroupStore(directory);
        var alice = (await users.CreateAsync(User("alice"), None)).Value!;
        var bob = (await users.CreateAsync(User("bob"), None)).Value!;
        var group = (await groups.CreateAsync(Group("Staff", alice.Id), None)).Value!;
        Assert.Single(group.Resource["members"]!.AsArray());

        var changed = await groups.ModifyMembersAsync(group.Id, [new GroupMember(bob.Id, Display: "Bob")], [alice.Id], group.Version, None);

        Assert.Equal("2", changed.Value!.Version);
        var page = (await groups.ListMembersAsync(group.Id, 1, 10, None)).Value!;
        Assert.Equal(1, page.TotalResults);
        Assert.Equal(new GroupMember(bob.Id, "User", "Bob"), page.Members[0]);
        Assert.Equal([new GroupReference(group.Id, "Staff")], await groups.ListGroupsOfMemberAsync(bob.Id, None));
        var bobRead = (await users.GetAsync(bob.Id, false, None)).Value!;
        Assert.Equal(group.Id, bobRead.Resource["groups"]![0]!["value"]!.GetValue<string>());

        // Re-adding an existing member and removing a missing one change nothing.
        Assert.Equal("2", (await groups.ModifyMembersAsync(group.Id, [new GroupMember(bob.Id)], ["nobody"], null, None)).Value!.Version);
        Assert.Equal(StoreResultStatus.VersionMismatch, (await groups.ModifyMembersAsync(group.Id, [], [bob.Id], "1", None)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await groups.ModifyMembersAsync("missing", [], [bob.Id], null, None)).Status);

        // Deleting a member removes the membership and bumps the group's version.
        Assert.True((await users.DeleteAsync(bob.Id, null, None)).IsSuccess);
        var after = (await groups.GetAsync(group.Id, includeMembers: true, None)).Value!;
        Assert.Empty(after.Resource["members"]!.AsArray());
        Assert.Equal("3", after.Version);
    }

    [PostgresFact]
    public async Task ModifyMembers_MemberOfAnotherDirectoryOrMissing_RejectedAndNothingChanged()
    {
        var directory = NewDirectory();
        var groups = Provider.GetGroupStore(directory);
        var alice = (await Provider.GetUserStore(directory).CreateAsync(User("alice"), None)).Value!;
        var stranger = (await Provider.GetUserStore(NewDirectory()).CreateAsync(User("stranger"), None)).Value!;
        var group = (await groups.CreateAsync(Group("Staff"), None)).Value!;

        var result = await groups.ModifyMembersAsync(group.Id, [new GroupMember(alice.Id), new GroupMember(stranger.Id)], [], null, None);

        Assert.Equal(StoreResultStatus.Rejected, result.Status);
        Assert.Equal(ScimErrorType.InvalidValue, result.Error!.Type);
        var after = (await groups.GetAsync(group.Id, true, None)).Value!;
        Assert.Equal(group.Version, after.Version);
        Assert.Empty(after.Resource["members"]!.AsArray());
        Assert.Equal(StoreResultStatus.Rejected, (await groups.ModifyMembersAsync(group.Id, [new GroupMember(group.Id)], [], null, None)).Status);
        Assert.Equal(StoreResultStatus.Rejected, (await groups.CreateAsync(Group("Bad", "missing-id"), None)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await groups.ListMembersAsync("missing", 1, 10, None)).Status);
    }

    [PostgresFact]
    public async Task List_SortAndIndexPaging_OrdersInSqlWithTotals()
    {
        var users = Provider.GetUserStore(NewDirectory());
        foreach (var (name, title) in new[] { ("carol", "b"), ("Alice", null), ("bob", "A"), ("dave", "c") })
        {
            await users.CreateAsync(User(name, title: title), None);
        }

        var byName = (await users.ListAsync(new ListQuery { SortBy = AttributePath.Parse("userName") }, None)).Value!;
        Assert.Equal(["Alice", "bob", "carol", "dave"], byName.Resources.Select(r => r.Resource["userName"]!.GetValue<string>()));

        var byTitleDesc = (await users.ListAsync(new ListQuery { SortBy = AttributePath.Parse("title"), SortOrder = SortOrder.Descending }, None)).Value!;
        Assert.Equal(["Alice", "dave", "carol", "bob"], byTitleDesc.Resources.Select(r => r.Resource["userName"]!.GetValue<string>()));

        var page = (await users.ListAsync(new ListQuery { SortBy = AttributePath.Parse("userName"), StartIndex = 2, Count = 2 }, None)).Value!;
        Assert.Equal(4, page.TotalResults);
        Assert.Equal(["bob", "carol"], page.Resources.Select(r => r.Resource["userName"]!.GetValue<string>()));
        var totalOnly = (await users.ListAsync(new ListQuery { Count = 0 }, None)).Value!;
        Assert.Equal(4, totalOnly.TotalResults);
        Assert.Empty(totalOnly.Resources);
    }

    [PostgresFact]
    public async Task List_CursorPagingWhileResourcesChange_ReturnsEverySurvivorExactlyOnce()
    {
        var users = Provider.GetUserStore(NewDirectory());
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add((await users.CreateAsync(User($"user{i:D2}", title: (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture)), None)).Value!.Id);
        }

        var deleted = new HashSet<string>();
        var seen = new List<string>();
        var query = new ListQuery { Cursor = "", Count = 7, SortBy = AttributePath.Parse("title"), SortOrder = SortOrder.Descending };
        var round = 0;
        while (true)
        {
            var page = (await users.ListAsync(query, None)).Value!;
            seen.AddRange(page.Resources.Select(r => r.Id));
            Assert.True(page.TotalResults > 0);

            // Between pages: new users arrive and some existing ones (seen or not) go.
            await users.CreateAsync(User($"late{round}", title: "1"), None);
            var victim = ids[(round * 7) % ids.Count];
            if (deleted.Add(victim))
            {
                await users.DeleteAsync(victim, null, None);
            }

            round++;
            if (page.NextCursor is null)
            {
                break;
            }

            query = query with { Cursor = page.NextCursor };
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(ids.Where(id => !deleted.Contains(id)).Except(seen));
    }

    [PostgresFact]
    public async Task List_ForgedOrForeignCursor_InvalidCursor()
    {
        var users = Provider.GetUserStore(NewDirectory());
        for (var i = 0; i < 3; i++)
        {
            await users.CreateAsync(User($"u{i}"), None);
        }

        var first = (await users.ListAsync(new ListQuery { Cursor = "", Count = 1 }, None)).Value!;
        Assert.NotNull(first.NextCursor);

        var otherQuery = await users.ListAsync(new ListQuery { Cursor = first.NextCursor, Count = 1, Filter = ScimFilter.Parse("userName pr") }, None);
        // The MAC's first character carries six bits of it; its last carries two and padding a decoder ignores, so
        // overwriting the end could leave the MAC as it was (about one cursor in 256).
        var mac = first.NextCursor!.IndexOf('.', StringComparison.Ordinal) + 1;
        var forgedCursor = string.Concat(first.NextCursor.AsSpan(0, mac), first.NextCursor[mac] == 'A' ? "B" : "A", first.NextCursor.AsSpan(mac + 1));
        var forged = await users.ListAsync(new ListQuery { Cursor = forgedCursor, Count = 1 }, None);
        var garbage = await users.ListAsync(new ListQuery { Cursor = "'; DROP TABLE scimsync_users; --", Count = 1 }, None);

        Assert.All([otherQuery, forged, garbage], r => Assert.Equal(ScimErrorType.InvalidCursor, r.Error?.Type));
        Assert.Single((await users.ListAsync(new ListQuery { Cursor = first.NextCursor, Count = 1 }, None)).Value!.Resources);
    }

    [PostgresFact]
    public async Task List_UntranslatableFilterOverBound_TooManyElseEvaluated()
    {
        var directory = NewDirectory();
        var provider = database.CreateProvider(maxScannedResources: 5);
        var users = provider.GetUserStore(directory);
        var groups = provider.GetGroupStore(directory);
        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add((await users.CreateAsync(User($"s{i}", title: i < 3 ? "few" : "many"), None)).Value!.Id);
        }

        var group = (await groups.CreateAsync(Group("G", ids[0], ids[1]), None)).Value!;

        // A user's groups are derived: evaluated in memory over what the rest of the filter selects.
        var tooMany = await users.ListAsync(new ListQuery { Filter = ScimFilter.Parse($"groups.value eq \"{group.Id}\"") }, None);
        Assert.Equal(ScimErrorType.TooMany, tooMany.Error?.Type);

        var narrowed = (await users.ListAsync(new ListQuery { Filter = ScimFilter.Parse($"title eq \"few\" and groups.value eq \"{group.Id}\"") }, None)).Value!;
        Assert.Equal(ids[..2].Order(), narrowed.Resources.Select(r => r.Id).Order());
        Assert.Equal(2, narrowed.TotalResults);
    }
}
