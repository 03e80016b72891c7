// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Filtering;
using ScimSync.Schema;
using ScimSync.Stores.Sqlite.Internal;

namespace ScimSync.Stores.Sqlite.Tests;

/// <summary>Schema 2: migration from version 1, index use, cursors, transient failures and registration.</summary>
public sealed class SqliteStoreV2Tests : IDisposable
{
    // The shipped version 1 schema, as a database written by ScimSync 0.1 holds it.
    private const string V1Schema =
        """
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version (version) VALUES (1);
        CREATE TABLE users (
            id TEXT NOT NULL PRIMARY KEY,
            user_name_key TEXT NOT NULL,
            external_id TEXT NULL,
            version INTEGER NOT NULL,
            created TEXT NOT NULL,
            last_modified TEXT NOT NULL,
            json TEXT NOT NULL);
        CREATE UNIQUE INDEX ux_users_user_name ON users (user_name_key);
        CREATE UNIQUE INDEX ux_users_external_id ON users (external_id);
        CREATE TABLE groups (
            id TEXT NOT NULL PRIMARY KEY,
            display_name_key TEXT NOT NULL,
            external_id TEXT NULL,
            version INTEGER NOT NULL,
            created TEXT NOT NULL,
            last_modified TEXT NOT NULL,
            json TEXT NOT NULL);
        CREATE INDEX ix_groups_display_name ON groups (display_name_key);
        CREATE UNIQUE INDEX ux_groups_external_id ON groups (external_id);
        CREATE TABLE group_members (
            group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
            member_id TEXT NOT NULL,
            member_type TEXT NULL,
            display TEXT NULL,
            PRIMARY KEY (group_id, member_id));
        CREATE INDEX ix_group_members_member ON group_members (member_id);
        """;

    private const string UserId = "11111111-1111-1111-1111-111111111111";
    private const string GroupId = "22222222-2222-2222-2222-222222222222";

    private readonly SqliteStoreFixture _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Open_VersionOneDatabase_MigratesRowsIntoDefaultDirectory()
    {
        WriteVersionOne(secondGroupName: "Admins");

        var users = _db.Provider.GetUserStore("default");
        var groups = _db.Provider.GetGroupStore("default");

        var user = await users.GetAsync(UserId, includeMembers: true, default);
        Assert.Equal(StoreResultStatus.Success, user.Status);
        Assert.Equal("3", user.Value!.Version);
        Assert.Equal([UserId], (await groups.ListMembersAsync(GroupId, 1, 10, default)).Value!.Members.Select(m => m.Value));
        var byEmail = await users.ListAsync(new ListQuery { Filter = ScimFilter.Parse("emails[type eq \"work\"].value eq \"ÄRGER@EXAMPLE.COM\"") }, default);
        Assert.Equal(UserId, Assert.Single(byEmail.Value!.Resources).Id);
        Assert.Equal(StoreResultStatus.NotFound, (await _db.Provider.GetUserStore("other").GetAsync(UserId, true, default)).Status);
        Assert.Equal(StoreResultStatus.Conflict, (await groups.CreateAsync(SqliteStoreFixture.Group("ENGINEERING"), default)).Status);
        Assert.Equal(StoreResultStatus.Success, (await users.CreateAsync(SqliteStoreFixture.User("second"), default)).Status);
        Assert.Equal(2, (await users.ListAsync(new ListQuery { Count = 0 }, default)).Value!.TotalResults);
        Assert.Equal(2, (await groups.ListAsync(new ListQuery { Count = 0 }, default)).Value!.TotalResults);

        using var connection = new SqliteConnection($"Data Source={_db.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(version) FROM schema_version;";
        Assert.Equal((long)SqliteDatabase.SchemaVersion, (long)command.ExecuteScalar()!);

        // Version 6: memberships are indexed by the member's id alone.
        command.CommandText = "SELECT group_concat(name, ',') FROM pragma_index_info('ix_group_members_member');";
        Assert.Equal("member_id", (string)command.ExecuteScalar()!);
    }

    [Fact]
    public async Task Open_VersionOneDatabaseWithDuplicateGroupNames_RefusesNamingThem()
    {
        WriteVersionOne(secondGroupName: "engineering");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await _db.Users.GetAsync(UserId, true, default));

        Assert.Contains("'ENGINEERING'", error.Message, StringComparison.Ordinal);
        using var connection = new SqliteConnection($"Data Source={_db.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(version) FROM schema_version;";
        Assert.Equal(1L, (long)command.ExecuteScalar()!);
    }

    [Theory]
    [InlineData("users", "userName eq \"bjensen\"")]
    [InlineData("users", "externalId eq \"ext-1\"")]
    [InlineData("users", "id eq \"11111111-1111-1111-1111-111111111111\"")]
    [InlineData("users", "emails.value eq \"bjensen@example.com\"")]
    [InlineData("users", "emails[value eq \"bjensen@example.com\"]")]
    [InlineData("users", "emails[type eq \"work\"].value eq \"bjensen@example.com\"")]
    [InlineData("users", "emails[type eq \"work\" and value eq \"bjensen@example.com\"]")]
    [InlineData("users", "userName eq \"a\" or externalId eq \"b\"")]
    [InlineData("groups", "displayName eq \"Engineering\"")]
    [InlineData("groups", "externalId eq \"g-1\"")]
    [InlineData("groups", "members[value eq \"11111111-1111-1111-1111-111111111111\"]")]
    [InlineData("groups", "members.value eq \"11111111-1111-1111-1111-111111111111\"")]
    public async Task ListAsync_CommonProvisioningLookups_UseAnIndex(string table, string filter)
    {
        // A few rows so the planner has a table to choose against.
        for (var i = 0; i < 20; i++)
        {
            var user = (await _db.Users.CreateAsync(SqliteStoreFixture.User($"user{i}", $"ext-{i}"), default)).Value!;
            await _db.Groups.CreateAsync(SqliteStoreFixture.Group($"group{i}", user.Id), default);
        }

        SqliteResourceStore store = table == "users" ? _db.Provider.GetSqliteUserStore("default") : _db.Provider.GetSqliteGroupStore("default");

        var plan = await store.ExplainListAsync(ScimFilter.Parse(filter), default);

        var text = string.Join(" | ", plan);
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN ", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.StartsWith("SEARCH t USING", StringComparison.Ordinal) && step.Contains("INDEX", StringComparison.Ordinal));
        Assert.True(plan.Count > 0, text);
    }

    [Fact]
    public async Task ListAsync_CursorOfOtherResourceType_ReturnsInvalidCursor()
    {
        for (var i = 0; i < 3; i++)
        {
            await _db.Users.CreateAsync(SqliteStoreFixture.User($"u{i}"), default);
        }

        var page = (await _db.Users.ListAsync(new ListQuery { Cursor = string.Empty, Count = 1 }, default)).Value!;

        Assert.NotNull(page.NextCursor);
        var result = await _db.Groups.ListAsync(new ListQuery { Cursor = page.NextCursor, Count = 1 }, default);
        Assert.Equal(StoreResultStatus.Rejected, result.Status);
        Assert.Equal(Errors.ScimErrorType.InvalidCursor, result.ToError().Type);
    }

    [Fact]
    public async Task Writes_DatabaseLockedByAnotherWriter_ThrowUnavailableAndApplyNothing()
    {
        using var database = new SqliteDatabase(new SqliteConnectionStringBuilder { DataSource = _db.DatabasePath, DefaultTimeout = 1 });
        var provider = new SqliteStoreProvider(database, ScimSchemaRegistry.Default, TimeProvider.System, 100);
        var users = provider.GetUserStore("default");
        var groups = provider.GetGroupStore("default");
        var member = (await users.CreateAsync(SqliteStoreFixture.User("member"), default)).Value!;
        var group = (await groups.CreateAsync(SqliteStoreFixture.Group("team"), default)).Value!;

        using (var locker = new SqliteConnection($"Data Source={_db.DatabasePath};Pooling=False"))
        {
            locker.Open();
            using var begin = locker.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE;";
            begin.ExecuteNonQuery();

            var create = await Assert.ThrowsAsync<ScimStoreUnavailableException>(async () => await users.CreateAsync(SqliteStoreFixture.User("blocked"), default));
            await Assert.ThrowsAsync<ScimStoreUnavailableException>(async () => await groups.ModifyMembersAsync(group.Id, [new GroupMember(member.Id)], [], null, default));
            await Assert.ThrowsAsync<ScimStoreUnavailableException>(async () => await users.DeleteAsync(member.Id, null, default));
            Assert.IsType<SqliteException>(create.InnerException);

            using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }

        Assert.Equal(1, (await users.ListAsync(new ListQuery { Count = 0 }, default)).Value!.TotalResults);
        Assert.Empty((await groups.ListMembersAsync(group.Id, 1, 10, default)).Value!.Members);
        Assert.Equal(group.Version, (await groups.GetAsync(group.Id, false, default)).Value!.Version);
        Assert.Equal(StoreResultStatus.Success, (await users.CreateAsync(SqliteStoreFixture.User("blocked"), default)).Status);
    }

    [Fact]
    public void AddSqliteStore_Registered_ProviderServesDirectoriesAndDefaultStores()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScimProvisioning(scim => scim.AddSqliteStore(o => o.DatabasePath = _db.DatabasePath));
        using var serviceProvider = services.BuildServiceProvider();

        var provider = serviceProvider.GetRequiredService<IScimStoreProvider>();

        Assert.IsType<SqliteStoreProvider>(provider);
        Assert.Same(provider.GetUserStore("default"), serviceProvider.GetRequiredService<IUserStore>());
        Assert.Same(provider.GetGroupStore("default"), serviceProvider.GetRequiredService<IGroupStore>());
        Assert.Same(provider.GetUserStore("x"), provider.GetUserStore("x"));
        Assert.NotSame(provider.GetUserStore("x"), provider.GetUserStore("y"));
    }

    private void WriteVersionOne(string secondGroupName)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.DatabasePath)!);
        using var connection = new SqliteConnection($"Data Source={_db.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = V1Schema +
            $$"""
            INSERT INTO users VALUES ('{{UserId}}', 'BJENSEN', 'ext-1', 3, '2025-01-01T00:00:00.0000000Z', '2025-01-02T00:00:00.0000000Z',
                '{"schemas":["{{ScimSchemas.User}}"],"userName":"bjensen","emails":[{"value":"ärger@example.com","type":"work"},{"value":"b@home.example","type":"home"}]}');
            INSERT INTO groups VALUES ('{{GroupId}}', 'ENGINEERING', NULL, 1, '2025-01-01T00:00:00.0000000Z', '2025-01-01T00:00:00.0000000Z',
                '{"schemas":["{{ScimSchemas.Group}}"],"displayName":"Engineering"}');
            INSERT INTO groups VALUES ('33333333-3333-3333-3333-333333333333', '{{secondGroupName.ToUpperInvariant()}}', NULL, 1,
                '2025-01-01T00:00:00.0000000Z', '2025-01-01T00:00:00.0000000Z', '{"schemas":["{{ScimSchemas.Group}}"],"displayName":"{{secondGroupName}}"}');
            INSERT INTO group_members VALUES ('{{GroupId}}', '{{UserId}}', 'User', NULL);
            """;
        command.ExecuteNonQuery();
    }
}
