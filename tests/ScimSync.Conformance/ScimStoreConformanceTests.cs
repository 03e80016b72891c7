// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Patching;
using ScimSync.Stores;
using Xunit;
using static ScimSync.Conformance.ScimResources;

namespace ScimSync.Conformance;

/// <summary>
/// The behaviour every <see cref="IScimStoreProvider"/> must show. Subclass it in a test project, return a fresh,
/// empty provider from <see cref="CreateProviderAsync"/>, and xunit runs every inherited test against it.
/// </summary>
/// <remarks>
/// Each test gets its own provider. Most tests use directory <see cref="DirectoryA"/>; isolation tests also use
/// <see cref="DirectoryB"/>. Group display names are unique (ignoring case) per directory: a deliberate ScimSync rule,
/// since every target keys groups by name.
/// </remarks>
public abstract class ScimStoreConformanceTests : IAsyncLifetime
{
    /// <summary>The directory most tests use.</summary>
    protected const string DirectoryA = "a";

    /// <summary>The second directory of the isolation tests.</summary>
    protected const string DirectoryB = "b";

    private IScimStoreProvider? _provider;

    /// <summary>Gets the provider under test.</summary>
    protected IScimStoreProvider Provider => _provider ?? throw new InvalidOperationException("The provider is created in InitializeAsync.");

    /// <summary>Gets the User store of <see cref="DirectoryA"/>.</summary>
    protected IUserStore Users => Provider.GetUserStore(DirectoryA);

    /// <summary>Gets the Group store of <see cref="DirectoryA"/>.</summary>
    protected IGroupStore Groups => Provider.GetGroupStore(DirectoryA);

    /// <inheritdoc />
    public async Task InitializeAsync() => _provider = await CreateProviderAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await DisposeProviderAsync(_provider).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Gets a value indicating whether the provider keeps several isolated directories. A host's own store over its
    /// application tables serves exactly one directory (docs/decisions/0002), so it overrides this with
    /// <see langword="false"/>; the directory isolation tests then pass without running, as the cursor tests do for a
    /// store without cursors. Such a provider is only asked for <see cref="DirectoryA"/>.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    protected virtual bool SupportsDirectories => true;

    /// <summary>Creates a provider over a fresh, empty store. Called once per test.</summary>
    /// <returns>The provider.</returns>
    protected abstract Task<IScimStoreProvider> CreateProviderAsync();

    /// <summary>Releases what <see cref="CreateProviderAsync"/> created (files, databases).</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>A task that completes when it is released.</returns>
    protected virtual Task DisposeProviderAsync(IScimStoreProvider provider) => Task.CompletedTask;

    // ---- CRUD ---------------------------------------------------------------------------------------------------

    /// <summary>A created resource gets an id, a version and equal timestamps; id and meta stay out of the body.</summary>
    [Fact]
    public async Task Create_NewUser_AssignsIdVersionAndTimestamps()
    {
        var result = await Users.CreateAsync(User("bjensen", "ext-1"), default);

        Assert.Equal(StoreResultStatus.Success, result.Status);
        var stored = result.Value!;
        Assert.False(string.IsNullOrEmpty(stored.Id));
        Assert.False(string.IsNullOrEmpty(stored.Version));
        Assert.Equal(stored.Created, stored.LastModified);
        Assert.Equal("bjensen", StringOf(stored.Resource, "userName"));
        Assert.Null(stored.Resource["id"]);
        Assert.Null(stored.Resource["meta"]);
    }

    /// <summary>Reading a created resource returns its attributes, version and timestamps.</summary>
    [Fact]
    public async Task Get_AfterCreate_ReturnsSameResource()
    {
        var created = await CreateUserAsync(User("bjensen", "ext-1", "Tour Guide").WithEmail("work", "bjensen@example.com").WithEnterprise("employeeNumber", "701984"));

        var read = await Users.GetAsync(created.Id, includeMembers: true, default);

        Assert.Equal(StoreResultStatus.Success, read.Status);
        Assert.Equal(created.Id, read.Value!.Id);
        Assert.Equal(created.Version, read.Value.Version);
        Assert.Equal(created.Created, read.Value.Created);
        Assert.Equal(created.LastModified, read.Value.LastModified);
        Assert.Equal("Tour Guide", StringOf(read.Value.Resource, "title"));
        Assert.Equal("ext-1", StringOf(read.Value.Resource, "externalId"));
        Assert.Equal("bjensen@example.com", read.Value.Resource["emails"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("701984", read.Value.Resource[Schema.ScimSchemas.EnterpriseUser]!["employeeNumber"]!.GetValue<string>());
    }

    /// <summary>Unknown ids are not found by every operation.</summary>
    [Fact]
    public async Task Operations_UnknownId_ReturnNotFound()
    {
        const string id = "00000000-0000-0000-0000-000000000000";

        Assert.Equal(StoreResultStatus.NotFound, (await Users.GetAsync(id, true, default)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await Users.ReplaceAsync(id, User("x"), null, default)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await Users.DeleteAsync(id, null, default)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await Groups.GetAsync(id, true, default)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await Groups.ModifyMembersAsync(id, [], [], null, default)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await Groups.ListMembersAsync(id, 1, 10, default)).Status);
        Assert.Empty(await Groups.ListGroupsOfMemberAsync(id, default));
    }

    /// <summary>Replace keeps id and created, changes the version, and replaces every attribute.</summary>
    [Fact]
    public async Task Replace_ExistingUser_ReplacesAttributesAndChangesVersion()
    {
        var created = await CreateUserAsync(User("bjensen", title: "Tour Guide"));

        var replaced = await Users.ReplaceAsync(created.Id, User("bjensen", "ext-9"), created.Version, default);

        Assert.Equal(StoreResultStatus.Success, replaced.Status);
        Assert.Equal(created.Id, replaced.Value!.Id);
        Assert.Equal(created.Created, replaced.Value.Created);
        Assert.True(replaced.Value.LastModified >= created.LastModified);
        Assert.NotEqual(created.Version, replaced.Value.Version);
        Assert.Null(replaced.Value.Resource["title"]);
        var read = (await Users.GetAsync(created.Id, true, default)).Value!;
        Assert.Equal("ext-9", StringOf(read.Resource, "externalId"));
        Assert.Null(read.Resource["title"]);
        Assert.Equal(replaced.Value.Version, read.Version);
    }

    /// <summary>Every write gives the resource a version it never had before.</summary>
    [Fact]
    public async Task Writes_EveryWrite_ChangesVersion()
    {
        var user = await CreateUserAsync(User("member"));
        var group = (await Groups.CreateAsync(Group("team"), default)).Value!;
        var versions = new List<string> { group.Version };

        var replaced = (await Groups.ReplaceAsync(group.Id, Group("team2"), group.Version, default)).Value!;
        versions.Add(replaced.Version);
        var added = (await Groups.ModifyMembersAsync(group.Id, [new GroupMember(user.Id)], [], replaced.Version, default)).Value!;
        versions.Add(added.Version);
        var removed = (await Groups.ModifyMembersAsync(group.Id, [], [user.Id], added.Version, default)).Value!;
        versions.Add(removed.Version);
        var replacedAgain = (await Groups.ReplaceAsync(group.Id, Group("team2"), removed.Version, default)).Value!;
        versions.Add(replacedAgain.Version);

        Assert.Equal(versions.Count, versions.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(replacedAgain.Version, (await Groups.GetAsync(group.Id, false, default)).Value!.Version);
    }

    /// <summary>Delete removes the resource; deleting it again is not found.</summary>
    [Fact]
    public async Task Delete_ExistingUser_RemovesIt()
    {
        var created = await CreateUserAsync(User("bjensen"));

        var deleted = await Users.DeleteAsync(created.Id, created.Version, default);

        Assert.Equal(StoreResultStatus.Success, deleted.Status);
        Assert.Equal(created.Id, deleted.Value);
        Assert.Equal(StoreResultStatus.NotFound, (await Users.GetAsync(created.Id, true, default)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await Users.DeleteAsync(created.Id, null, default)).Status);
        Assert.Equal(0, (await Users.ListAsync(new ListQuery(), default)).Value!.TotalResults);
        Assert.Equal(StoreResultStatus.Success, (await Users.CreateAsync(User("bjensen"), default)).Status);
    }

    // ---- Uniqueness ---------------------------------------------------------------------------------------------

    /// <summary>userName is unique ignoring case on create.</summary>
    [Fact]
    public async Task Create_UserNameDiffersOnlyInCase_ReturnsConflict()
    {
        await CreateUserAsync(User("BJensen@example.com"));

        var result = await Users.CreateAsync(User("bjensen@EXAMPLE.com"), default);

        AssertConflict(result);
        Assert.Equal(1, await CountAsync(Users));
    }

    /// <summary>userName is unique ignoring case on replace, and the refused replace changes nothing.</summary>
    [Fact]
    public async Task Replace_UserNameTakenByAnother_ReturnsConflictAndKeepsData()
    {
        await CreateUserAsync(User("alice"));
        var bob = await CreateUserAsync(User("bob", title: "Keep"));

        var result = await Users.ReplaceAsync(bob.Id, User("ALICE"), null, default);

        AssertConflict(result);
        var read = (await Users.GetAsync(bob.Id, true, default)).Value!;
        Assert.Equal("bob", StringOf(read.Resource, "userName"));
        Assert.Equal("Keep", StringOf(read.Resource, "title"));
        Assert.Equal(bob.Version, read.Version);
    }

    /// <summary>A resource does not conflict with itself: its unique values may change case.</summary>
    [Fact]
    public async Task Replace_OwnUserNameInOtherCase_Succeeds()
    {
        var user = await CreateUserAsync(User("bjensen", "ext"));

        var result = await Users.ReplaceAsync(user.Id, User("BJENSEN", "ext"), null, default);

        Assert.Equal(StoreResultStatus.Success, result.Status);
        Assert.Equal("BJENSEN", StringOf(result.Value!.Resource, "userName"));
    }

    /// <summary>externalId is unique (case-exact) on create and replace.</summary>
    [Fact]
    public async Task CreateAndReplace_DuplicateExternalId_ReturnConflict()
    {
        await CreateUserAsync(User("a", "ext"));
        var b = await CreateUserAsync(User("b", "EXT"));

        AssertConflict(await Users.CreateAsync(User("c", "ext"), default));
        AssertConflict(await Users.ReplaceAsync(b.Id, User("b", "ext"), null, default));
        Assert.Equal(2, await CountAsync(Users));
    }

    /// <summary>Group displayName is unique ignoring case on create and replace.</summary>
    [Fact]
    public async Task CreateAndReplace_GroupDisplayNameDiffersOnlyInCase_ReturnConflict()
    {
        await Groups.CreateAsync(Group("Engineering"), default);
        var other = (await Groups.CreateAsync(Group("Sales"), default)).Value!;

        AssertConflict(await Groups.CreateAsync(Group("ENGINEERING"), default));
        AssertConflict(await Groups.ReplaceAsync(other.Id, Group("engineering"), null, default));
        Assert.Equal("Sales", StringOf((await Groups.GetAsync(other.Id, false, default)).Value!.Resource, "displayName"));
    }

    /// <summary>Group externalId is unique on create.</summary>
    [Fact]
    public async Task Create_DuplicateGroupExternalId_ReturnsConflict()
    {
        var first = Group("one");
        first["externalId"] = "g-ext";
        var second = Group("two");
        second["externalId"] = "g-ext";
        await Groups.CreateAsync(first, default);

        AssertConflict(await Groups.CreateAsync(second, default));
    }

    /// <summary>Of 16 concurrent creates of one userName exactly one succeeds; the rest conflict.</summary>
    [Fact]
    public async Task Create_ConcurrentSameUserName_ExactlyOneSucceeds()
    {
        var attempts = Enumerable.Range(0, 16).Select(i =>
            Task.Run(async () => await Users.CreateAsync(User(i % 2 == 0 ? "race" : "RACE"), default)));

        var results = await Task.WhenAll(attempts);

        Assert.Single(results, r => r.Status == StoreResultStatus.Success);
        Assert.All(results.Where(r => r.Status != StoreResultStatus.Success), r => Assert.Equal(StoreResultStatus.Conflict, r.Status));
        Assert.Equal(1, await CountAsync(Users));
    }

    /// <summary>Of 16 concurrent creates of one group name exactly one succeeds; the rest conflict.</summary>
    [Fact]
    public async Task Create_ConcurrentSameGroupName_ExactlyOneSucceeds()
    {
        var attempts = Enumerable.Range(0, 16).Select(i =>
            Task.Run(async () => await Groups.CreateAsync(Group(i % 2 == 0 ? "team" : "TEAM"), default)));

        var results = await Task.WhenAll(attempts);

        Assert.Single(results, r => r.Status == StoreResultStatus.Success);
        Assert.All(results.Where(r => r.Status != StoreResultStatus.Success), r => Assert.Equal(StoreResultStatus.Conflict, r.Status));
    }

    /// <summary>Concurrent replaces that move two users onto one userName: at most one wins.</summary>
    [Fact]
    public async Task Replace_ConcurrentRenamesToSameUserName_AtMostOneSucceeds()
    {
        var users = new List<StoredResource>();
        for (var i = 0; i < 8; i++)
        {
            users.Add(await CreateUserAsync(User($"user{i}")));
        }

        var results = await Task.WhenAll(users.Select(u => Task.Run(async () => await Users.ReplaceAsync(u.Id, User("target"), null, default))));

        Assert.Single(results, r => r.Status == StoreResultStatus.Success);
        Assert.All(results.Where(r => r.Status != StoreResultStatus.Success), r => Assert.Equal(StoreResultStatus.Conflict, r.Status));
        Assert.Equal(1, (await Users.ListAsync(new ListQuery { Filter = Parse("userName eq \"target\"") }, default)).Value!.TotalResults);
    }

    // ---- Filters ------------------------------------------------------------------------------------------------

    /// <summary>Filters select exactly the matching users.</summary>
    /// <param name="filter">The filter text.</param>
    /// <param name="expected">The userNames it selects, comma-separated.</param>
    [Theory]
    [InlineData("userName eq \"ALICE@example.com\"", "alice@example.com")]
    [InlineData("externalId eq \"ext-bob\"", "bob@example.com")]
    [InlineData("externalId eq \"EXT-BOB\"", "")]
    [InlineData("displayName eq \"Carol White\"", "carol@example.org")]
    [InlineData("userName co \"example\"", "alice@example.com,bob@example.com,carol@example.org")]
    [InlineData("userName sw \"BOB\"", "bob@example.com")]
    [InlineData("userName ew \".org\"", "carol@example.org")]
    [InlineData("userName gt \"b\"", "bob@example.com,carol@example.org")]
    [InlineData("userName lt \"b\"", "alice@example.com")]
    [InlineData("title pr", "alice@example.com,bob@example.com")]
    [InlineData("title eq \"Engineer\" and userName sw \"a\"", "alice@example.com")]
    [InlineData("userName eq \"alice@example.com\" or externalId eq \"ext-bob\"", "alice@example.com,bob@example.com")]
    [InlineData("not (title pr)", "carol@example.org")]
    [InlineData("emails[type eq \"work\" and value co \"bob\"]", "bob@example.com")]
    [InlineData("emails[type eq \"work\" and value co \"home\"]", "")]
    [InlineData("emails.value eq \"CAROL@x.example\"", "carol@example.org")]
    [InlineData("emails[value eq \"alice@home.example\"]", "alice@example.com")]
    [InlineData("emails[type eq \"work\"].value eq \"alice@work.example\"", "alice@example.com")]
    [InlineData("emails[type eq \"home\"].value eq \"alice@work.example\"", "")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"1002\"", "bob@example.com")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department pr", "alice@example.com")]
    [InlineData("active eq true and userName ne \"bob@example.com\"", "alice@example.com,carol@example.org")]
    public async Task List_Filter_SelectsMatchingUsers(string filter, string expected)
    {
        await SeedFilterUsersAsync();

        var result = await Users.ListAsync(new ListQuery { Filter = Parse(filter) }, default);

        Assert.Equal(StoreResultStatus.Success, result.Status);
        var expectedNames = expected.Length == 0 ? [] : expected.Split(',');
        Assert.Equal(expectedNames, UserNames(result.Value!).Order(StringComparer.Ordinal));
        Assert.Equal(expectedNames.Length, result.Value!.TotalResults);
    }

    /// <summary><c>id eq</c> selects one resource, in users and groups.</summary>
    [Fact]
    public async Task List_IdEq_SelectsThatResource()
    {
        var (alice, _, _) = await SeedFilterUsersAsync();
        var group = (await Groups.CreateAsync(Group("g"), default)).Value!;
        await Groups.CreateAsync(Group("h"), default);

        var users = (await Users.ListAsync(new ListQuery { Filter = Parse($"id eq \"{alice.Id}\"") }, default)).Value!;
        var groups = (await Groups.ListAsync(new ListQuery { Filter = Parse($"id eq \"{group.Id}\"") }, default)).Value!;

        Assert.Equal(alice.Id, Assert.Single(users.Resources).Id);
        Assert.Equal(group.Id, Assert.Single(groups.Resources).Id);
    }

    /// <summary><c>meta.lastModified gt</c> compares the store's timestamps.</summary>
    [Fact]
    public async Task List_MetaLastModifiedGt_ComparesTimestamps()
    {
        var (alice, bob, carol) = await SeedFilterUsersAsync();
        var all = new[] { alice, bob, carol };
        var pivot = alice.LastModified;
        var text = pivot.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

        var after = (await Users.ListAsync(new ListQuery { Filter = Parse($"meta.lastModified gt \"{text}\"") }, default)).Value!;
        var early = (await Users.ListAsync(new ListQuery { Filter = Parse("meta.lastModified gt \"2000-01-01T00:00:00Z\"") }, default)).Value!;

        Assert.Equal(all.Where(u => u.LastModified > pivot).Select(u => u.Id).Order(StringComparer.Ordinal), after.Resources.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(3, early.TotalResults);
    }

    /// <summary>Group filters: displayName eq ignoring case, members[value eq] and members.value eq.</summary>
    [Fact]
    public async Task List_GroupFilters_SelectMatchingGroups()
    {
        var user = await CreateUserAsync(User("member"));
        var with = (await Groups.CreateAsync(Group("With Member", user.Id), default)).Value!;
        await Groups.CreateAsync(Group("Without"), default);

        var byName = (await Groups.ListAsync(new ListQuery { Filter = Parse("displayName eq \"with member\"") }, default)).Value!;
        var byMember = (await Groups.ListAsync(new ListQuery { Filter = Parse($"members[value eq \"{user.Id}\"]"), IncludeMembers = false }, default)).Value!;
        var byMemberValue = (await Groups.ListAsync(new ListQuery { Filter = Parse($"members.value eq \"{user.Id}\"") }, default)).Value!;

        Assert.Equal(with.Id, Assert.Single(byName.Resources).Id);
        Assert.Equal(with.Id, Assert.Single(byMember.Resources).Id);
        Assert.Null(byMember.Resources[0].Resource["members"]);
        Assert.Equal(with.Id, Assert.Single(byMemberValue.Resources).Id);
        Assert.Equal([user.Id], MemberIds(byMemberValue.Resources[0].Resource));
    }

    // ---- Sorting and index paging -------------------------------------------------------------------------------

    /// <summary>sortBy orders ascending and descending.</summary>
    [Fact]
    public async Task List_SortByUserName_OrdersBothWays()
    {
        foreach (var name in new[] { "charlie", "Alpha", "bravo" })
        {
            await CreateUserAsync(User(name));
        }

        var ascending = (await Users.ListAsync(new ListQuery { SortBy = new AttributePath(null, "userName") }, default)).Value!;
        var descending = (await Users.ListAsync(new ListQuery { SortBy = new AttributePath(null, "userName"), SortOrder = SortOrder.Descending }, default)).Value!;

        Assert.Equal(["Alpha", "bravo", "charlie"], UserNames(ascending));
        Assert.Equal(["charlie", "bravo", "Alpha"], UserNames(descending));
    }

    /// <summary>Resources without the sort attribute come last ascending and first descending (RFC 7644 §3.4.2.3).</summary>
    [Fact]
    public async Task List_SortByAttributeSomeLack_PlacesMissingPerRfc()
    {
        await CreateUserAsync(User("a", title: "Beta"));
        await CreateUserAsync(User("b"));
        await CreateUserAsync(User("c", title: "alpha"));

        var ascending = (await Users.ListAsync(new ListQuery { SortBy = new AttributePath(null, "title") }, default)).Value!;
        var descending = (await Users.ListAsync(new ListQuery { SortBy = new AttributePath(null, "title"), SortOrder = SortOrder.Descending }, default)).Value!;

        Assert.Equal(["c", "a", "b"], UserNames(ascending));
        Assert.Equal(["b", "a", "c"], UserNames(descending));
    }

    /// <summary>Index paging is 1-based, reports the total, and count 0 returns only the total.</summary>
    [Fact]
    public async Task List_IndexPaging_ReturnsWindowAndTotal()
    {
        for (var i = 1; i <= 5; i++)
        {
            await CreateUserAsync(User($"user{i}"));
        }

        var sort = new AttributePath(null, "userName");
        var page = (await Users.ListAsync(new ListQuery { StartIndex = 2, Count = 2, SortBy = sort }, default)).Value!;
        var countOnly = (await Users.ListAsync(new ListQuery { Count = 0 }, default)).Value!;
        var beyond = (await Users.ListAsync(new ListQuery { StartIndex = 10, SortBy = sort }, default)).Value!;
        var last = (await Users.ListAsync(new ListQuery { StartIndex = 5, Count = 10, SortBy = sort }, default)).Value!;

        Assert.Equal(5, page.TotalResults);
        Assert.Equal(["user2", "user3"], UserNames(page));
        Assert.Empty(countOnly.Resources);
        Assert.Equal(5, countOnly.TotalResults);
        Assert.Empty(beyond.Resources);
        Assert.Equal(5, beyond.TotalResults);
        Assert.Equal(["user5"], UserNames(last));
    }

    /// <summary>
    /// The total of a first page is every match, whether the page comes back short, exactly full or full with more to
    /// come, filtered or not, in the default order or sorted (a store may take a short first page's length as the total).
    /// </summary>
    [Theory]
    [InlineData(null, 10, 5)]
    [InlineData(null, 5, 5)]
    [InlineData(null, 4, 5)]
    [InlineData("userName sw \"user\"", 10, 4)]
    [InlineData("userName sw \"user\"", 4, 4)]
    [InlineData("userName sw \"user\"", 3, 4)]
    [InlineData("userName eq \"user2\"", 1, 1)]
    [InlineData("userName eq \"user2\"", 100, 1)]
    [InlineData("userName eq \"nobody\"", 100, 0)]
    public async Task List_FirstPage_ReportsEveryMatchAsTotal(string? filter, int count, int expectedTotal)
    {
        for (var i = 1; i <= 4; i++)
        {
            await CreateUserAsync(User($"user{i}"));
        }

        await CreateUserAsync(User("other"));

        foreach (var sortBy in new[] { null, new AttributePath(null, "userName") })
        {
            var page = (await Users.ListAsync(new ListQuery { Filter = filter is null ? null : Parse(filter), Count = count, SortBy = sortBy }, default)).Value!;

            Assert.Equal(expectedTotal, page.TotalResults);
            Assert.Equal(Math.Min(count, expectedTotal), page.Resources.Count);
        }
    }

    /// <summary>Without sortBy the default order is stable: index pages cover every resource once.</summary>
    [Fact]
    public async Task List_IndexPagingDefaultOrder_CoversEveryResourceOnce()
    {
        for (var i = 0; i < 7; i++)
        {
            await CreateUserAsync(User($"u{i}"));
        }

        var seen = new List<string>();
        for (var start = 1; start <= 7; start += 3)
        {
            seen.AddRange((await Users.ListAsync(new ListQuery { StartIndex = start, Count = 3 }, default)).Value!.Resources.Select(r => r.Id));
        }

        Assert.Equal(7, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(7, seen.Count);
    }

    // ---- Cursor paging ------------------------------------------------------------------------------------------

    /// <summary>Cursor pages walk every resource once and end without a next cursor.</summary>
    [Fact]
    public async Task List_CursorPaging_WalksEveryResourceOnce()
    {
        if (!Users.Capabilities.SupportsCursor)
        {
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await CreateUserAsync(User($"u{i}"))).Id);
        }

        var seen = await WalkAsync(Users, new ListQuery { Cursor = string.Empty, Count = 2 }, between: null);

        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// While other resources are created and deleted concurrently, a cursor walk returns every resource that existed
    /// throughout exactly once, and no resource twice.
    /// </summary>
    [Fact]
    public async Task List_CursorPagingWhileOthersChange_ReturnsStableResourcesExactlyOnce()
    {
        if (!Users.Capabilities.SupportsCursor)
        {
            return;
        }

        var stable = new HashSet<string>(StringComparer.Ordinal);
        var churn = new ConcurrentQueue<string>();
        for (var i = 0; i < 12; i++)
        {
            stable.Add((await CreateUserAsync(User($"stable{i:D2}"))).Id);
            churn.Enqueue((await CreateUserAsync(User($"early{i:D2}"))).Id);
        }

        using var stop = new CancellationTokenSource();
        var counter = 0;
        async Task ChurnOnceAsync()
        {
            // Bounded, so the walk (which also sees the newest resources) reaches the end.
            var n = Interlocked.Increment(ref counter);
            if (n > 200)
            {
                return;
            }

            churn.Enqueue((await CreateUserAsync(User($"churn{n}"))).Id);
            if (churn.TryDequeue(out var victim))
            {
                await Users.DeleteAsync(victim, null, default);
            }
        }

        var background = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && Volatile.Read(ref counter) < 200)
            {
                await ChurnOnceAsync();
            }
        });

        List<string> seen;
        try
        {
            seen = await WalkAsync(Users, new ListQuery { Cursor = string.Empty, Count = 2 }, between: async () =>
            {
                // Interleaved changes happen even if the background task is slow to start.
                await ChurnOnceAsync();
            });
        }
        finally
        {
            await stop.CancelAsync();
            await background;
        }

        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.All(stable, id => Assert.Single(seen, s => s == id));
    }

    /// <summary>Cursor paging honours the filter and reports the total of matches.</summary>
    [Fact]
    public async Task List_CursorPagingWithFilter_ReturnsMatchesAndTotal()
    {
        if (!Users.Capabilities.SupportsCursor)
        {
            return;
        }

        for (var i = 0; i < 6; i++)
        {
            await CreateUserAsync(User($"u{i}", title: i % 2 == 0 ? "even" : "odd"));
        }

        var first = (await Users.ListAsync(new ListQuery { Cursor = string.Empty, Count = 2, Filter = Parse("title eq \"even\"") }, default)).Value!;
        var seen = await WalkAsync(Users, new ListQuery { Cursor = string.Empty, Count = 2, Filter = Parse("title eq \"even\"") }, between: null);

        Assert.Equal(3, first.TotalResults);
        Assert.Equal(2, first.Resources.Count);
        Assert.NotNull(first.NextCursor);
        Assert.Equal(3, seen.Count);
    }

    /// <summary>A cursor the store did not issue is rejected with <c>invalidCursor</c>.</summary>
    /// <param name="cursor">The cursor.</param>
    [Theory]
    [InlineData("garbage")]
    [InlineData("not base64 !!")]
    [InlineData("AAAA")]
    public async Task List_GarbageCursor_ReturnsInvalidCursor(string cursor)
    {
        if (!Users.Capabilities.SupportsCursor)
        {
            return;
        }

        await CreateUserAsync(User("a"));

        var result = await Users.ListAsync(new ListQuery { Cursor = cursor, Count = 2 }, default);

        Assert.Equal(StoreResultStatus.Rejected, result.Status);
        Assert.Equal(ScimErrorType.InvalidCursor, result.ToError().Type);
    }

    // ---- Membership ---------------------------------------------------------------------------------------------

    /// <summary>Members given on create are stored and returned; reading without members leaves them out.</summary>
    [Fact]
    public async Task Get_GroupWithAndWithoutMembers_HonoursIncludeMembers()
    {
        var user = await CreateUserAsync(User("member"));
        var nested = (await Groups.CreateAsync(Group("nested"), default)).Value!;
        var group = (await Groups.CreateAsync(Group("team", user.Id, nested.Id), default)).Value!;

        var with = (await Groups.GetAsync(group.Id, includeMembers: true, default)).Value!;
        var without = (await Groups.GetAsync(group.Id, includeMembers: false, default)).Value!;
        var listed = (await Groups.ListAsync(new ListQuery { IncludeMembers = false }, default)).Value!;

        Assert.Equal(new[] { user.Id, nested.Id }.Order(StringComparer.Ordinal), MemberIds(with.Resource).Order(StringComparer.Ordinal));
        Assert.Null(without.Resource["members"]);
        Assert.All(listed.Resources, r => Assert.Null(r.Resource["members"]));
    }

    /// <summary>Adding an existing member and removing a missing one are no-ops, not errors.</summary>
    [Fact]
    public async Task ModifyMembers_AddAndRemoveTwice_IsIdempotent()
    {
        var user = await CreateUserAsync(User("member"));
        var group = (await Groups.CreateAsync(Group("team"), default)).Value!;

        var first = await Groups.ModifyMembersAsync(group.Id, [new GroupMember(user.Id)], [], null, default);
        var second = await Groups.ModifyMembersAsync(group.Id, [new GroupMember(user.Id)], [], null, default);
        Assert.Equal(StoreResultStatus.Success, first.Status);
        Assert.Equal(StoreResultStatus.Success, second.Status);
        Assert.Null(first.Value!.Resource["members"]);
        Assert.Equal([user.Id], MemberIds((await Groups.GetAsync(group.Id, true, default)).Value!.Resource));

        var removed = await Groups.ModifyMembersAsync(group.Id, [], [user.Id], null, default);
        var removedAgain = await Groups.ModifyMembersAsync(group.Id, [], [user.Id, "unknown-id"], null, default);
        Assert.Equal(StoreResultStatus.Success, removed.Status);
        Assert.Equal(StoreResultStatus.Success, removedAgain.Status);
        Assert.Empty(MemberIds((await Groups.GetAsync(group.Id, true, default)).Value!.Resource));
    }

    /// <summary>An unknown member is rejected with <c>invalidValue</c> and nothing of the request is applied.</summary>
    [Fact]
    public async Task ModifyMembers_UnknownMember_RejectsAndChangesNothing()
    {
        var user = await CreateUserAsync(User("member"));
        var other = await CreateUserAsync(User("other"));
        var group = (await Groups.CreateAsync(Group("team", other.Id), default)).Value!;

        var result = await Groups.ModifyMembersAsync(group.Id, [new GroupMember(user.Id), new GroupMember("no-such-id")], [other.Id], null, default);

        Assert.Equal(StoreResultStatus.Rejected, result.Status);
        Assert.Equal(ScimErrorType.InvalidValue, result.ToError().Type);
        var read = (await Groups.GetAsync(group.Id, true, default)).Value!;
        Assert.Equal([other.Id], MemberIds(read.Resource));
        Assert.Equal(group.Version, read.Version);
    }

    /// <summary>Creating a group with an unknown member is rejected and creates nothing.</summary>
    [Fact]
    public async Task Create_GroupWithUnknownMember_RejectsAndCreatesNothing()
    {
        var result = await Groups.CreateAsync(Group("team", "no-such-id"), default);

        Assert.Equal(StoreResultStatus.Rejected, result.Status);
        Assert.Equal(ScimErrorType.InvalidValue, result.ToError().Type);
        Assert.Equal(0, await CountAsync(Groups));
        Assert.Equal(StoreResultStatus.Success, (await Groups.CreateAsync(Group("team"), default)).Status);
    }

    /// <summary>Members are listed by member id, one page at a time, with the total.</summary>
    [Fact]
    public async Task ListMembers_Paged_OrdersByMemberId()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await CreateUserAsync(User($"m{i}"))).Id);
        }

        var group = (await Groups.CreateAsync(Group("team", [.. ids]), default)).Value!;
        var ordered = ids.Order(StringComparer.Ordinal).ToList();

        var page = (await Groups.ListMembersAsync(group.Id, 2, 2, default)).Value!;
        var totalOnly = (await Groups.ListMembersAsync(group.Id, 1, 0, default)).Value!;
        var all = (await Groups.ListMembersAsync(group.Id, 1, 100, default)).Value!;

        Assert.Equal(5, page.TotalResults);
        Assert.Equal(ordered.Skip(1).Take(2), page.Members.Select(m => m.Value));
        Assert.Empty(totalOnly.Members);
        Assert.Equal(5, totalOnly.TotalResults);
        Assert.Equal(ordered, all.Members.Select(m => m.Value));
        Assert.All(all.Members, m => Assert.Equal("User", m.Type));
    }

    /// <summary>A member's groups are listed by group id with their display names.</summary>
    [Fact]
    public async Task ListGroupsOfMember_MemberOfTwo_ListsBoth()
    {
        var user = await CreateUserAsync(User("member"));
        var g1 = (await Groups.CreateAsync(Group("one", user.Id), default)).Value!;
        var g2 = (await Groups.CreateAsync(Group("two"), default)).Value!;
        await Groups.ModifyMembersAsync(g2.Id, [new GroupMember(user.Id)], [], null, default);
        await Groups.CreateAsync(Group("three"), default);

        var groups = await Groups.ListGroupsOfMemberAsync(user.Id, default);

        var expected = new[] { (g1.Id, "one"), (g2.Id, "two") }.OrderBy(g => g.Item1, StringComparer.Ordinal);
        Assert.Equal(expected, groups.Select(g => (g.Id, g.DisplayName!)));
    }

    /// <summary>Deleting a user removes it from every group.</summary>
    [Fact]
    public async Task Delete_UserInGroups_RemovesMemberships()
    {
        var user = await CreateUserAsync(User("member"));
        var stays = await CreateUserAsync(User("stays"));
        var group = (await Groups.CreateAsync(Group("team", user.Id, stays.Id), default)).Value!;

        await Users.DeleteAsync(user.Id, null, default);

        Assert.Equal([stays.Id], MemberIds((await Groups.GetAsync(group.Id, true, default)).Value!.Resource));
        Assert.Empty(await Groups.ListGroupsOfMemberAsync(user.Id, default));
        Assert.Equal(1, (await Groups.ListMembersAsync(group.Id, 1, 10, default)).Value!.TotalResults);
        Assert.Empty((await Groups.ListAsync(new ListQuery { Filter = Parse($"members[value eq \"{user.Id}\"]") }, default)).Value!.Resources);
    }

    /// <summary>Replacing a group replaces its member list.</summary>
    [Fact]
    public async Task Replace_GroupMembers_ReplacesMemberList()
    {
        var a = await CreateUserAsync(User("a"));
        var b = await CreateUserAsync(User("b"));
        var group = (await Groups.CreateAsync(Group("team", a.Id), default)).Value!;

        var replaced = await Groups.ReplaceAsync(group.Id, Group("team", b.Id), group.Version, default);

        Assert.Equal(StoreResultStatus.Success, replaced.Status);
        Assert.Equal([b.Id], MemberIds((await Groups.GetAsync(group.Id, true, default)).Value!.Resource));
        Assert.Empty(await Groups.ListGroupsOfMemberAsync(a.Id, default));
    }

    // ---- Optimistic concurrency ---------------------------------------------------------------------------------

    /// <summary>A stale expected version is refused by replace, delete and member changes; nothing changes.</summary>
    [Fact]
    public async Task Writes_StaleExpectedVersion_ReturnVersionMismatch()
    {
        var user = await CreateUserAsync(User("bjensen"));
        var current = (await Users.ReplaceAsync(user.Id, User("bjensen", title: "new"), null, default)).Value!;
        var group = (await Groups.CreateAsync(Group("team"), default)).Value!;
        var groupNow = (await Groups.ReplaceAsync(group.Id, Group("team2"), null, default)).Value!;

        Assert.Equal(StoreResultStatus.VersionMismatch, (await Users.ReplaceAsync(user.Id, User("bjensen", title: "stale"), user.Version, default)).Status);
        Assert.Equal(StoreResultStatus.VersionMismatch, (await Users.DeleteAsync(user.Id, user.Version, default)).Status);
        Assert.Equal(StoreResultStatus.VersionMismatch, (await Groups.ReplaceAsync(group.Id, Group("team3"), group.Version, default)).Status);
        Assert.Equal(StoreResultStatus.VersionMismatch, (await Groups.DeleteAsync(group.Id, group.Version, default)).Status);
        Assert.Equal(StoreResultStatus.VersionMismatch, (await Groups.ModifyMembersAsync(group.Id, [new GroupMember(user.Id)], [], group.Version, default)).Status);

        var read = (await Users.GetAsync(user.Id, true, default)).Value!;
        Assert.Equal("new", StringOf(read.Resource, "title"));
        Assert.Equal(current.Version, read.Version);
        var readGroup = (await Groups.GetAsync(group.Id, true, default)).Value!;
        Assert.Equal(groupNow.Version, readGroup.Version);
        Assert.Empty(MemberIds(readGroup.Resource));
        Assert.Equal(StoreResultStatus.Success, (await Users.DeleteAsync(user.Id, current.Version, default)).Status);
    }

    // ---- Directories --------------------------------------------------------------------------------------------

    /// <summary>Unique values are unique per directory: the same names may exist in two directories.</summary>
    [Fact]
    public async Task Create_SameValuesInTwoDirectories_BothSucceed()
    {
        if (!SupportsDirectories)
        {
            return; // a single-directory store has nothing to isolate
        }

        var usersB = Provider.GetUserStore(DirectoryB);
        var groupsB = Provider.GetGroupStore(DirectoryB);

        Assert.Equal(StoreResultStatus.Success, (await Users.CreateAsync(User("bjensen", "ext-1"), default)).Status);
        Assert.Equal(StoreResultStatus.Success, (await usersB.CreateAsync(User("BJENSEN", "ext-1"), default)).Status);
        Assert.Equal(StoreResultStatus.Success, (await Groups.CreateAsync(Group("team"), default)).Status);
        Assert.Equal(StoreResultStatus.Success, (await groupsB.CreateAsync(Group("Team"), default)).Status);
        Assert.Equal(1, await CountAsync(Users));
        Assert.Equal(1, await CountAsync(usersB));
        Assert.Single((await usersB.ListAsync(new ListQuery { Filter = Parse("userName eq \"bjensen\"") }, default)).Value!.Resources);
    }

    /// <summary>A resource of one directory does not exist in another.</summary>
    [Fact]
    public async Task Operations_IdFromOtherDirectory_ReturnNotFound()
    {
        if (!SupportsDirectories)
        {
            return; // a single-directory store has nothing to isolate
        }

        var user = await CreateUserAsync(User("bjensen"));
        var group = (await Groups.CreateAsync(Group("team", user.Id), default)).Value!;
        var usersB = Provider.GetUserStore(DirectoryB);
        var groupsB = Provider.GetGroupStore(DirectoryB);

        Assert.Equal(StoreResultStatus.NotFound, (await usersB.GetAsync(user.Id, true, default)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await usersB.ReplaceAsync(user.Id, User("x"), null, default)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await usersB.DeleteAsync(user.Id, null, default)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await groupsB.GetAsync(group.Id, true, default)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await groupsB.ModifyMembersAsync(group.Id, [], [user.Id], null, default)).Status);
        Assert.Equal(StoreResultStatus.NotFound, (await groupsB.ListMembersAsync(group.Id, 1, 10, default)).Status);
        Assert.Empty(await groupsB.ListGroupsOfMemberAsync(user.Id, default));
        Assert.Empty((await usersB.ListAsync(new ListQuery { Filter = Parse($"id eq \"{user.Id}\"") }, default)).Value!.Resources);
        Assert.Empty((await groupsB.ListAsync(new ListQuery { Filter = Parse($"members[value eq \"{user.Id}\"]") }, default)).Value!.Resources);
        Assert.Equal(StoreResultStatus.Success, (await Users.GetAsync(user.Id, true, default)).Status);
    }

    /// <summary>A member from another directory is rejected like an unknown one.</summary>
    [Fact]
    public async Task ModifyMembers_MemberFromOtherDirectory_Rejects()
    {
        if (!SupportsDirectories)
        {
            return; // a single-directory store has nothing to isolate
        }

        var userB = (await Provider.GetUserStore(DirectoryB).CreateAsync(User("other"), default)).Value!;
        var group = (await Groups.CreateAsync(Group("team"), default)).Value!;

        var modify = await Groups.ModifyMembersAsync(group.Id, [new GroupMember(userB.Id)], [], null, default);
        var create = await Groups.CreateAsync(Group("team2", userB.Id), default);

        Assert.Equal(StoreResultStatus.Rejected, modify.Status);
        Assert.Equal(ScimErrorType.InvalidValue, modify.ToError().Type);
        Assert.Equal(StoreResultStatus.Rejected, create.Status);
        Assert.Empty(MemberIds((await Groups.GetAsync(group.Id, true, default)).Value!.Resource));
    }

    // ---- Helpers ------------------------------------------------------------------------------------------------

    /// <summary>Parses a filter as the server does.</summary>
    /// <param name="filter">The filter text.</param>
    /// <returns>The filter.</returns>
    protected static FilterNode Parse(string filter) => ScimFilter.Parse(filter);

    /// <summary>Creates a user in <see cref="DirectoryA"/>, failing the test when the store refuses.</summary>
    /// <param name="user">The user.</param>
    /// <returns>The stored user.</returns>
    protected async Task<StoredResource> CreateUserAsync(JsonObject user)
    {
        var result = await Users.CreateAsync(user, default).ConfigureAwait(false);
        Assert.True(result.IsSuccess, $"Create failed: {result.Status}");
        return result.Value!;
    }

    private static void AssertConflict<T>(StoreResult<T> result)
    {
        Assert.Equal(StoreResultStatus.Conflict, result.Status);
        Assert.Equal(409, result.ToError().Status);
        Assert.Equal(ScimErrorType.Uniqueness, result.ToError().Type);
    }

    private static async Task<int> CountAsync(IResourceStore store) =>
        (await store.ListAsync(new ListQuery { Count = 0 }, default).ConfigureAwait(false)).Value!.TotalResults;

    private static List<string> UserNames(ListResult result) =>
        [.. result.Resources.Select(r => StringOf(r.Resource, "userName")!)];

    private static async Task<List<string>> WalkAsync(IResourceStore store, ListQuery first, Func<Task>? between)
    {
        var seen = new List<string>();
        var query = first;
        for (var pages = 0; pages < 1000; pages++)
        {
            var result = await store.ListAsync(query, default).ConfigureAwait(false);
            Assert.Equal(StoreResultStatus.Success, result.Status);
            Assert.True(result.Value!.Resources.Count <= first.Count);
            seen.AddRange(result.Value.Resources.Select(r => r.Id));
            if (result.Value.NextCursor is not { } next)
            {
                return seen;
            }

            if (between is not null)
            {
                await between().ConfigureAwait(false);
            }

            query = first with { Cursor = next };
        }

        Assert.Fail("The cursor walk did not end.");
        return seen;
    }

    private async Task<(StoredResource Alice, StoredResource Bob, StoredResource Carol)> SeedFilterUsersAsync()
    {
        var alice = await CreateUserAsync(User("alice@example.com", "ext-alice", "Engineer")
            .WithDisplayName("Alice Smith")
            .WithEmail("work", "alice@work.example", primary: true)
            .WithEmail("home", "alice@home.example")
            .WithEnterprise("employeeNumber", "1001")
            .WithEnterprise("department", "R&D")).ConfigureAwait(false);
        var bob = await CreateUserAsync(User("bob@example.com", "ext-bob", "Manager")
            .WithDisplayName("Bob Jones")
            .WithEmail("work", "bob@work.example")
            .WithEnterprise("employeeNumber", "1002")).ConfigureAwait(false);
        var carol = await CreateUserAsync(User("carol@example.org")
            .WithDisplayName("Carol White")
            .WithEmail("home", "carol@x.example")).ConfigureAwait(false);
        return (alice, bob, carol);
    }
}
