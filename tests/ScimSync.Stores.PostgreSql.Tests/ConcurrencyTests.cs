// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using ScimSync.Stores.PostgreSql.Internal;
using static ScimSync.Stores.PostgreSql.Tests.PostgresDatabaseFixture;

namespace ScimSync.Stores.PostgreSql.Tests;

/// <summary>Several host instances (each its own provider and connection pool) over one database.</summary>
public sealed class ConcurrencyTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [PostgresFact]
    public async Task Create_SameUserNameRacingFromTwoHosts_ExactlyOneWins()
    {
        var directory = "race-" + Guid.NewGuid().ToString("N")[..6];
        var hosts = new[] { database.CreateProvider(), database.CreateProvider() };
        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            start.Wait();
            var name = i % 2 == 0 ? "racer" : "RACER";
            return await hosts[i % 2].GetUserStore(directory).CreateAsync(User(name, externalId: "x" + i.ToString(CultureInfo.InvariantCulture)), None);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, r => r.IsSuccess);
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(StoreResultStatus.Conflict, r.Status));
        Assert.Equal(1, (await hosts[0].GetUserStore(directory).ListAsync(new ListQuery(), None)).Value!.TotalResults);
    }

    [PostgresFact]
    public async Task TwoHosts_ConcurrentMemberAddsAndReadModifyWrites_LoseNothing()
    {
        var directory = "hosts-" + Guid.NewGuid().ToString("N")[..6];
        var hostA = database.CreateProvider();
        var hostB = database.CreateProvider();
        var users = hostA.GetUserStore(directory);
        var memberIds = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            memberIds.Add((await users.CreateAsync(User($"member{i}"), None)).Value!.Id);
        }

        var group = (await hostA.GetGroupStore(directory).CreateAsync(Group("Everyone"), None)).Value!;
        var counter = (await users.CreateAsync(User("counter", title: "0"), None)).Value!;

        // Membership: each member added by one of the two hosts, one PATCH at a time, all at once.
        var adds = memberIds.Select((id, i) => Task.Run(async () =>
        {
            var groups = (i % 2 == 0 ? hostA : hostB).GetGroupStore(directory);
            var result = await groups.ModifyMembersAsync(group.Id, [new GroupMember(id)], [], null, None);
            Assert.True(result.IsSuccess);
        }));

        // A counter in "title": read, increment, replace with If-Match; on 412 read again.
        const int WritersPerHost = 3;
        const int IncrementsPerWriter = 8;
        var increments = Enumerable.Range(0, 2 * WritersPerHost).Select(w => Task.Run(async () =>
        {
            var store = (w % 2 == 0 ? hostA : hostB).GetUserStore(directory);
            for (var n = 0; n < IncrementsPerWriter; n++)
            {
                while (true)
                {
                    var current = (await store.GetAsync(counter.Id, false, None)).Value!;
                    var value = int.Parse(current.Resource["title"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                    var next = (JsonObject)current.Resource.DeepClone();
                    next["title"] = (value + 1).ToString(CultureInfo.InvariantCulture);
                    var written = await store.ReplaceAsync(counter.Id, next, current.Version, None);
                    if (written.IsSuccess)
                    {
                        break;
                    }

                    Assert.Equal(StoreResultStatus.VersionMismatch, written.Status);
                }
            }
        }));

        await Task.WhenAll(adds.Concat(increments));

        var members = (await hostB.GetGroupStore(directory).ListMembersAsync(group.Id, 1, 100, None)).Value!;
        Assert.Equal(memberIds.Order(StringComparer.Ordinal), members.Members.Select(m => m.Value));
        var final = (await hostB.GetUserStore(directory).GetAsync(counter.Id, false, None)).Value!;
        Assert.Equal((2 * WritersPerHost * IncrementsPerWriter).ToString(CultureInfo.InvariantCulture), final.Resource["title"]!.GetValue<string>());
        Assert.Equal((1 + (2 * WritersPerHost * IncrementsPerWriter)).ToString(CultureInfo.InvariantCulture), final.Version);
        var groupAfter = (await hostA.GetGroupStore(directory).GetAsync(group.Id, false, None)).Value!;
        Assert.Equal((1 + memberIds.Count).ToString(CultureInfo.InvariantCulture), groupAfter.Version);
    }

    [PostgresFact]
    public async Task ModifyMembers_MemberDeletedConcurrently_NoMembershipOutlivesItsMember()
    {
        var directory = "del-" + Guid.NewGuid().ToString("N")[..6];
        var hostA = database.CreateProvider();
        var hostB = database.CreateProvider();
        var group = (await hostA.GetGroupStore(directory).CreateAsync(Group("G"), None)).Value!;
        for (var round = 0; round < 15; round++)
        {
            var user = (await hostA.GetUserStore(directory).CreateAsync(User($"u{round}"), None)).Value!;
            var add = hostA.GetGroupStore(directory).ModifyMembersAsync(group.Id, [new GroupMember(user.Id)], [], null, None).AsTask();
            var delete = hostB.GetUserStore(directory).DeleteAsync(user.Id, null, None).AsTask();
            await Task.WhenAll(add, delete);
            Assert.True(delete.Result.IsSuccess);
        }

        Assert.Equal(0, (await hostA.GetGroupStore(directory).ListMembersAsync(group.Id, 1, 100, None)).Value!.TotalResults);
    }

    [PostgresFact]
    public async Task Store_ServerUnreachable_ThrowsUnavailable()
    {
        var provider = database.CreateUnreachableProvider();

        var error = await Assert.ThrowsAsync<ScimStoreUnavailableException>(() => provider.GetUserStore("d").GetAsync("x", false, None).AsTask());
        Assert.NotNull(error.RetryAfter);
    }

    [PostgresFact]
    public async Task Store_BackendTerminated_ThrowsUnavailableThenRecovers()
    {
        var directory = "kill-" + Guid.NewGuid().ToString("N")[..6];
        var provider = database.CreateProvider(connectionString: database.ConnectionString + ";Application Name=scimsync-victim");
        var users = provider.GetUserStore(directory);
        var alice = (await users.CreateAsync(User("alice"), None)).Value!;

        await using (var admin = await database.OpenAsync())
        {
            await using var kill = new NpgsqlCommand("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'scimsync-victim';", admin);
            Assert.True((long)(await kill.ExecuteScalarAsync())! > 0);
        }

        await Assert.ThrowsAsync<ScimStoreUnavailableException>(() => users.GetAsync(alice.Id, false, None).AsTask());
        Assert.True((await users.GetAsync(alice.Id, false, None)).IsSuccess);
    }

    [PostgresFact]
    public async Task ModifyMembers_LockTimeout_ThrowsUnavailableAndChangesNothing()
    {
        var directory = "lock-" + Guid.NewGuid().ToString("N")[..6];
        var provider = database.CreateProvider(connectionString: database.ConnectionString + ";Options=-c lock_timeout=300");
        var alice = (await provider.GetUserStore(directory).CreateAsync(User("alice"), None)).Value!;
        var bob = (await provider.GetUserStore(directory).CreateAsync(User("bob"), None)).Value!;
        var groups = provider.GetGroupStore(directory);
        var group = (await groups.CreateAsync(Group("G", alice.Id), None)).Value!;

        await using (var holder = await database.OpenAsync())
        await using (var transaction = await holder.BeginTransactionAsync())
        {
            // Another writer holds the member row: the change waits past lock_timeout (55P03) after removing alice.
            await using var hold = new NpgsqlCommand("SELECT 1 FROM scimsync_users WHERE id = @id FOR UPDATE;", holder, transaction);
            hold.Parameters.AddWithValue("id", bob.Id);
            await hold.ExecuteNonQueryAsync();

            await Assert.ThrowsAsync<ScimStoreUnavailableException>(
                () => groups.ModifyMembersAsync(group.Id, [new GroupMember(bob.Id)], [alice.Id], null, None).AsTask());
        }

        var after = (await groups.GetAsync(group.Id, true, None)).Value!;
        Assert.Equal(group.Version, after.Version);
        Assert.Equal(alice.Id, after.Resource["members"]![0]!["value"]!.GetValue<string>());
    }
}

/// <summary>Host instances starting together against an empty database.</summary>
public sealed class MigrationTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [PostgresFact]
    public async Task FirstUse_FourHostsAtOnce_MigrateOnceAndAllWork()
    {
        var hosts = Enumerable.Range(0, 4).Select(_ => database.CreateProvider()).ToList();
        using var start = new ManualResetEventSlim();
        var first = hosts.Select((h, i) => Task.Run(async () =>
        {
            start.Wait();
            return await h.GetUserStore("m").CreateAsync(User($"first{i}"), CancellationToken.None);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(first);

        Assert.All(results, r => Assert.True(r.IsSuccess));
        Assert.Equal(PostgreSqlDatabase.SchemaVersion, await database.ScalarAsync("SELECT COUNT(*) FROM scimsync_schema_version"));
        Assert.Equal(PostgreSqlDatabase.SchemaVersion, await database.ScalarAsync("SELECT MAX(version) FROM scimsync_schema_version"));

        // A later start finds the schema current and changes nothing.
        var late = database.CreateProvider();
        Assert.Equal(4, (await late.GetUserStore("m").ListAsync(new ListQuery(), CancellationToken.None)).Value!.TotalResults);
        Assert.Equal(PostgreSqlDatabase.SchemaVersion, await database.ScalarAsync("SELECT COUNT(*) FROM scimsync_schema_version"));
    }

}

/// <summary>A database that a newer ScimSync has migrated.</summary>
public sealed class MigrationVersionTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [PostgresFact]
    public async Task FirstUse_DatabaseFromNewerVersion_Refused()
    {
        await database.CreateProvider().GetUserStore("n").ListAsync(new ListQuery(), CancellationToken.None);
        await using (var connection = await database.OpenAsync())
        await using (var command = new NpgsqlCommand("INSERT INTO scimsync_schema_version (version) VALUES (999);", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(
                () => database.CreateProvider().GetUserStore("n").ListAsync(new ListQuery(), CancellationToken.None).AsTask());
            Assert.Contains("999", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await database.ScalarAsync("WITH d AS (DELETE FROM scimsync_schema_version WHERE version = 999 RETURNING 1) SELECT COUNT(*) FROM d");
        }
    }
}
