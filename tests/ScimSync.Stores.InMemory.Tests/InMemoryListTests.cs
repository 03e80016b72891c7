// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Filtering;
using ScimSync.Stores.InMemory.Internal;

namespace ScimSync.Stores.InMemory.Tests;

/// <summary>
/// A lookup by a unique key (<c>id</c>, <c>userName</c>, a group's <c>displayName</c>, <c>externalId</c>) is answered
/// from the store's indexes, and a page with neither filter nor sort is cut from the creation order: neither
/// evaluates the filter against every resource. The answers stay those of the filter itself.
/// </summary>
public sealed class InMemoryListTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    [Theory]
    [InlineData("userName eq \"user-0150@example.com\"")]
    [InlineData("userName eq \"USER-0150@EXAMPLE.COM\"")]
    [InlineData("externalId eq \"ext-0150\"")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"user-0150@example.com\"")]
    [InlineData("userName eq \"user-0150@example.com\" and active eq true")]
    [InlineData("active eq true and externalId eq \"ext-0150\"")]
    public async Task UniqueKeyLookup_EvaluatesOnlyItsMatch(string filter)
    {
        var (users, ids) = await UsersAsync(300);

        var (result, views) = await ListCountingViewsAsync(users, new ListQuery { Filter = ScimFilter.Parse(filter) });

        Assert.Equal(1, result.TotalResults);
        Assert.Equal(ids[150], Assert.Single(result.Resources).Id);
        Assert.Equal(1, views);
    }

    [Fact]
    public async Task IdLookup_EvaluatesOnlyItsMatch()
    {
        var (users, ids) = await UsersAsync(300);

        var (result, views) = await ListCountingViewsAsync(users, new ListQuery { Filter = ScimFilter.Parse($"id eq \"{ids[7]}\"") });

        Assert.Equal(ids[7], Assert.Single(result.Resources).Id);
        Assert.Equal(1, views);
    }

    [Theory]
    [InlineData("externalId eq \"EXT-0150\"")] // externalId is case-exact
    [InlineData("userName eq \"nobody@example.com\"")]
    [InlineData("id eq \"no-such-id\"")]
    [InlineData("userName eq \"user-0150@example.com\" and active eq false")]
    [InlineData("userName eq \"user-0150@example.com\" and externalId eq \"ext-0151\"")]
    public async Task UniqueKeyLookup_WithoutAMatch_IsEmpty(string filter)
    {
        var (users, _) = await UsersAsync(300);

        var (result, views) = await ListCountingViewsAsync(users, new ListQuery { Filter = ScimFilter.Parse(filter) });

        Assert.Equal(0, result.TotalResults);
        Assert.Empty(result.Resources);
        Assert.True(views <= 1);
    }

    [Theory]
    [InlineData("userName eq \"user-0150@example.com\" or userName eq \"user-0151@example.com\"", 2)]
    [InlineData("userName sw \"user-015\"", 10)]
    [InlineData("not (userName ne \"user-0150@example.com\")", 1)]
    [InlineData("emails[value eq \"user-0150@example.com\"]", 1)]
    public async Task OtherFilters_StillEvaluateEveryResource(string filter, int expected)
    {
        var (users, _) = await UsersAsync(300);

        var (result, views) = await ListCountingViewsAsync(users, new ListQuery { Filter = ScimFilter.Parse(filter) });

        Assert.Equal(expected, result.TotalResults);
        Assert.Equal(300, views);
    }

    [Fact]
    public async Task GroupDisplayNameLookup_EvaluatesOnlyItsMatch()
    {
        var groups = new InMemoryScimStoreProvider().GetGroupStore("default");
        string? wanted = null;
        for (var i = 0; i < 50; i++)
        {
            var created = await groups.CreateAsync(
                new JsonObject { ["schemas"] = new JsonArray(GroupSchema), ["displayName"] = $"Group {i:D2}" }, CancellationToken.None);
            wanted = i == 20 ? created.Value!.Id : wanted;
        }

        var (result, views) = await ListCountingViewsAsync(groups, new ListQuery { Filter = ScimFilter.Parse("displayName eq \"group 20\""), IncludeMembers = false });

        Assert.Equal(wanted, Assert.Single(result.Resources).Id);
        Assert.Equal(1, views);
    }

    [Fact]
    public async Task UnfilteredPages_FollowCreationOrder_WithoutViews()
    {
        var (users, ids) = await UsersAsync(250);
        Assert.True((await users.DeleteAsync(ids[10], expectedVersion: null, CancellationToken.None)).IsSuccess);
        var remaining = ids.Where((_, i) => i != 10).ToList();
        var directory = ((InMemoryResourceStore)users).Directory;
        var before = directory.ViewsBuilt;

        var second = await ListAsync(users, new ListQuery { StartIndex = 101, Count = 100 });
        Assert.Equal(249, second.TotalResults);
        Assert.Equal(remaining.Skip(100).Take(100), second.Resources.Select(r => r.Id));

        var empty = await ListAsync(users, new ListQuery { Count = 0 });
        Assert.Equal(249, empty.TotalResults);
        Assert.Empty(empty.Resources);

        List<string> walked = [];
        var cursor = "";
        do
        {
            var page = await ListAsync(users, new ListQuery { Cursor = cursor, Count = 100 });
            Assert.Equal(249, page.TotalResults);
            walked.AddRange(page.Resources.Select(r => r.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(remaining, walked);
        Assert.Equal(0, directory.ViewsBuilt - before);
    }

    [Fact]
    public async Task UnfilteredCursor_EndsExactlyAtTheLastResource()
    {
        var (users, ids) = await UsersAsync(200);

        var first = await ListAsync(users, new ListQuery { Cursor = "", Count = 100 });
        var second = await ListAsync(users, new ListQuery { Cursor = first.NextCursor, Count = 100 });
        var none = await ListAsync(users, new ListQuery { Cursor = "", Count = 0 });

        Assert.NotNull(first.NextCursor);
        Assert.Equal(ids.Skip(100), second.Resources.Select(r => r.Id));
        Assert.Null(second.NextCursor);
        Assert.Empty(none.Resources);
        Assert.Null(none.NextCursor);
    }

    private static async Task<(IUserStore Users, List<string> Ids)> UsersAsync(int count)
    {
        var users = new InMemoryScimStoreProvider().GetUserStore("default");
        List<string> ids = [];
        for (var i = 0; i < count; i++)
        {
            var created = await users.CreateAsync(
                new JsonObject
                {
                    ["schemas"] = new JsonArray(UserSchema),
                    ["userName"] = $"user-{i:D4}@example.com",
                    ["externalId"] = $"ext-{i:D4}",
                    ["active"] = true,
                    ["emails"] = new JsonArray(new JsonObject { ["value"] = $"user-{i:D4}@example.com", ["type"] = "work" }),
                },
                CancellationToken.None);
            ids.Add(created.Value!.Id);
        }

        return (users, ids);
    }

    // Lists, and counts the filter views the store built for it.
    private static async Task<(ListResult Result, long Views)> ListCountingViewsAsync(IResourceStore store, ListQuery query)
    {
        var directory = ((InMemoryResourceStore)store).Directory;
        var before = directory.ViewsBuilt;
        var result = await ListAsync(store, query);
        return (result, directory.ViewsBuilt - before);
    }

    private static async Task<ListResult> ListAsync(IResourceStore store, ListQuery query)
    {
        var result = await store.ListAsync(query, CancellationToken.None);
        Assert.True(result.IsSuccess);
        return result.Value!;
    }
}
