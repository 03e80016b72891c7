// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Policies;
using ScimSync.Provisioning;

namespace ScimSync.Stores.Sqlite.Tests;

public sealed class SqliteProvisioningLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-log-").FullName;

    private string DatabasePath => Path.Combine(_directory, "data", "scim.db");

    [Fact]
    public async Task Append_ThenQuery_RoundTripsEveryField()
    {
        var log = new SqliteProvisioningLog(new SqliteConnectionStringBuilder { DataSource = DatabasePath });
        var entry = Entry("u1", 200) with
        {
            IdentityProvider = "EntraId",
            ResourceType = "User",
            ScimType = null,
            ChangedAttributes = ["displayName", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"],
            RequestId = "req-1",
            TokenName = "primary",
            Duration = TimeSpan.FromMilliseconds(12.5),
            Decisions = [new PolicyDecision(PolicyNames.GroupMapping, "g-1", "Excluded by GroupMapping:Exclude[0] (\"quoted\", a\nline).")],
        };

        await log.AppendAsync(entry);
        var page = await log.QueryAsync(new ProvisioningLogQuery());

        var read = Assert.Single(page.Entries);
        Assert.Equal(entry with { ChangedAttributes = read.ChangedAttributes, Decisions = read.Decisions }, read);
        Assert.Equal(entry.ChangedAttributes, read.ChangedAttributes);
        Assert.Equal(entry.Decisions, read.Decisions);
        Assert.Null(page.Continuation);
    }

    [Fact]
    public async Task AppendSeveral_RecordsThemInOrder_LikeOneAtATime()
    {
        var log = new SqliteProvisioningLog(new SqliteConnectionStringBuilder { DataSource = DatabasePath });
        await log.AppendAsync(Entry("before", 200));
        ProvisioningLogEntry[] batch =
        [
            Entry("b1", 201) with { ChangedAttributes = ["userName"], Decisions = [new PolicyDecision(PolicyNames.GroupMapping, "g-1", "Created.")] },
            Entry("b2", 400) with { ScimType = "invalidValue" },
            Entry("b3", 204),
        ];

        await log.AppendRangeAsync(batch);
        var page = await log.QueryAsync(new ProvisioningLogQuery());

        Assert.Equal(["b3", "b2", "b1", "before"], page.Entries.Select(e => e.ResourceId));
        Assert.Equal("invalidValue", page.Entries[1].ScimType);
        Assert.Equal(batch[0].Decisions, page.Entries[2].Decisions);
        Assert.Equal(["userName"], page.Entries[2].ChangedAttributes);
    }

    [Fact]
    public async Task AppendSeveral_ThatFailsPartWay_RecordsNoneOfThem()
    {
        var log = new SqliteProvisioningLog(new SqliteConnectionStringBuilder { DataSource = DatabasePath });
        await log.AppendAsync(Entry("before", 200));

        await Assert.ThrowsAsync<ArgumentNullException>(async () => await log.AppendRangeAsync([Entry("b1", 201), null!, Entry("b3", 201)]));

        Assert.Equal(["before"], (await log.QueryAsync(new ProvisioningLogQuery())).Entries.Select(e => e.ResourceId));
    }

    [Fact]
    public async Task Query_FiltersAndPagesNewestFirst_AcrossReopen()
    {
        var log = new SqliteProvisioningLog(new SqliteConnectionStringBuilder { DataSource = DatabasePath });
        for (var i = 0; i < 5; i++)
        {
            await log.AppendAsync(Entry("u" + i, i % 2 == 0 ? 200 : 404));
        }

        await log.AppendAsync(Entry("u9", 201) with { Connection = "okta" });

        // A new instance (a restart) sees the same table; the schema step is idempotent.
        SqliteConnection.ClearAllPools();
        log = new SqliteProvisioningLog(new SqliteConnectionStringBuilder { DataSource = DatabasePath });
        var first = await log.QueryAsync(new ProvisioningLogQuery { Connection = "ENTRA", PageSize = 2 });
        Assert.Equal(["u4", "u3"], first.Entries.Select(e => e.ResourceId));
        var second = await log.QueryAsync(new ProvisioningLogQuery { Connection = "entra", PageSize = 2, Continuation = first.Continuation });
        Assert.Equal(["u2", "u1"], second.Entries.Select(e => e.ResourceId));
        var third = await log.QueryAsync(new ProvisioningLogQuery { Connection = "entra", PageSize = 2, Continuation = second.Continuation });
        Assert.Equal(["u0"], third.Entries.Select(e => e.ResourceId));
        Assert.Null(third.Continuation);

        Assert.Equal(["u3", "u1"], (await log.QueryAsync(new ProvisioningLogQuery { Outcome = ProvisioningOutcomeFilter.Failed })).Entries.Select(e => e.ResourceId));
        Assert.Equal(["u9"], (await log.QueryAsync(new ProvisioningLogQuery { ResourceId = "u9" })).Entries.Select(e => e.ResourceId));
    }

    [Fact]
    public async Task VersionOneLog_IsUpgradedInPlace_KeepingItsEntries()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE provisioning_log_schema (version INTEGER NOT NULL);
                CREATE TABLE provisioning_log (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, timestamp TEXT NOT NULL, connection TEXT NOT NULL,
                    identity_provider TEXT NULL, operation TEXT NOT NULL, resource_type TEXT NULL, resource_id TEXT NULL,
                    status INTEGER NOT NULL, scim_type TEXT NULL, changed_attributes TEXT NOT NULL, request_id TEXT NULL,
                    token_name TEXT NULL, duration_us INTEGER NOT NULL);
                INSERT INTO provisioning_log_schema (version) VALUES (1);
                INSERT INTO provisioning_log (timestamp, connection, operation, resource_id, status, changed_attributes, duration_us)
                    VALUES ('2026-11-28T10:00:00.0000000Z', 'entra', 'create', 'old', 201, 'userName', 10);
                """;
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var log = new SqliteProvisioningLog(new SqliteConnectionStringBuilder { DataSource = DatabasePath });
        await log.AppendAsync(Entry("new", 201) with { Decisions = [new PolicyDecision(PolicyNames.Lifecycle, "user", "Re-linked.")] });
        var page = await log.QueryAsync(new ProvisioningLogQuery());

        Assert.Equal(["new", "old"], page.Entries.Select(e => e.ResourceId));
        Assert.Equal("Re-linked.", Assert.Single(page.Entries[0].Decisions).Reason);
        Assert.Empty(page.Entries[1].Decisions);
    }

    [Fact]
    public async Task NewerSchemaVersion_IsRefused()
    {
        var log = new SqliteProvisioningLog(new SqliteConnectionStringBuilder { DataSource = DatabasePath });
        await log.AppendAsync(Entry("u1", 200));
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO provisioning_log_schema (version) VALUES (99)";
            command.ExecuteNonQuery();
        }

        var reopened = new SqliteProvisioningLog(new SqliteConnectionStringBuilder { DataSource = DatabasePath });
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await reopened.QueryAsync(new ProvisioningLogQuery()));
    }

    [Fact]
    public void AddSqliteProvisioningLog_DefaultsToTheStoresDatabase()
    {
        var services = new ServiceCollection();
        services.AddScimProvisioning(s => s.AddSqliteStore(o => o.DatabasePath = DatabasePath).AddSqliteProvisioningLog());
        using var provider = services.BuildServiceProvider();

        var log = Assert.IsType<SqliteProvisioningLog>(provider.GetRequiredService<IProvisioningLog>());

        Assert.Equal(Path.GetFullPath(DatabasePath), log.DatabasePath);
    }

    [Fact]
    public async Task SharedFile_LeavesTheStoresSchemaAlone()
    {
        using var fixture = new SqliteStoreFixture();
        var log = new SqliteProvisioningLog(new SqliteConnectionStringBuilder { DataSource = fixture.DatabasePath });
        await log.AppendAsync(Entry("u1", 201));
        var created = await fixture.Users.CreateAsync(SqliteStoreFixture.User("shared"), CancellationToken.None);

        Assert.True(created.IsSuccess);
        Assert.Single((await log.QueryAsync(new ProvisioningLogQuery())).Entries);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static ProvisioningLogEntry Entry(string id, int status) => new()
    {
        Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Connection = "entra",
        Operation = ProvisioningOperations.Patch,
        ResourceId = id,
        Status = status,
        ScimType = status >= 400 ? "noTarget" : null,
    };
}
