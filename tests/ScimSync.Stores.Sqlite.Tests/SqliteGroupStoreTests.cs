// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Patching;

namespace ScimSync.Stores.Sqlite.Tests;

public sealed class SqliteGroupStoreTests : IDisposable
{
    private readonly SqliteStoreFixture _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task CreateAsync_WithMembers_StoresOneRowPerMemberWithResolvedType()
    {
        var user = await CreateUserAsync("bjensen");
        var nested = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Nested"), default)).Value!;

        var group = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins", user, nested.Id), default)).Value!;

        var members = group.Resource["members"]!.AsArray();
        Assert.Equal([user, nested.Id], members.Select(m => m!["value"]!.GetValue<string>()));
        Assert.Equal(["User", "Group"], members.Select(m => m!["type"]!.GetValue<string>()));
        Assert.Equal(2, CountRows("SELECT COUNT(*) FROM group_members WHERE group_id = $id", group.Id));
        Assert.Null(ReadJsonColumn(group.Id)["members"]);
    }

    [Fact]
    public async Task CreateAsync_UnknownMember_ReturnsInvalidValueAndCreatesNothing()
    {
        var result = await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins", "no-such-user"), default);

        Assert.Equal(StoreResultStatus.Rejected, result.Status);
        Assert.Equal(ScimErrorType.InvalidValue, result.ToError().Type);
        Assert.Equal(0, (await _db.Groups.ListAsync(new ListQuery(), default)).Value!.TotalResults);
    }

    [Fact]
    public async Task GetUser_MemberOfGroups_ListsThemInGroupsAndNeverStoresThem()
    {
        var user = await CreateUserAsync("bjensen");
        var group = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins", user), default)).Value!;

        var read = (await _db.Users.GetAsync(user, true, default)).Value!;
        var listed = (await _db.Users.ListAsync(new ListQuery { Filter = SqliteUserStoreTests.Eq("userName", "bjensen") }, default)).Value!;
        var replaced = (await _db.Users.ReplaceAsync(user, read.Resource, null, default)).Value!;

        var entry = Assert.Single(read.Resource["groups"]!.AsArray())!;
        Assert.Equal(group.Id, entry["value"]!.GetValue<string>());
        Assert.Equal("Admins", entry["display"]!.GetValue<string>());
        Assert.Single(listed.Resources.Single().Resource["groups"]!.AsArray());
        Assert.Single(replaced.Resource["groups"]!.AsArray());
        Assert.Null(ReadUserJsonColumn(user)["groups"]);
    }

    [Fact]
    public async Task ListUsers_APageOfSeveral_GivesEachUserItsGroupsWithDisplayNames_InMembershipOrder()
    {
        var ann = await CreateUserAsync("ann");
        var bob = await CreateUserAsync("bob");
        await CreateUserAsync("cid");
        var admins = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins", ann), default)).Value!;
        var staff = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Staff", bob, ann), default)).Value!;
        var empty = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Nobody"), default)).Value!;

        var page = (await _db.Users.ListAsync(new ListQuery { Count = 10 }, default)).Value!;

        string[] Groups(string userName) =>
            [.. (page.Resources.Single(r => r.Resource["userName"]!.GetValue<string>() == userName).Resource["groups"]?.AsArray() ?? [])
                .Select(g => $"{g!["value"]!.GetValue<string>()}={g["display"]!.GetValue<string>()}")];
        Assert.Equal(3, page.Resources.Count);
        Assert.Equal([$"{admins.Id}=Admins", $"{staff.Id}=Staff"], Groups("ann"));
        Assert.Equal([$"{staff.Id}=Staff"], Groups("bob"));
        Assert.Empty(Groups("cid"));
        Assert.DoesNotContain(page.Resources.SelectMany(r => Groups(r.Resource["userName"]!.GetValue<string>())), g => g.StartsWith(empty.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetAsync_WithoutMembers_DoesNotLoadMembers()
    {
        var user = await CreateUserAsync("bjensen");
        var group = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins", user), default)).Value!;

        var read = (await _db.Groups.GetAsync(group.Id, includeMembers: false, default)).Value!;

        Assert.Null(read.Resource["members"]);
        Assert.Equal("Admins", read.Resource["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task ModifyMembersAsync_AddAndRemove_TouchesOneRowEachAndBumpsVersion()
    {
        var a = await CreateUserAsync("a");
        var b = await CreateUserAsync("b");
        var group = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins", a), default)).Value!;
        var rowidOfA = CountRows("SELECT rowid FROM group_members WHERE group_id = $id", group.Id);

        var added = await _db.Groups.ModifyMembersAsync(group.Id, [new GroupMember(b)], [], group.Version, default);

        Assert.True(added.IsSuccess);
        Assert.Equal("2", added.Value!.Version);
        // The existing member's row is untouched (same rowid): only the new member's row was written.
        Assert.Equal(rowidOfA, CountRows("SELECT rowid FROM group_members WHERE group_id = $id AND member_id = '" + a + "'", group.Id));
        Assert.Equal(2, CountRows("SELECT COUNT(*) FROM group_members WHERE group_id = $id", group.Id));

        var removed = await _db.Groups.ModifyMembersAsync(group.Id, [], [a], added.Value.Version, default);

        Assert.Equal("3", removed.Value!.Version);
        var members = (await _db.Groups.GetAsync(group.Id, true, default)).Value!.Resource["members"]!.AsArray();
        Assert.Equal([b], members.Select(m => m!["value"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ModifyMembersAsync_NoEffectiveChange_KeepsVersion()
    {
        var a = await CreateUserAsync("a");
        var group = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins", a), default)).Value!;

        var result = await _db.Groups.ModifyMembersAsync(group.Id, [new GroupMember(a)], ["not-a-member"], null, default);

        Assert.Equal("1", result.Value!.Version);
    }

    [Fact]
    public async Task ModifyMembersAsync_StaleVersion_ReturnsVersionMismatch()
    {
        var a = await CreateUserAsync("a");
        var group = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins"), default)).Value!;
        await _db.Groups.ModifyMembersAsync(group.Id, [new GroupMember(a)], [], null, default);

        var result = await _db.Groups.ModifyMembersAsync(group.Id, [], [a], "1", default);

        Assert.Equal(StoreResultStatus.VersionMismatch, result.Status);
    }

    [Fact]
    public async Task ModifyMembersAsync_UnknownGroup_ReturnsNotFound()
    {
        var result = await _db.Groups.ModifyMembersAsync("missing", [], [], null, default);

        Assert.Equal(StoreResultStatus.NotFound, result.Status);
    }

    [Fact]
    public async Task ModifyMembersAsync_UnknownMember_RejectsAndRollsBack()
    {
        var a = await CreateUserAsync("a");
        var group = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins"), default)).Value!;

        var result = await _db.Groups.ModifyMembersAsync(group.Id, [new GroupMember(a), new GroupMember("ghost")], [], null, default);

        Assert.Equal(ScimErrorType.InvalidValue, result.ToError().Type);
        Assert.Equal(0, CountRows("SELECT COUNT(*) FROM group_members WHERE group_id = $id", group.Id));
    }

    // The store sends members named by value alone as an array of ids, and members with display names as objects: each
    // test of the member add runs both ways.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ModifyMembersAsync_ExistingAndRepeatedMembers_AddsOnlyTheNewOnesInRequestOrder(bool withDisplay)
    {
        var a = await CreateUserAsync("a");
        var b = await CreateUserAsync("b");
        var nested = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Nested"), default)).Value!;
        var group = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins", a), default)).Value!;

        // Fewer rows inserted than members named (a is a member already, b is named twice): every one still exists.
        var result = await _db.Groups.ModifyMembersAsync(
            group.Id, [Member(a, withDisplay), Member(nested.Id, withDisplay), Member(b, withDisplay), Member(b, withDisplay)], [], group.Version, default);

        Assert.True(result.IsSuccess);
        Assert.Equal("2", result.Value!.Version);
        var members = (await _db.Groups.GetAsync(group.Id, true, default)).Value!.Resource["members"]!.AsArray();
        Assert.Equal([a, nested.Id, b], members.Select(m => m!["value"]!.GetValue<string>()));
        Assert.Equal(["User", "Group", "User"], members.Select(m => m!["type"]!.GetValue<string>()));
        Assert.Equal(withDisplay ? [null, "Shown " + nested.Id, "Shown " + b] : [null, null, null], members.Select(m => m!["display"]?.GetValue<string>()));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public async Task ModifyMembersAsync_AMemberThatIsNoUserOrGroup_RejectsAndKeepsTheGroupAsItWas(bool withExistingMember, bool withDisplay)
    {
        var a = await CreateUserAsync("a");
        var b = await CreateUserAsync("b");
        var group = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins", a), default)).Value!;
        GroupMember[] add = withExistingMember
            ? [Member(a, withDisplay), Member(b, withDisplay), Member("ghost", withDisplay), Member("phantom", withDisplay)]
            : [Member(b, withDisplay), Member("ghost", withDisplay), Member("phantom", withDisplay)];

        var result = await _db.Groups.ModifyMembersAsync(group.Id, add, [], group.Version, default);

        Assert.Equal(StoreResultStatus.Rejected, result.Status);
        Assert.Contains("'ghost'", result.ToError().Detail, StringComparison.Ordinal);
        Assert.Equal(1, CountRows("SELECT COUNT(*) FROM group_members WHERE group_id = $id", group.Id));
        Assert.Equal("1", (await _db.Groups.GetAsync(group.Id, false, default)).Value!.Version);
    }

    [Fact]
    public async Task ModifyMembersAsync_TheGroupItself_IsRefused()
    {
        var group = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins"), default)).Value!;

        var result = await _db.Groups.ModifyMembersAsync(group.Id, [new GroupMember(group.Id)], [], null, default);

        Assert.Equal(StoreResultStatus.Rejected, result.Status);
        Assert.Equal(0, CountRows("SELECT COUNT(*) FROM group_members WHERE group_id = $id", group.Id));
    }

    [Fact]
    public async Task ReplaceAsync_NewMemberList_ReplacesMembership()
    {
        var a = await CreateUserAsync("a");
        var b = await CreateUserAsync("b");
        var group = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins", a), default)).Value!;

        var replaced = (await _db.Groups.ReplaceAsync(group.Id, SqliteStoreFixture.Group("Admins 2", b), group.Version, default)).Value!;

        Assert.Equal("Admins 2", replaced.Resource["displayName"]!.GetValue<string>());
        Assert.Equal([b], replaced.Resource["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ListAsync_MembersValueFilter_IsPushedDown()
    {
        var a = await CreateUserAsync("a");
        await _db.Groups.CreateAsync(SqliteStoreFixture.Group("With", a), default);
        await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Without"), default);

        var valuePath = new ValuePathNode(new AttributePath(null, "members"), SqliteUserStoreTests.Eq("value", a));
        var dotted = SqliteUserStoreTests.Eq("members", a) with { Path = new AttributePath(null, "members", "value") };
        foreach (var filter in new FilterNode[] { valuePath, dotted })
        {
            var result = (await _db.Groups.ListAsync(new ListQuery { Filter = filter, IncludeMembers = false }, default)).Value!;
            var group = Assert.Single(result.Resources);
            Assert.Equal("With", group.Resource["displayName"]!.GetValue<string>());
            Assert.Null(group.Resource["members"]);
        }
    }

    [Fact]
    public async Task ListAsync_UnindexedMembersFilter_IsEvaluatedWithMembers()
    {
        var a = await CreateUserAsync("a");
        await _db.Groups.CreateAsync(SqliteStoreFixture.Group("With", a), default);
        await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Without"), default);

        var filter = new ValuePathNode(
            new AttributePath(null, "members"),
            new ComparisonNode(new AttributePath(null, "type"), ComparisonOperator.Equal, FilterValue.FromString("User")));
        var result = (await _db.Groups.ListAsync(new ListQuery { Filter = filter, IncludeMembers = false }, default)).Value!;

        var group = Assert.Single(result.Resources);
        Assert.Equal("With", group.Resource["displayName"]!.GetValue<string>());
        Assert.Null(group.Resource["members"]);
    }

    [Fact]
    public async Task ListAsync_DisplayNameEq_IsCaseInsensitive()
    {
        await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Sales Team"), default);

        var result = (await _db.Groups.ListAsync(new ListQuery { Filter = SqliteUserStoreTests.Eq("displayName", "sales team") }, default)).Value!;

        Assert.Equal(1, result.TotalResults);
    }

    [Fact]
    public async Task DeleteAsync_Group_RemovesItsMembershipRows()
    {
        var a = await CreateUserAsync("a");
        var group = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins", a), default)).Value!;

        await _db.Groups.DeleteAsync(group.Id, group.Version, default);

        Assert.Equal(0, CountRows("SELECT COUNT(*) FROM group_members WHERE group_id = $id", group.Id));
    }

    private async Task<string> CreateUserAsync(string userName) =>
        (await _db.Users.CreateAsync(SqliteStoreFixture.User(userName), default)).Value!.Id;

    private long CountRows(string sql, string id)
    {
        using var connection = new SqliteConnection($"Data Source={_db.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private System.Text.Json.Nodes.JsonObject ReadUserJsonColumn(string id)
    {
        using var connection = new SqliteConnection($"Data Source={_db.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM users WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return System.Text.Json.Nodes.JsonNode.Parse((string)command.ExecuteScalar()!)!.AsObject();
    }

    private System.Text.Json.Nodes.JsonObject ReadJsonColumn(string id)
    {
        using var connection = new SqliteConnection($"Data Source={_db.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM groups WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return System.Text.Json.Nodes.JsonNode.Parse((string)command.ExecuteScalar()!)!.AsObject();
    }

    private static GroupMember Member(string value, bool withDisplay) => new(value, Display: withDisplay ? "Shown " + value : null);
}
