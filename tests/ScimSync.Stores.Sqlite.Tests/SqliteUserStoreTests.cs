// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Patching;
using ScimSync.Stores.Sqlite.Internal;

namespace ScimSync.Stores.Sqlite.Tests;

public sealed class SqliteUserStoreTests : IDisposable
{
    private readonly SqliteStoreFixture _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task CreateAsync_NewUser_AssignsIdVersionAndTimestamps()
    {
        var result = await _db.Users.CreateAsync(SqliteStoreFixture.User("bjensen", "ext-1"), default);

        Assert.True(result.IsSuccess);
        var stored = result.Value!;
        Assert.True(Guid.TryParse(stored.Id, out _));
        Assert.Equal("1", stored.Version);
        Assert.Equal(_db.Time.GetUtcNow(), stored.Created);
        Assert.Equal(stored.Created, stored.LastModified);
        Assert.Equal("bjensen", stored.Resource["userName"]!.GetValue<string>());
        Assert.Null(stored.Resource["id"]);
    }

    [Fact]
    public async Task CreateAsync_InSequence_AssignsTimeOrderedIds()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await _db.Users.CreateAsync(SqliteStoreFixture.User("user" + i), default)).Value!.Id);
            _db.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        // RFC 9562 §5.7: version 7, its first 48 bits the creation time in Unix milliseconds, so ids sort as created.
        Assert.All(ids, id => Assert.Equal(7, Guid.Parse(id).Version));
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(_db.Time.GetUtcNow().AddMilliseconds(-3).ToUnixTimeMilliseconds(), Convert.ToInt64(ids[0].Replace("-", "", StringComparison.Ordinal)[..12], 16));
    }

    [Fact]
    public async Task StoredJson_KeepsWhatJsonDoesNotEscape_AndRowsWithEscapesReadTheSame()
    {
        const string Display = "Zoë O'Brien & <Co> +1 \"quoted\"";
        var user = SqliteStoreFixture.User("obrien");
        user["displayName"] = Display;
        var created = (await _db.Users.CreateAsync(user, default)).Value!;

        await using var connection = new SqliteConnection($"Data Source={_db.DatabasePath}");
        await connection.OpenAsync();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT json FROM users WHERE id = $id";
        select.Parameters.AddWithValue("$id", created.Id);
        var json = (string)(await select.ExecuteScalarAsync())!;
        Assert.Contains("\"displayName\":\"Zoë O'Brien & <Co> +1 \\\"quoted\\\"\"", json, StringComparison.Ordinal);
        Assert.Equal(Display, (await _db.Users.GetAsync(created.Id, includeMembers: false, default)).Value!.Resource["displayName"]!.GetValue<string>());

        // A row written before, with every such character escaped, reads the same.
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE users SET json = $json WHERE id = $id";
        update.Parameters.AddWithValue("$json", user.ToJsonString());
        update.Parameters.AddWithValue("$id", created.Id);
        await update.ExecuteNonQueryAsync();
        Assert.Contains("\\u0027", user.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(Display, (await _db.Users.GetAsync(created.Id, includeMembers: false, default)).Value!.Resource["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetAsync_AfterCreate_ReturnsSameAttributes()
    {
        var created = (await _db.Users.CreateAsync(SqliteStoreFixture.User("bjensen", title: "Tour Guide"), default)).Value!;

        var read = await _db.Users.GetAsync(created.Id, includeMembers: true, default);

        Assert.Equal(StoreResultStatus.Success, read.Status);
        Assert.Equal("Tour Guide", read.Value!.Resource["title"]!.GetValue<string>());
        Assert.Equal(created.Version, read.Value.Version);
        Assert.Equal(created.Created, read.Value.Created);
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNotFound()
    {
        var result = await _db.Users.GetAsync("nope", includeMembers: true, default);

        Assert.Equal(StoreResultStatus.NotFound, result.Status);
        Assert.Equal(404, result.ToError().Status);
    }

    [Fact]
    public async Task CreateAsync_UserNameDiffersOnlyInCase_ReturnsUniquenessConflict()
    {
        await _db.Users.CreateAsync(SqliteStoreFixture.User("BJensen@example.com"), default);

        var result = await _db.Users.CreateAsync(SqliteStoreFixture.User("bjensen@EXAMPLE.com"), default);

        Assert.Equal(StoreResultStatus.Conflict, result.Status);
        Assert.Equal(409, result.ToError().Status);
        Assert.Equal(ScimErrorType.Uniqueness, result.ToError().Type);
        Assert.Contains("userName", result.ToError().Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_ConcurrentSameUserName_ExactlyOneSucceeds()
    {
        var attempts = Enumerable.Range(0, 8).Select(i =>
            Task.Run(async () => await _db.Users.CreateAsync(SqliteStoreFixture.User(i % 2 == 0 ? "race" : "RACE"), default)));

        var results = await Task.WhenAll(attempts);

        Assert.Single(results, r => r.IsSuccess);
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(StoreResultStatus.Conflict, r.Status));
        Assert.Equal(1, (await _db.Users.ListAsync(new ListQuery(), default)).Value!.TotalResults);
    }

    [Fact]
    public async Task CreateAsync_NonAsciiUserNameDiffersOnlyInCase_ReturnsConflict()
    {
        await _db.Users.CreateAsync(SqliteStoreFixture.User("Ärger"), default);

        var result = await _db.Users.CreateAsync(SqliteStoreFixture.User("äRGER"), default);

        Assert.Equal(StoreResultStatus.Conflict, result.Status);
    }

    [Fact]
    public async Task CreateAsync_DuplicateExternalId_ReturnsConflictNamingExternalId()
    {
        await _db.Users.CreateAsync(SqliteStoreFixture.User("a", "ext"), default);

        var result = await _db.Users.CreateAsync(SqliteStoreFixture.User("b", "ext"), default);

        Assert.Equal(StoreResultStatus.Conflict, result.Status);
        Assert.Contains("externalId", result.ToError().Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplaceAsync_ExpectedVersion_IncrementsVersionAndKeepsCreated()
    {
        var created = (await _db.Users.CreateAsync(SqliteStoreFixture.User("bjensen"), default)).Value!;
        _db.Time.Advance(TimeSpan.FromMinutes(5));

        var replaced = await _db.Users.ReplaceAsync(created.Id, SqliteStoreFixture.User("bjensen", title: "Boss"), created.Version, default);

        Assert.True(replaced.IsSuccess);
        Assert.Equal("2", replaced.Value!.Version);
        Assert.Equal(created.Created, replaced.Value.Created);
        Assert.Equal(created.Created.AddMinutes(5), replaced.Value.LastModified);
        Assert.Equal("Boss", replaced.Value.Resource["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReplaceAsync_StaleVersion_ReturnsVersionMismatchAndKeepsData()
    {
        var created = (await _db.Users.CreateAsync(SqliteStoreFixture.User("bjensen"), default)).Value!;
        await _db.Users.ReplaceAsync(created.Id, SqliteStoreFixture.User("bjensen", title: "First"), null, default);

        var result = await _db.Users.ReplaceAsync(created.Id, SqliteStoreFixture.User("bjensen", title: "Second"), created.Version, default);

        Assert.Equal(StoreResultStatus.VersionMismatch, result.Status);
        Assert.Equal(412, result.ToError().Status);
        var read = await _db.Users.GetAsync(created.Id, true, default);
        Assert.Equal("First", read.Value!.Resource["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("02")]
    [InlineData(" 2")]
    [InlineData("2.0")]
    [InlineData("+2")]
    [InlineData("-1")]
    [InlineData("W/\"2\"")]
    [InlineData("99999999999999999999")]
    public async Task ReplaceAsync_VersionNotAsTheStoreWritesIt_ReturnsVersionMismatchAndKeepsData(string expected)
    {
        var created = (await _db.Users.CreateAsync(SqliteStoreFixture.User("bjensen"), default)).Value!;
        await _db.Users.ReplaceAsync(created.Id, SqliteStoreFixture.User("bjensen", title: "First"), null, default);

        // The version is now "2"; SQL alone would take "02" or "+2" for it.
        var result = await _db.Users.ReplaceAsync(created.Id, SqliteStoreFixture.User("bjensen", title: "Second"), expected, default);

        Assert.Equal(StoreResultStatus.VersionMismatch, result.Status);
        var read = (await _db.Users.GetAsync(created.Id, true, default)).Value!;
        Assert.Equal("2", read.Version);
        Assert.Equal("First", read.Resource["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    [InlineData("x")]
    public async Task ReplaceAsync_UnknownId_ReturnsNotFound_WhateverVersionIsExpected(string? expected)
    {
        var result = await _db.Users.ReplaceAsync("missing", SqliteStoreFixture.User("x"), expected, default);

        Assert.Equal(StoreResultStatus.NotFound, result.Status);
    }

    [Fact]
    public async Task ReplaceAsync_OfAUserInAnotherDirectory_ReturnsNotFoundAndLeavesIt()
    {
        var other = _db.Provider.GetUserStore("other");
        var created = (await other.CreateAsync(SqliteStoreFixture.User("bjensen"), default)).Value!;

        var result = await _db.Users.ReplaceAsync(created.Id, SqliteStoreFixture.User("bjensen", title: "Taken"), created.Version, default);

        Assert.Equal(StoreResultStatus.NotFound, result.Status);
        var read = (await other.GetAsync(created.Id, true, default)).Value!;
        Assert.Equal("1", read.Version);
        Assert.Null(read.Resource["title"]);
    }

    [Fact]
    public async Task ReplaceAsync_ReturnsTheResourceAsAReadReturnsIt_GroupsIncluded()
    {
        var created = (await _db.Users.CreateAsync(SqliteStoreFixture.User("bjensen"), default)).Value!;
        await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins", created.Id), default);
        await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Staff", created.Id), default);
        _db.Time.Advance(TimeSpan.FromMinutes(5));

        var replaced = (await _db.Users.ReplaceAsync(created.Id, SqliteStoreFixture.User("bjensen", title: "Boss"), created.Version, default)).Value!;
        var read = (await _db.Users.GetAsync(created.Id, true, default)).Value!;

        Assert.Equal(read.Version, replaced.Version);
        Assert.Equal(read.Created, replaced.Created);
        Assert.Equal(read.LastModified, replaced.LastModified);
        Assert.Equal(read.Resource.ToJsonString(), replaced.Resource.ToJsonString());
        Assert.Equal(["Admins", "Staff"], replaced.Resource["groups"]!.AsArray().Select(g => g!["display"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ReplaceAsync_UserNameTakenByAnother_ReturnsConflict()
    {
        await _db.Users.CreateAsync(SqliteStoreFixture.User("alice"), default);
        var bob = (await _db.Users.CreateAsync(SqliteStoreFixture.User("bob"), default)).Value!;

        var result = await _db.Users.ReplaceAsync(bob.Id, SqliteStoreFixture.User("ALICE"), null, default);

        Assert.Equal(StoreResultStatus.Conflict, result.Status);
    }

    [Fact]
    public async Task ReplaceAsync_UnknownId_ReturnsNotFound()
    {
        var result = await _db.Users.ReplaceAsync("missing", SqliteStoreFixture.User("x"), null, default);

        Assert.Equal(StoreResultStatus.NotFound, result.Status);
    }

    [Fact]
    public async Task DeleteAsync_ExistingUser_RemovesItAndItsMemberships()
    {
        var user = (await _db.Users.CreateAsync(SqliteStoreFixture.User("bjensen"), default)).Value!;
        var group = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Admins", user.Id), default)).Value!;

        var deleted = await _db.Users.DeleteAsync(user.Id, null, default);

        Assert.True(deleted.IsSuccess);
        Assert.Equal(StoreResultStatus.NotFound, (await _db.Users.GetAsync(user.Id, true, default)).Status);
        var after = (await _db.Groups.GetAsync(group.Id, true, default)).Value!;
        Assert.Empty(after.Resource["members"]!.AsArray());
        Assert.Equal("2", after.Version);
    }

    [Fact]
    public async Task DeleteAsync_StaleVersion_ReturnsVersionMismatch()
    {
        var user = (await _db.Users.CreateAsync(SqliteStoreFixture.User("bjensen"), default)).Value!;
        await _db.Users.ReplaceAsync(user.Id, SqliteStoreFixture.User("bjensen2"), null, default);

        var result = await _db.Users.DeleteAsync(user.Id, "1", default);

        Assert.Equal(StoreResultStatus.VersionMismatch, result.Status);
    }

    [Fact]
    public async Task DeleteAsync_UnknownId_ReturnsNotFound()
    {
        Assert.Equal(StoreResultStatus.NotFound, (await _db.Users.DeleteAsync("missing", null, default)).Status);
    }

    [Fact]
    public async Task CreateAsync_AfterReopen_DataSurvives()
    {
        var user = (await _db.Users.CreateAsync(SqliteStoreFixture.User("bjensen", "ext-9"), default)).Value!;

        _db.Reopen();

        var read = await _db.Users.GetAsync(user.Id, true, default);
        Assert.True(read.IsSuccess);
        Assert.Equal("ext-9", read.Value!.Resource["externalId"]!.GetValue<string>());
        Assert.Equal(StoreResultStatus.Conflict, (await _db.Users.CreateAsync(SqliteStoreFixture.User("BJENSEN"), default)).Status);
    }

    [Fact]
    public async Task Open_NewDatabase_UsesWalAndRecordsSchemaVersion()
    {
        await _db.Users.GetAsync("x", true, default);

        using var connection = new SqliteConnection($"Data Source={_db.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string)command.ExecuteScalar()!);
        command.CommandText = "SELECT MAX(version) FROM schema_version;";
        Assert.Equal((long)SqliteDatabase.SchemaVersion, (long)command.ExecuteScalar()!);
    }

    [Fact]
    public async Task Open_DatabaseFromNewerVersion_Throws()
    {
        await _db.Users.GetAsync("x", true, default);
        using (var connection = new SqliteConnection($"Data Source={_db.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_version (version) VALUES (99);";
            command.ExecuteNonQuery();
        }

        using var database = _db.Open();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await database.OpenAsync(default));
        Assert.Contains("99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_UserNameEq_IsCaseInsensitive()
    {
        await _db.Users.CreateAsync(SqliteStoreFixture.User("bjensen@example.com"), default);
        await _db.Users.CreateAsync(SqliteStoreFixture.User("other"), default);

        var result = await _db.Users.ListAsync(new ListQuery { Filter = Eq("userName", "BJENSEN@example.com") }, default);

        Assert.Equal(1, result.Value!.TotalResults);
        Assert.Equal("bjensen@example.com", result.Value.Resources.Single().Resource["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListAsync_ExternalIdEq_IsCaseExact()
    {
        await _db.Users.CreateAsync(SqliteStoreFixture.User("a", "ABC"), default);

        Assert.Equal(0, (await _db.Users.ListAsync(new ListQuery { Filter = Eq("externalId", "abc") }, default)).Value!.TotalResults);
        Assert.Equal(1, (await _db.Users.ListAsync(new ListQuery { Filter = Eq("externalId", "ABC") }, default)).Value!.TotalResults);
    }

    [Fact]
    public async Task ListAsync_IdEqOrUserNameEq_PushesDownBoth()
    {
        var a = (await _db.Users.CreateAsync(SqliteStoreFixture.User("a"), default)).Value!;
        await _db.Users.CreateAsync(SqliteStoreFixture.User("b"), default);
        await _db.Users.CreateAsync(SqliteStoreFixture.User("c"), default);

        var filter = new LogicalNode(LogicalOperator.Or, Eq("id", a.Id), Eq("userName", "c"));
        var result = await _db.Users.ListAsync(new ListQuery { Filter = filter, SortBy = new AttributePath(null, "userName") }, default);

        Assert.Equal(["a", "c"], result.Value!.Resources.Select(r => r.Resource["userName"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("x' OR '1'='1")]
    [InlineData("x\"; DROP TABLE users; --")]
    [InlineData("%")]
    public async Task ListAsync_InjectionInFilterValue_IsTreatedAsData(string value)
    {
        await _db.Users.CreateAsync(SqliteStoreFixture.User("plain"), default);
        await _db.Users.CreateAsync(SqliteStoreFixture.User(value), default);

        var result = await _db.Users.ListAsync(new ListQuery { Filter = Eq("userName", value) }, default);

        Assert.Equal(value, Assert.Single(result.Value!.Resources).Resource["userName"]!.GetValue<string>());
        Assert.Equal(2, (await _db.Users.ListAsync(new ListQuery(), default)).Value!.TotalResults);
    }

    [Fact]
    public async Task ListAsync_UnindexedFilter_IsEvaluatedOverScan()
    {
        await _db.Users.CreateAsync(SqliteStoreFixture.User("a", title: "Engineer"), default);
        await _db.Users.CreateAsync(SqliteStoreFixture.User("b", title: "Manager"), default);
        await _db.Users.CreateAsync(SqliteStoreFixture.User("c", title: "Senior Engineer"), default);

        var filter = new ComparisonNode(new AttributePath(null, "title"), ComparisonOperator.Contains, FilterValue.FromString("engineer"));
        var result = await _db.Users.ListAsync(new ListQuery { Filter = filter }, default);

        Assert.Equal(2, result.Value!.TotalResults);
        Assert.Equal(["a", "c"], result.Value.Resources.Select(r => r.Resource["userName"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ListAsync_ScanPastBound_ReturnsTooMany()
    {
        using var db = new SqliteStoreFixture(maxScannedResources: 2);
        for (var i = 0; i < 3; i++)
        {
            await db.Users.CreateAsync(SqliteStoreFixture.User($"u{i}", title: "t"), default);
        }

        var filter = new ComparisonNode(new AttributePath(null, "title"), ComparisonOperator.Equal, FilterValue.FromString("t"));
        var result = await db.Users.ListAsync(new ListQuery { Filter = filter }, default);

        Assert.Equal(StoreResultStatus.Rejected, result.Status);
        Assert.Equal(ScimErrorType.TooMany, result.ToError().Type);
    }

    [Fact]
    public async Task ListAsync_IndexedConjunctNarrowsScan_StaysUnderBound()
    {
        using var db = new SqliteStoreFixture(maxScannedResources: 1);
        for (var i = 0; i < 3; i++)
        {
            await db.Users.CreateAsync(SqliteStoreFixture.User($"u{i}", title: "t"), default);
        }

        var title = new ComparisonNode(new AttributePath(null, "title"), ComparisonOperator.Equal, FilterValue.FromString("t"));
        var result = await db.Users.ListAsync(new ListQuery { Filter = new LogicalNode(LogicalOperator.And, Eq("userName", "u1"), title) }, default);

        Assert.Equal("u1", Assert.Single(result.Value!.Resources).Resource["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListAsync_Paging_ReturnsRequestedWindowAndTotal()
    {
        for (var i = 1; i <= 5; i++)
        {
            await _db.Users.CreateAsync(SqliteStoreFixture.User($"user{i}"), default);
        }

        var page = (await _db.Users.ListAsync(new ListQuery { StartIndex = 2, Count = 2 }, default)).Value!;
        var countOnly = (await _db.Users.ListAsync(new ListQuery { Count = 0 }, default)).Value!;
        var beyond = (await _db.Users.ListAsync(new ListQuery { StartIndex = 10 }, default)).Value!;

        Assert.Equal(5, page.TotalResults);
        Assert.Equal(["user2", "user3"], page.Resources.Select(r => r.Resource["userName"]!.GetValue<string>()));
        Assert.Empty(countOnly.Resources);
        Assert.Equal(5, countOnly.TotalResults);
        Assert.Empty(beyond.Resources);
    }

    [Fact]
    public async Task ListAsync_SortByUnindexedAttributeDescending_SortsInMemoryWithMissingFirst()
    {
        await _db.Users.CreateAsync(SqliteStoreFixture.User("a", title: "b-title"), default);
        await _db.Users.CreateAsync(SqliteStoreFixture.User("b"), default);
        await _db.Users.CreateAsync(SqliteStoreFixture.User("c", title: "C-title"), default);

        var result = await _db.Users.ListAsync(new ListQuery { SortBy = new AttributePath(null, "title"), SortOrder = SortOrder.Descending }, default);

        Assert.Equal(["b", "c", "a"], result.Value!.Resources.Select(r => r.Resource["userName"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData(SortOrder.Ascending, new[] { "b", "c", "a" })]
    [InlineData(SortOrder.Descending, new[] { "a", "c", "b" })]
    public async Task ListAsync_SortByExternalId_PlacesMissingValuesPerRfc(SortOrder order, string[] expected)
    {
        await _db.Users.CreateAsync(SqliteStoreFixture.User("a"), default);
        await _db.Users.CreateAsync(SqliteStoreFixture.User("b", "1"), default);
        await _db.Users.CreateAsync(SqliteStoreFixture.User("c", "2"), default);

        var result = await _db.Users.ListAsync(new ListQuery { SortBy = new AttributePath(null, "externalId"), SortOrder = order }, default);

        Assert.Equal(expected, result.Value!.Resources.Select(r => r.Resource["userName"]!.GetValue<string>()));
    }

    internal static ComparisonNode Eq(string attribute, string value) =>
        new(new AttributePath(null, attribute), ComparisonOperator.Equal, FilterValue.FromString(value));
}
