// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ScimSync.Pull;

namespace ScimSync.Okta.Tests.Source;

/// <summary>The source against the emulator with an API token: reads, increments, scopes, mapping and failures.</summary>
public sealed class OktaIdentitySourceTests
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    [Fact]
    public async Task ReadUsers_FullRead_ReadsEveryPageOnce()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var ids = Enumerable.Range(0, 7).Select(i => org.Emulator.AddUser($"user{i}@example.com", new Dictionary<string, string?> { ["firstName"] = $"First{i}" })).ToList();
        var source = org.Source(org.ApiTokenOptions(o => o.PageSize = 2));
        var read = new SourceRead(null);

        var users = await OktaTestOrg.ReadUsersAsync(source, read);

        Assert.Equal(ids, users.Select(u => u.Id));
        Assert.True(read.ListsEverything);
        Assert.NotNull(read.NextCursor);
        Assert.True(org.Emulator.Requests.Count(r => r.StartsWith("GET /api/v1/users?limit=2", StringComparison.Ordinal)) >= 4);
        var first = users[0];
        Assert.Equal("user0@example.com", first.Resource!["userName"]!.GetValue<string>());
        Assert.Equal(ids[0], first.Resource["externalId"]!.GetValue<string>());
        Assert.Equal("First0", first.Resource["name"]!["givenName"]!.GetValue<string>());
        Assert.True(first.Resource["active"]!.GetValue<bool>());
        Assert.Equal(ids[0], first.Raw!["id"]!.GetValue<string>());
        Assert.Equal(SourceRemoval.None, first.Removal);
    }

    [Theory]
    [InlineData("DEPROVISIONED", false)]
    [InlineData("SUSPENDED", false)]
    [InlineData("STAGED", false)]
    [InlineData("PROVISIONED", true)]
    [InlineData("LOCKED_OUT", true)]
    [InlineData("PASSWORD_EXPIRED", true)]
    [InlineData("RECOVERY", true)]
    public async Task ReadUsers_FullRead_ListsEveryStatus_WithActiveFromStatus(string status, bool active)
    {
        await using var org = await OktaTestOrg.StartAsync();
        var ok = org.Emulator.AddUser("ok@example.com");
        var other = org.Emulator.AddUser("other@example.com");
        org.Emulator.SetStatus(other, status);
        var source = org.Source(org.ApiTokenOptions());

        var users = await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));

        Assert.Equal([ok, other], users.Select(u => u.Id).Order(StringComparer.Ordinal));
        Assert.Equal(active, users.Single(u => u.Id == other).Resource!["active"]!.GetValue<bool>());
        Assert.True(users.Single(u => u.Id == ok).Resource!["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ReadUsers_WithCursor_ListsOnlyUsersChangedSince_DeactivatedOnesInactive()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        await using var org = await OktaTestOrg.StartAsync(time);
        var ids = Enumerable.Range(0, 5).Select(i => org.Emulator.AddUser($"user{i}@example.com")).ToList();
        var source = org.Source(org.ApiTokenOptions(o => o.PageSize = 2));
        time.Advance(TimeSpan.FromHours(1));
        var full = new SourceRead(null);
        await OktaTestOrg.ReadUsersAsync(source, full);

        time.Advance(TimeSpan.FromHours(1));
        org.Emulator.UpdateUser(ids[1], new Dictionary<string, string?> { ["department"] = "Finance" });
        org.Emulator.DeactivateUser(ids[3]);
        var added = org.Emulator.AddUser("new@example.com");
        var delta = new SourceRead(full.NextCursor);
        var changed = await OktaTestOrg.ReadUsersAsync(source, delta);

        Assert.Equal("2026-03-01T08:55:00.000Z", full.NextCursor); // the listing's start by Okta's clock, less the 5-minute margin
        Assert.Equal([ids[1], ids[3], added], changed.Select(u => u.Id).Order(StringComparer.Ordinal));
        Assert.False(delta.ListsEverything);
        Assert.Equal("2026-03-01T09:55:00.000Z", delta.NextCursor);
        Assert.Equal("Finance", changed.Single(u => u.Id == ids[1]).Resource![Enterprise]!["department"]!.GetValue<string>());
        Assert.False(changed.Single(u => u.Id == ids[3]).Resource!["active"]!.GetValue<bool>());
        Assert.All(changed, u => Assert.Equal(SourceRemoval.None, u.Removal));
        Assert.Contains(org.Emulator.Requests, r => r.Contains("search=lastUpdated gt \"2026-03-01T08:55:00.000Z\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Read_DeletedUserAndGroup_AbsentFromTheFullRead_NeverReportedByAnIncrement()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        await using var org = await OktaTestOrg.StartAsync(time);
        var kept = org.Emulator.AddUser("kept@example.com");
        var deleted = org.Emulator.AddUser("deleted@example.com");
        var group = org.Emulator.AddGroup("Team");
        var doomed = org.Emulator.AddGroup("Doomed");
        org.Emulator.AddMember(group, kept);
        org.Emulator.AddMember(group, deleted);
        var source = org.Source(org.ApiTokenOptions());
        time.Advance(TimeSpan.FromHours(1));
        var fullUsers = new SourceRead(null);
        var fullGroups = new SourceRead(null);
        await OktaTestOrg.ReadUsersAsync(source, fullUsers);
        await OktaTestOrg.ReadGroupsAsync(source, fullGroups);

        time.Advance(TimeSpan.FromHours(1));
        org.Emulator.DeactivateUser(deleted);
        org.Emulator.DeleteUser(deleted);
        org.Emulator.DeleteGroup(doomed);
        var deltaUsers = await OktaTestOrg.ReadUsersAsync(source, new SourceRead(fullUsers.NextCursor));
        var deltaGroups = await OktaTestOrg.ReadGroupsAsync(source, new SourceRead(fullGroups.NextCursor));
        var secondFull = new SourceRead(null);
        var allUsers = await OktaTestOrg.ReadUsersAsync(source, secondFull);
        var allGroups = await OktaTestOrg.ReadGroupsAsync(source, new SourceRead(null));

        Assert.Empty(deltaUsers);
        var changed = Assert.Single(deltaGroups); // its membership changed when the user was deleted
        Assert.Equal(group, changed.Id);
        Assert.Equal([kept], changed.Members!);
        Assert.False(changed.Removed);
        Assert.Equal([kept], allUsers.Select(u => u.Id));
        Assert.True(secondFull.ListsEverything);
        Assert.Equal([group], allGroups.Select(g => g.Id));
    }

    [Fact]
    public async Task ReadUsers_CursorNotWrittenByTheSource_ThrowsCursorExpired()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var source = org.Source(org.ApiTokenOptions());

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => OktaTestOrg.ReadUsersAsync(source, new SourceRead("https://graph.microsoft.com/delta?token=x")));

        Assert.Equal(IdentitySourceErrorKind.CursorExpired, e.Kind);
    }

    [Fact]
    public async Task ReadGroups_FullRead_GivesEveryGroupWithAllMembersOverPages()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var users = Enumerable.Range(0, 5).Select(i => org.Emulator.AddUser($"user{i}@example.com")).ToList();
        var big = org.Emulator.AddGroup("Everyone in R&D");
        var empty = org.Emulator.AddGroup("Nobody");
        var third = org.Emulator.AddGroup("Third");
        foreach (var user in users)
        {
            org.Emulator.AddMember(big, user);
        }

        org.Emulator.AddMember(third, users[0]);
        var source = org.Source(org.ApiTokenOptions(o => o.PageSize = 2));
        var read = new SourceRead(null);

        var groups = await OktaTestOrg.ReadGroupsAsync(source, read);

        Assert.Equal([big, empty, third], groups.Select(g => g.Id));
        Assert.Equal("Everyone in R&D", groups[0].DisplayName);
        Assert.Equal(users.Order(StringComparer.Ordinal), groups[0].Members!.Order(StringComparer.Ordinal));
        Assert.Empty(groups[1].Members!);
        Assert.Equal([users[0]], groups[2].Members!);
        Assert.True(read.ListsEverything);
        Assert.NotNull(read.NextCursor);
        Assert.Equal(3, org.Emulator.Requests.Count(r => r.StartsWith($"GET /api/v1/groups/{big}/users", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ReadGroups_WithCursor_GivesRenamedAndMembershipChangedGroupsWithAllMembers()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        await using var org = await OktaTestOrg.StartAsync(time);
        var alice = org.Emulator.AddUser("alice@example.com");
        var bob = org.Emulator.AddUser("bob@example.com");
        var members = org.Emulator.AddGroup("Members change");
        var renamed = org.Emulator.AddGroup("Old name");
        org.Emulator.AddGroup("Untouched");
        org.Emulator.AddMember(members, alice);
        var source = org.Source(org.ApiTokenOptions());
        time.Advance(TimeSpan.FromHours(1));
        var full = new SourceRead(null);
        await OktaTestOrg.ReadGroupsAsync(source, full);

        time.Advance(TimeSpan.FromHours(1));
        org.Emulator.AddMember(members, bob);
        org.Emulator.RenameGroup(renamed, "New name");
        var delta = new SourceRead(full.NextCursor);
        var groups = await OktaTestOrg.ReadGroupsAsync(source, delta);

        Assert.Equal([members, renamed], groups.Select(g => g.Id));
        Assert.Equal([alice, bob], groups[0].Members!.Order(StringComparer.Ordinal));
        Assert.Equal("New name", groups[1].DisplayName);
        Assert.All(groups, g => Assert.False(g.Removed));
        Assert.False(delta.ListsEverything);
        Assert.NotNull(delta.NextCursor);
    }

    [Fact]
    public async Task ReadUsers_UserSearch_ScopesTheUsers_DeprovisionedInScopeIncluded()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var engineer = org.Emulator.AddUser("eng@example.com", new Dictionary<string, string?> { ["department"] = "Engineering" });
        var leaver = org.Emulator.AddUser("leaver@example.com", new Dictionary<string, string?> { ["department"] = "Engineering" });
        org.Emulator.DeactivateUser(leaver);
        org.Emulator.AddUser("sales@example.com", new Dictionary<string, string?> { ["department"] = "Sales" });
        var source = org.Source(org.ApiTokenOptions(o => o.UserSearch = "profile.department eq \"Engineering\""));

        var users = await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));

        Assert.Equal([engineer, leaver], users.Select(u => u.Id).Order(StringComparer.Ordinal));
        Assert.False(users.Single(u => u.Id == leaver).Resource!["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ReadGroups_GroupSearch_SelectsGroups()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var okta = org.Emulator.AddGroup("Engineering");
        org.Emulator.AddGroup("Imported from AD", "APP_GROUP");
        var source = org.Source(org.ApiTokenOptions(o => o.GroupSearch = "type eq \"OKTA_GROUP\""));

        var groups = await OktaTestOrg.ReadGroupsAsync(source, new SourceRead(null));

        Assert.Equal([okta], groups.Select(g => g.Id));
    }

    [Fact]
    public async Task ReadUsers_AttributeMapOverrides_ChangeTheScimUser()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var id = org.Emulator.AddUser("jdoe", new Dictionary<string, string?>
        {
            ["email"] = "john.doe@example.com",
            ["department"] = "R&D",
            ["employeeNumber"] = "E-1001",
            ["costCenter"] = "CC-7",
            ["title"] = "Engineer",
        });
        var source = org.Source(org.ApiTokenOptions(o =>
        {
            o.AttributeMap["userName"] = "profile.email";
            o.AttributeMap["enterprise.department"] = "profile.costCenter";
            o.AttributeMap["title"] = string.Empty;
        }));

        var user = Assert.Single(await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null)));

        Assert.Equal("john.doe@example.com", user.Resource!["userName"]!.GetValue<string>());
        Assert.Equal("CC-7", user.Resource[Enterprise]!["department"]!.GetValue<string>());
        Assert.Equal("E-1001", user.Resource[Enterprise]!["employeeNumber"]!.GetValue<string>());
        Assert.False(user.Resource.ContainsKey("title"));
        Assert.True(user.Resource.ContainsKey("nickName"));
        Assert.Null(user.Resource["nickName"]);
        Assert.Equal("john.doe@example.com", user.Resource["emails"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(id, user.Id);
    }

    [Fact]
    public async Task FindUser_ByLogin_FindsTheUser_UnknownIsNull()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var id = org.Emulator.AddUser("o'brien+test@example.com");
        var source = org.Source(org.ApiTokenOptions());

        var found = await source.FindUserAsync("o'brien+test@example.com");
        var missing = await source.FindUserAsync("nobody@example.com");

        Assert.Equal(id, found!.Id);
        Assert.Equal("o'brien+test@example.com", found.Resource!["userName"]!.GetValue<string>());
        Assert.Equal("ACTIVE", found.Raw!["status"]!.GetValue<string>());
        Assert.Null(missing);
    }

    [Fact]
    public async Task ReadUsers_RateLimited_WaitsForTheResetAndCompletes()
    {
        await using var org = await OktaTestOrg.StartAsync();
        for (var i = 0; i < 6; i++)
        {
            org.Emulator.AddUser($"user{i}@example.com");
        }

        org.Emulator.RateLimit = 2;
        org.Emulator.RateLimitWindow = TimeSpan.FromSeconds(2);
        var source = org.Source(org.ApiTokenOptions(o =>
        {
            o.PageSize = 2;
            o.RateLimitReserve = 0;
            o.MaxRetries = 10;
        }));

        // Another client of the org has used the window up: the source's requests are refused until it resets. The
        // window is used up early in its span, so that the source's first request falls in it.
        await ExhaustRateLimitWindowAsync(org);

        var throttledBefore = org.Emulator.ThrottledCount;

        var users = await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));

        Assert.Equal(6, users.Count);
        Assert.True(org.Emulator.ThrottledCount > throttledBefore);
    }

    [Fact]
    public async Task ReadUsers_FewRequestsLeft_PausesUntilTheResetWithoutBeingThrottled()
    {
        await using var org = await OktaTestOrg.StartAsync();
        for (var i = 0; i < 10; i++)
        {
            org.Emulator.AddUser($"user{i}@example.com");
        }

        org.Emulator.RateLimit = 3;
        org.Emulator.RateLimitWindow = TimeSpan.FromSeconds(1);
        var source = org.Source(org.ApiTokenOptions(o =>
        {
            o.PageSize = 2;
            o.RateLimitReserve = 1;
        }));

        var users = await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));

        Assert.Equal(10, users.Count);
        Assert.True(org.Emulator.RequestCount > org.Emulator.RateLimit); // more than one window admits
        Assert.Equal(0, org.Emulator.ThrottledCount);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, IdentitySourceErrorKind.Unavailable)]
    [InlineData(HttpStatusCode.ServiceUnavailable, IdentitySourceErrorKind.Unavailable)]
    [InlineData(HttpStatusCode.TooManyRequests, IdentitySourceErrorKind.Throttled)]
    public async Task ReadUsers_FailingBeyondRetries_ThrowsTheKind(HttpStatusCode status, IdentitySourceErrorKind kind)
    {
        await using var org = await OktaTestOrg.StartAsync();
        org.Emulator.AddUser("user@example.com");
        org.Emulator.FailNext(3, status);
        var source = org.Source(org.ApiTokenOptions(o => o.MaxRetries = 2));

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => OktaTestOrg.ReadUsersAsync(source, new SourceRead(null)));

        Assert.Equal(kind, e.Kind);
        Assert.Equal((int)status, e.Status);
        Assert.Equal(3, org.Emulator.RequestCount);
    }

    [Fact]
    public async Task ReadUsers_FailingWithinRetries_Completes()
    {
        await using var org = await OktaTestOrg.StartAsync();
        org.Emulator.AddUser("user@example.com");
        org.Emulator.FailNext(2, HttpStatusCode.BadGateway);
        var source = org.Source(org.ApiTokenOptions(o => o.MaxRetries = 2));

        var users = await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null));

        Assert.Single(users);
    }

    [Fact]
    public async Task ReadUsers_OrgDown_ThrowsUnavailable()
    {
        await using var org = await OktaTestOrg.StartAsync();
        org.Emulator.Down = true;
        var source = org.Source(org.ApiTokenOptions(o => o.MaxRetries = 1));

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => OktaTestOrg.ReadUsersAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.Unavailable, e.Kind);
        Assert.Null(e.Status);
    }

    [Fact]
    public async Task ReadUsers_NoAnswerWithinTimeout_ThrowsUnavailable()
    {
        await using var org = await OktaTestOrg.StartAsync();
        org.Emulator.ResponseDelay = TimeSpan.FromMinutes(1);
        var source = org.Source(org.ApiTokenOptions(o =>
        {
            o.Timeout = TimeSpan.FromSeconds(1);
            o.MaxRetries = 1;
        }));

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => OktaTestOrg.ReadUsersAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.Unavailable, e.Kind);
        Assert.Contains("did not answer within", e.Message, StringComparison.Ordinal);

        // The emulator counts a request when its handler starts, which on a loaded machine can come after the client
        // gave up on it: wait (bounded) for the retry to be counted, then check there was exactly one.
        for (var i = 0; i < 100 && org.Emulator.RequestCount < 2; i++)
        {
            await Task.Delay(50);
        }

        await Task.Delay(100);
        Assert.Equal(2, org.Emulator.RequestCount);
    }

    [Fact]
    public async Task ReadUsers_WrongApiToken_ThrowsUnauthorizedWithoutTheToken()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var source = org.Source(org.ApiTokenOptions(o => o.ApiToken = "00-wrong-secret-token"));

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => OktaTestOrg.ReadUsersAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.Unauthorized, e.Kind);
        Assert.Equal(401, e.Status);
        Assert.Contains("E0000011", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("00-wrong-secret-token", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadUsers_Forbidden_ThrowsUnauthorizedNamingTheRole()
    {
        await using var org = await OktaTestOrg.StartAsync();
        org.Emulator.FailNext(1, HttpStatusCode.Forbidden);
        var source = org.Source(org.ApiTokenOptions());

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => OktaTestOrg.ReadUsersAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.Unauthorized, e.Kind);
        Assert.Equal(403, e.Status);
        Assert.Contains("E0000006", e.Message, StringComparison.Ordinal);
        Assert.Contains("Read-only Administrator", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadUsers_SearchRefused_ThrowsInvalidResponseWithOktasSummary()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var source = org.Source(org.ApiTokenOptions(o => o.UserSearch = "profile.department eq"));

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => OktaTestOrg.ReadUsersAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.InvalidResponse, e.Kind);
        Assert.Equal(400, e.Status);
        Assert.Contains("E0000031 Invalid search criteria.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadUsers_RawIsTheApisJson()
    {
        await using var org = await OktaTestOrg.StartAsync();
        var id = org.Emulator.AddUser("raw@example.com");
        var source = org.Source(org.ApiTokenOptions());

        var user = Assert.Single(await OktaTestOrg.ReadUsersAsync(source, new SourceRead(null)));

        Assert.True(JsonNode.DeepEquals(org.Emulator.GetUser(id), user.Raw));
    }
    private static async Task ExhaustRateLimitWindowAsync(OktaTestOrg org)
    {
        using var other = new HttpClient();
        other.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("SSWS", OktaTestOrg.ApiToken);
        while (true)
        {
            long reset = 0;
            for (var i = 0; i <= org.Emulator.RateLimit; i++)
            {
                using var response = await other.GetAsync(new Uri(org.Emulator.OrgUrl, "/api/v1/users?limit=1"));
                reset = long.Parse(response.Headers.GetValues("X-Rate-Limit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture);
            }

            var left = DateTimeOffset.FromUnixTimeSeconds(reset) - DateTimeOffset.UtcNow;
            if (left > TimeSpan.FromSeconds(1))
            {
                return;
            }

            await Task.Delay(left + TimeSpan.FromMilliseconds(50));
        }
    }
}
