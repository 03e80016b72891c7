// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using HdrHistogram;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Filtering;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Benchmarks.Scale;

/// <summary>
/// The SQLite store at scale: seeds N users (through the store, as provisioning would) and groups of 10 and 100,000
/// members, then measures lookups, pages and member adds (p50/p99 over many samples), the managed heap and the first
/// query after opening the file. Run at two sizes and compare:
/// <c>dotnet run -c Release -- scale --users 1000000 --dir /dev/shm/scimsync-scale</c>.
/// </summary>
/// <remarks>
/// Seeding writes one durable transaction per user; on a tmpfs directory (<c>/dev/shm</c>) the fsyncs are free, so a
/// million users take minutes instead of an hour. The measurements after seeding read, and the member adds are single
/// transactions either way.
/// </remarks>
public static class SqliteScale
{
    public static async Task<int> RunAsync(string[] args)
    {
        var users = int.Parse(Option(args, "--users") ?? "100000", CultureInfo.InvariantCulture);
        var directory = Option(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "scimsync-scale");
        var samples = int.Parse(Option(args, "--samples") ?? "2000", CultureInfo.InvariantCulture);
        var path = Path.Combine(directory, $"scale-{users}.db");
        Directory.CreateDirectory(directory);

        var seeded = File.Exists(path);
        await using (var services = Open(path))
        {
            var provider = services.GetRequiredService<IScimStoreProvider>();
            var userStore = provider.GetUserStore("default");
            var groupStore = provider.GetGroupStore("default");
            if (!seeded)
            {
                await SeedAsync(userStore, groupStore, users).ConfigureAwait(false);
            }
        }

        SqliteConnection.ClearAllPools();
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        // A fresh container: what a restarted host pays on its first request.
        await using var fresh = Open(path);
        var freshProvider = fresh.GetRequiredService<IScimStoreProvider>();
        var userStoreFresh = freshProvider.GetUserStore("default");
        var groupStoreFresh = freshProvider.GetGroupStore("default");
        var firstQuery = Stopwatch.StartNew();
        await userStoreFresh.ListAsync(new ListQuery { Filter = ScimFilter.Parse($"userName eq \"{UserName(users / 2)}\""), Count = 1 }, CancellationToken.None).ConfigureAwait(false);
        firstQuery.Stop();

        var random = new Random(7);
        var byUserName = await MeasureAsync(samples, async () =>
        {
            var found = await userStoreFresh.ListAsync(new ListQuery { Filter = ScimFilter.Parse($"userName eq \"{UserName(random.Next(users))}\""), Count = 1 }, CancellationToken.None).ConfigureAwait(false);
            Require(found.IsSuccess && found.Value!.TotalResults == 1, "userName lookup");
        }).ConfigureAwait(false);
        var byExternalId = await MeasureAsync(samples, async () =>
        {
            var found = await userStoreFresh.ListAsync(new ListQuery { Filter = ScimFilter.Parse($"externalId eq \"ext-{random.Next(users)}\""), Count = 1 }, CancellationToken.None).ConfigureAwait(false);
            Require(found.IsSuccess && found.Value!.TotalResults == 1, "externalId lookup");
        }).ConfigureAwait(false);
        var page = await MeasureAsync(samples / 10, async () =>
        {
            var found = await userStoreFresh.ListAsync(new ListQuery { StartIndex = 1 + random.Next(Math.Max(1, users - 100)), Count = 100 }, CancellationToken.None).ConfigureAwait(false);
            Require(found.IsSuccess && found.Value!.Resources.Count == 100, "page");
        }).ConfigureAwait(false);
        var cursorPage = await MeasureCursorAsync(userStoreFresh, samples / 10).ConfigureAwait(false);

        var small = (await groupStoreFresh.ListAsync(new ListQuery { Filter = ScimFilter.Parse("displayName eq \"scale-small\""), IncludeMembers = false }, CancellationToken.None).ConfigureAwait(false)).Value!.Resources[0].Id;
        var large = (await groupStoreFresh.ListAsync(new ListQuery { Filter = ScimFilter.Parse("displayName eq \"scale-large\""), IncludeMembers = false }, CancellationToken.None).ConfigureAwait(false)).Value!.Resources[0].Id;
        var ids = await UserIdsAsync(userStoreFresh, users, Math.Min(samples / 2, 1_000)).ConfigureAwait(false);
        var next = 0;
        var addSmall = await MeasureAsync(ids.Count, () => ToggleAsync(groupStoreFresh, small, ids[next++ % ids.Count])).ConfigureAwait(false);
        var addLarge = await MeasureAsync(ids.Count, () => ToggleAsync(groupStoreFresh, large, ids[next++ % ids.Count])).ConfigureAwait(false);

        GC.Collect();
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"SQLite scale: {users:N0} users, file {new FileInfo(path).Length / 1048576.0:N0} MiB ({path})");
        Console.WriteLine($"| measurement | p50 ms | p99 ms | samples |");
        Console.WriteLine($"| --- | ---: | ---: | ---: |");
        Row("userName eq lookup", byUserName);
        Row("externalId eq lookup", byExternalId);
        Row("100-item page (index, random offset)", page);
        Row("100-item page (cursor walk)", cursorPage);
        Row("add+remove one member, group of 10", addSmall);
        Row("add+remove one member, group of 100,000", addLarge);
        Console.WriteLine($"first query after opening: {firstQuery.Elapsed.TotalMilliseconds:N1} ms; managed heap {heapBefore / 1048576.0:N1} MiB before, {heapAfter / 1048576.0:N1} MiB after; working set {process.WorkingSet64 / 1048576.0:N0} MiB");
        return 0;
    }

    private static ServiceProvider Open(string path)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScimProvisioning(scim => scim.AddSqliteStore(o => o.DatabasePath = path));
        return services.BuildServiceProvider();
    }

    private static async Task SeedAsync(IUserStore users, IGroupStore groups, int count)
    {
        var clock = Stopwatch.StartNew();
        var ids = new List<string>(Math.Min(count, 100_000));
        for (var i = 0; i < count; i++)
        {
            var user = new JsonObject
            {
                ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
                ["userName"] = UserName(i),
                ["externalId"] = "ext-" + i.ToString(CultureInfo.InvariantCulture),
                ["active"] = true,
                ["displayName"] = "Scale User " + i.ToString(CultureInfo.InvariantCulture),
                ["name"] = new JsonObject { ["givenName"] = "Scale", ["familyName"] = "User " + i.ToString(CultureInfo.InvariantCulture) },
                ["emails"] = new JsonArray(new JsonObject { ["value"] = UserName(i), ["type"] = "work", ["primary"] = true }),
            };
            var created = await users.CreateAsync(user, CancellationToken.None).ConfigureAwait(false);
            Require(created.IsSuccess, "seed user");
            if (ids.Count < 100_000)
            {
                ids.Add(created.Value!.Id);
            }

            if (i % 100_000 == 99_999)
            {
                Console.WriteLine($"seeded {i + 1:N0} users in {clock.Elapsed.TotalSeconds:N0} s");
            }
        }

        var small = await groups.CreateAsync(new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"), ["displayName"] = "scale-small" }, CancellationToken.None).ConfigureAwait(false);
        var large = await groups.CreateAsync(new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"), ["displayName"] = "scale-large" }, CancellationToken.None).ConfigureAwait(false);
        await groups.ModifyMembersAsync(small.Value!.Id, [.. ids.Take(10).Select(id => new GroupMember(id))], [], null, CancellationToken.None).ConfigureAwait(false);
        foreach (var chunk in ids.Chunk(1_000))
        {
            await groups.ModifyMembersAsync(large.Value!.Id, [.. chunk.Select(id => new GroupMember(id))], [], null, CancellationToken.None).ConfigureAwait(false);
        }

        Console.WriteLine($"seeded {count:N0} users and groups of 10 and {ids.Count:N0} members in {clock.Elapsed.TotalSeconds:N0} s");
    }

    private static async Task<List<string>> UserIdsAsync(IUserStore users, int total, int count)
    {
        // The last users: not in the seeded groups (those hold the first 100,000) when there are more than 100,000 +
        // count, so each add inserts a row and each remove deletes it.
        Require(total > 100_000 + count, "the member measurement needs more than 100,000 + samples users");
        var ids = new List<string>(count);
        for (var i = total - count; i < total; i++)
        {
            var found = await users.ListAsync(new ListQuery { Filter = ScimFilter.Parse($"externalId eq \"ext-{i}\""), Count = 1 }, CancellationToken.None).ConfigureAwait(false);
            ids.Add(found.Value!.Resources[0].Id);
        }

        return ids;
    }

    private static async Task ToggleAsync(IGroupStore groups, string groupId, string userId)
    {
        var added = await groups.ModifyMembersAsync(groupId, [new GroupMember(userId)], [], null, CancellationToken.None).ConfigureAwait(false);
        var removed = await groups.ModifyMembersAsync(groupId, [], [userId], null, CancellationToken.None).ConfigureAwait(false);
        Require(added.IsSuccess && removed.IsSuccess, "member add/remove");
    }

    private static async Task<LongHistogram> MeasureCursorAsync(IUserStore users, int pages)
    {
        string? cursor = string.Empty;
        return await MeasureAsync(pages, async () =>
        {
            var found = await users.ListAsync(new ListQuery { Cursor = cursor, Count = 100 }, CancellationToken.None).ConfigureAwait(false);
            Require(found.IsSuccess && found.Value!.Resources.Count == 100, "cursor page");
            cursor = found.Value!.NextCursor ?? string.Empty;
        }).ConfigureAwait(false);
    }

    private static async Task<LongHistogram> MeasureAsync(int count, Func<Task> operation)
    {
        for (var i = 0; i < Math.Min(50, count); i++)
        {
            await operation().ConfigureAwait(false);
        }

        var histogram = new LongHistogram(1, 60_000_000, 3);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await operation().ConfigureAwait(false);
            histogram.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds));
        }

        return histogram;
    }

    private static void Row(string name, LongHistogram histogram) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {histogram.GetValueAtPercentile(50) / 1000.0:N2} | {histogram.GetValueAtPercentile(99) / 1000.0:N2} | {histogram.TotalCount:N0} |"));

    private static string UserName(int i) => string.Create(CultureInfo.InvariantCulture, $"scale-{i:D7}@example.com");

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Scale run: {what} failed.");
        }
    }
}
