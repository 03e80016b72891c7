// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Benchmarks;

/// <summary>
/// The SQLite store's side of the load cycle's member adds (phase A3): 100 members added to a group with one
/// <see cref="IGroupStore.ModifyMembersAsync"/>, as the server does for a members-only PATCH, and removed again so
/// that every invocation starts from the same database. The database holds the cycle's shape: 10,000 users and 100
/// groups of 500 consecutive users each. It lives on <c>/dev/shm</c> where there is one, so the figure is the store's
/// own work (statements, the group commit) rather than the disk's fsync.
/// </summary>
[MemoryDiagnoser]
public class SqliteMemberBenchmarks
{
    private const int Users = 10_000;

    private readonly List<string> _userIds = new(Users);
    private string _directory = string.Empty;
    private ServiceProvider _services = null!;
    private IGroupStore _groups = null!;
    private string _groupId = string.Empty;
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        _directory = Path.Combine(root, "scimsync-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScimProvisioning(scim => scim.AddSqliteStore(o => o.DatabasePath = Path.Combine(_directory, "bench.db")));
        _services = services.BuildServiceProvider();
        var provider = _services.GetRequiredService<IScimStoreProvider>();
        var users = provider.GetUserStore("default");
        _groups = provider.GetGroupStore("default");

        for (var i = 0; i < Users; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            var user = new JsonObject
            {
                ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
                ["userName"] = "bench-user-" + n,
                ["externalId"] = "ext-" + n,
                ["active"] = true,
                ["displayName"] = "Bench User " + n,
                ["emails"] = new JsonArray(new JsonObject { ["value"] = $"bench-user-{n}@example.com", ["type"] = "work", ["primary"] = true }),
            };
            _userIds.Add((await users.CreateAsync(user, CancellationToken.None).ConfigureAwait(false)).Value!.Id);
        }

        for (var g = 0; g < 100; g++)
        {
            var id = await CreateGroupAsync("bench-group-" + g.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            for (var first = 0; first < 500; first += 100)
            {
                var members = Enumerable.Range(g * 500 + first, 100).Select(k => new GroupMember(_userIds[k % Users])).ToList();
                Require((await _groups.ModifyMembersAsync(id, members, [], null, CancellationToken.None).ConfigureAwait(false)).IsSuccess);
            }
        }

        _groupId = await CreateGroupAsync("bench-target").ConfigureAwait(false);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Adds the next 100 consecutive users to the group (values alone, as Entra ID sends them), then removes them.</summary>
    [Benchmark]
    public async Task Add100ThenRemove()
    {
        var first = _next;
        _next = (_next + 100) % Users;
        var members = new List<GroupMember>(100);
        var ids = new List<string>(100);
        for (var k = first; k < first + 100; k++)
        {
            members.Add(new GroupMember(_userIds[k]));
            ids.Add(_userIds[k]);
        }

        Require((await _groups.ModifyMembersAsync(_groupId, members, [], null, CancellationToken.None).ConfigureAwait(false)).IsSuccess);
        Require((await _groups.ModifyMembersAsync(_groupId, [], ids, null, CancellationToken.None).ConfigureAwait(false)).IsSuccess);
    }

    private async Task<string> CreateGroupAsync(string displayName)
    {
        var group = new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"), ["displayName"] = displayName };
        var created = await _groups.CreateAsync(group, CancellationToken.None).ConfigureAwait(false);
        Require(created.IsSuccess);
        return created.Value!.Id;
    }

    private static void Require(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("A store operation of the benchmark's setup or body failed.");
        }
    }
}
