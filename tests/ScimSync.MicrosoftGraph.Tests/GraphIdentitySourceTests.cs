// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ScimSync.Pull;

namespace ScimSync.MicrosoftGraph.Tests;

/// <summary>The source against the emulator: reads, deltas, faults, tokens and scope.</summary>
public sealed class GraphIdentitySourceTests
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    [Fact]
    public async Task ReadUsers_NoCursor_ListsEveryUserOverSeveralPages()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var ids = Enumerable.Range(0, 5).Select(i => graph.AddUser($"u{i}@contoso.example", $"User {i}", accountEnabled: i != 3,
            properties: new JsonObject { ["givenName"] = "Given" + i, ["mail"] = $"u{i}@contoso.example", ["employeeId"] = "E" + i })).ToList();
        var source = GraphTestKit.Source(graph, o => o.PageSize = 2);
        var read = new SourceRead(null);

        var users = await GraphTestKit.UsersAsync(source, read);

        Assert.Equal(ids, users.Select(u => u.Id));
        Assert.True(read.ListsEverything);
        Assert.NotNull(read.NextCursor);
        Assert.Equal(3, graph.GetRequestCount("users/delta"));
        var u3 = users[3].Resource!;
        Assert.Equal("u3@contoso.example", (string?)u3["userName"]);
        Assert.Equal(ids[3], (string?)u3["externalId"]);
        Assert.False((bool)u3["active"]!);
        Assert.Equal("Given3", (string?)u3["name"]!["givenName"]);
        Assert.Equal("u3@contoso.example", (string?)u3["emails"]![0]!["value"]);
        Assert.Equal("E3", (string?)u3[Enterprise]!["employeeNumber"]);
        Assert.Null(u3["title"]);
        Assert.Equal(ids[3], (string?)users[3].Raw!["id"]);
    }

    [Fact]
    public async Task ReadUsers_WithCursor_ReportsEachKindOfChange()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var updated = graph.AddUser("ada@contoso.example", "Ada", properties: new JsonObject { ["jobTitle"] = "Engineer" });
        var softDeleted = graph.AddUser("bob@contoso.example", "Bob");
        var purged = graph.AddUser("cy@contoso.example", "Cy");
        graph.AddUser("dee@contoso.example", "Dee");
        var source = GraphTestKit.Source(graph);
        var first = new SourceRead(null);
        await GraphTestKit.UsersAsync(source, first);

        graph.UpdateUser(updated, "jobTitle", "Architect");
        graph.DeleteUser(softDeleted);
        graph.DeleteUser(purged, permanently: true);
        var added = graph.AddUser("eve@contoso.example", "Eve");
        var second = new SourceRead(first.NextCursor);
        var changes = (await GraphTestKit.UsersAsync(source, second)).ToDictionary(u => u.Id);

        Assert.False(second.ListsEverything);
        Assert.NotNull(second.NextCursor);
        Assert.Equal(4, changes.Count);
        // Graph sent only jobTitle; the source read the whole user again.
        Assert.Equal("Architect", (string?)changes[updated].Resource!["title"]);
        Assert.Equal("Ada", (string?)changes[updated].Resource!["displayName"]);
        Assert.Equal("ada@contoso.example", (string?)changes[updated].Resource!["userName"]);
        Assert.Equal(SourceRemoval.SoftDeleted, changes[softDeleted].Removal);
        Assert.Null(changes[softDeleted].Resource);
        Assert.Equal(SourceRemoval.Deleted, changes[purged].Removal);
        Assert.Equal("Eve", (string?)changes[added].Resource!["displayName"]);

        graph.RestoreUser(softDeleted);
        var third = new SourceRead(second.NextCursor);
        var restored = Assert.Single(await GraphTestKit.UsersAsync(source, third));
        Assert.Equal(softDeleted, restored.Id);
        Assert.Equal(SourceRemoval.None, restored.Removal);
        Assert.Equal("bob@contoso.example", (string?)restored.Resource!["userName"]);
    }

    [Fact]
    public async Task ReadUsers_Throttled_WaitsRetryAfterAndRecovers()
    {
        await using var graph = await GraphTestKit.StartAsync();
        graph.AddUser("ada@contoso.example");
        var source = GraphTestKit.Source(graph);
        await source.FindUserAsync("ada@contoso.example"); // the token first, so that the faults hit Graph
        graph.Throttle(2, TimeSpan.FromSeconds(1));

        var users = await GraphTestKit.UsersAsync(source, new SourceRead(null));

        Assert.Single(users);
        Assert.Equal(3, graph.GetRequestCount("users/delta"));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, IdentitySourceErrorKind.Throttled)]
    [InlineData(HttpStatusCode.ServiceUnavailable, IdentitySourceErrorKind.Unavailable)]
    [InlineData(HttpStatusCode.InternalServerError, IdentitySourceErrorKind.Unavailable)]
    public async Task ReadUsers_FailingBeyondRetries_ThrowsWithKind(HttpStatusCode status, IdentitySourceErrorKind kind)
    {
        await using var graph = await GraphTestKit.StartAsync();
        graph.AddUser("ada@contoso.example");
        var source = GraphTestKit.Source(graph, o => o.MaxRetries = 2);
        await source.FindUserAsync("ada@contoso.example");
        graph.FailNext(10, status, TimeSpan.Zero);

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => GraphTestKit.UsersAsync(source, new SourceRead(null)));

        Assert.Equal(kind, e.Kind);
        Assert.Equal((int)status, e.Status);
        Assert.Equal(3, graph.GetRequestCount("users/delta"));
    }

    [Fact]
    public async Task ReadUsers_EmulatorDown_ThrowsUnavailable()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var source = GraphTestKit.Source(graph, o => o.MaxRetries = 1);
        graph.Down = true;

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => GraphTestKit.UsersAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.Unavailable, e.Kind);
        Assert.Null(e.Status);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Gone)]
    public async Task ReadUsersAndGroups_ExpiredDeltaLink_ThrowsCursorExpired(HttpStatusCode status)
    {
        await using var graph = await GraphTestKit.StartAsync();
        graph.AddUser("ada@contoso.example");
        graph.AddGroup("Staff");
        var source = GraphTestKit.Source(graph);
        var users = new SourceRead(null);
        var groups = new SourceRead(null);
        await GraphTestKit.UsersAsync(source, users);
        await GraphTestKit.GroupsAsync(source, groups);
        graph.ExpireDeltaTokens(status);

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => GraphTestKit.UsersAsync(source, new SourceRead(users.NextCursor)));
        var g = await Assert.ThrowsAsync<IdentitySourceException>(() => GraphTestKit.GroupsAsync(source, new SourceRead(groups.NextCursor)));

        Assert.Equal(IdentitySourceErrorKind.CursorExpired, e.Kind);
        Assert.Equal(IdentitySourceErrorKind.CursorExpired, g.Kind);
    }

    [Fact]
    public async Task ReadUsers_CursorOfAnotherAddress_ThrowsCursorExpiredWithoutSendingIt()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var source = GraphTestKit.Source(graph);

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() =>
            GraphTestKit.UsersAsync(source, new SourceRead("https://elsewhere.example/v1.0/users/delta?$deltatoken=x")));

        Assert.Equal(IdentitySourceErrorKind.CursorExpired, e.Kind);
        Assert.Equal(0, graph.TokenRequests);
    }

    [Fact]
    public async Task Tokens_CachedAcrossCallsAndSources()
    {
        await using var graph = await GraphTestKit.StartAsync();
        graph.AddUser("ada@contoso.example");
        graph.AddGroup("Staff");
        var cache = new GraphTokenCache();
        var first = GraphTestKit.Source(graph, cache: cache);
        await GraphTestKit.UsersAsync(first, new SourceRead(null));
        await GraphTestKit.GroupsAsync(first, new SourceRead(null));
        await first.FindUserAsync("ada@contoso.example");
        var nextRun = GraphTestKit.Source(graph, cache: cache);
        await GraphTestKit.UsersAsync(nextRun, new SourceRead(null));

        Assert.Equal(1, graph.TokenRequests);
        Assert.True(graph.GetRequestCount("users/delta") >= 2);
    }

    [Fact]
    public async Task Tokens_CloseToExpiry_AreRenewed()
    {
        await using var graph = await GraphTestKit.StartAsync();
        graph.AddUser("ada@contoso.example");

        // Four minutes: inside the five minutes before expiry in which MSAL renews, so each call asks again.
        graph.TokenLifetime = TimeSpan.FromMinutes(4);
        var source = GraphTestKit.Source(graph);
        await GraphTestKit.UsersAsync(source, new SourceRead(null));
        await GraphTestKit.UsersAsync(source, new SourceRead(null));

        Assert.Equal(2, graph.TokenRequests);
    }

    [Fact]
    public async Task Tokens_RejectedByGraph_AreRenewedOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-05T08:00:00Z", CultureInfo.InvariantCulture));
        await using var graph = await GraphTestKit.StartAsync(time);
        graph.AddUser("ada@contoso.example");
        var cache = new GraphTokenCache();
        var source = GraphTestKit.Source(graph, cache: cache);
        await GraphTestKit.UsersAsync(source, new SourceRead(null));

        // The emulator's clock passes the token's expiry while MSAL's does not: Graph answers 401.
        time.Advance(TimeSpan.FromHours(2));
        var users = await GraphTestKit.UsersAsync(source, new SourceRead(null));

        Assert.Single(users);
        Assert.Equal(2, graph.TokenRequests);
    }

    [Theory]
    [InlineData("pfx")]
    [InlineData("pem")]
    public async Task Certificate_SignedAssertion_IsAccepted(string format)
    {
        await using var graph = await GraphTestKit.StartAsync();
        graph.AddUser("ada@contoso.example");
        using var certificate = GraphTestKit.CreateCertificate();
        graph.AddClientCertificate("cert-app", X509CertificateLoader.LoadCertificate(certificate.RawData));
        var path = Path.Combine(Directory.CreateTempSubdirectory("scimsync-graph-").FullName, "app." + format);
        if (format == "pfx")
        {
            await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        }
        else
        {
            using var key = certificate.GetRSAPrivateKey()!;
            await File.WriteAllTextAsync(path, certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());
        }

        var source = GraphTestKit.Source(graph, o =>
        {
            o.ClientId = "cert-app";
            o.ClientSecret = null;
            o.CertificatePath = path;
            o.CertificatePassword = format == "pfx" ? "pfx-password" : null;
        });

        Assert.Single(await GraphTestKit.UsersAsync(source, new SourceRead(null)));
    }

    [Fact]
    public async Task Certificate_NotTheRegisteredOne_ThrowsUnauthorized()
    {
        await using var graph = await GraphTestKit.StartAsync();
        using var registered = GraphTestKit.CreateCertificate();
        using var other = GraphTestKit.CreateCertificate();
        graph.AddClientCertificate("cert-app", registered);
        var path = Path.Combine(Directory.CreateTempSubdirectory("scimsync-graph-").FullName, "other.pfx");
        await File.WriteAllBytesAsync(path, other.Export(X509ContentType.Pfx));
        var source = GraphTestKit.Source(graph, o =>
        {
            o.ClientId = "cert-app";
            o.ClientSecret = null;
            o.CertificatePath = path;
        });

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => GraphTestKit.UsersAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.Unauthorized, e.Kind);
        Assert.Contains("AADSTS700027", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongSecret_ThrowsUnauthorizedWithoutTheSecret()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var source = GraphTestKit.Source(graph, o => o.ClientSecret = "not-the-secret-123");

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => GraphTestKit.UsersAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.Unauthorized, e.Kind);
        Assert.Equal(401, e.Status);
        Assert.Contains("AADSTS7000215", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret-123", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, graph.TokenRequests); // a refused credential is not retried
    }

    [Fact]
    public async Task PermissionsMissing_ThrowsUnauthorizedNamingThePermissions()
    {
        await using var graph = await GraphTestKit.StartAsync();
        graph.DenyAccess = true;
        var source = GraphTestKit.Source(graph);

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => GraphTestKit.GroupsAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.Unauthorized, e.Kind);
        Assert.Equal(403, e.Status);
        Assert.Contains("GroupMember.Read.All", e.Message, StringComparison.Ordinal);
        Assert.Contains("User.Read.All", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttributeMap_Overrides_ReachSelectAndScimUser()
    {
        await using var graph = await GraphTestKit.StartAsync();
        graph.AddUser("ada@contoso.example", "Ada", properties: new JsonObject
        {
            ["employeeId"] = "E1",
            ["jobTitle"] = "Engineer",
            ["onPremisesExtensionAttributes"] = new JsonObject { ["extensionAttribute1"] = "X-42" },
        });
        var source = GraphTestKit.Source(graph, o =>
        {
            o.AttributeMap["enterprise.employeeNumber"] = "onPremisesExtensionAttributes.extensionAttribute1";
            o.AttributeMap["title"] = string.Empty;
        });

        var user = Assert.Single(await GraphTestKit.UsersAsync(source, new SourceRead(null))).Resource!;

        var select = Uri.UnescapeDataString(graph.RequestLog.Single(r => r.Contains("/users/delta", StringComparison.Ordinal)));
        Assert.Contains("onPremisesExtensionAttributes", select, StringComparison.Ordinal);
        Assert.DoesNotContain("employeeId", select, StringComparison.Ordinal);
        Assert.DoesNotContain("jobTitle", select, StringComparison.Ordinal);
        Assert.Equal("X-42", (string?)user[Enterprise]!["employeeNumber"]);
        Assert.False(user.ContainsKey("title"));
    }

    [Fact]
    public async Task ReadGroups_NoCursor_AggregatesPagesAndKeepsUserMembersOnly()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var big = graph.AddGroup("Big");
        var members = Enumerable.Range(0, 5).Select(i => graph.AddUser($"m{i}@contoso.example")).ToList();
        members.ForEach(m => graph.AddMember(big, m));
        var nested = graph.AddGroup("Nested");
        graph.AddMember(big, nested);
        var source = GraphTestKit.Source(graph, o => o.PageSize = 2);
        var read = new SourceRead(null);

        var groups = (await GraphTestKit.GroupsAsync(source, read)).ToDictionary(g => g.Id);

        Assert.Equal(2, groups.Count);
        Assert.Equal(2, graph.GetRequestCount("groups/delta")); // Big spans three rows (six members, two a row) over both pages
        Assert.Equal("Big", groups[big].DisplayName);
        Assert.Equal(members.Order(), groups[big].Members!.Order());
        Assert.Empty(groups[nested].Members!);
        Assert.True(read.ListsEverything);
        Assert.NotNull(read.NextCursor);
    }

    [Fact]
    public async Task ReadGroups_WithCursor_ReportsRenamesMembershipChangesAndDeletions()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var ada = graph.AddUser("ada@contoso.example");
        var bob = graph.AddUser("bob@contoso.example");
        var renamed = graph.AddGroup("Old name");
        var changed = graph.AddGroup("Members change");
        var deleted = graph.AddGroup("Goes away");
        graph.AddGroup("Untouched");
        graph.AddMember(changed, ada);
        var source = GraphTestKit.Source(graph);
        var first = new SourceRead(null);
        await GraphTestKit.GroupsAsync(source, first);

        graph.RenameGroup(renamed, "New name");
        graph.AddMember(changed, bob);
        graph.RemoveMember(changed, ada);
        graph.DeleteGroup(deleted);
        var added = graph.AddGroup("Brand new");
        graph.AddMember(added, ada);
        var second = new SourceRead(first.NextCursor);
        var groups = (await GraphTestKit.GroupsAsync(source, second)).ToDictionary(g => g.Id);

        Assert.False(second.ListsEverything);
        Assert.Equal(4, groups.Count);
        Assert.Equal("New name", groups[renamed].DisplayName);
        Assert.Equal("Members change", groups[changed].DisplayName); // not in the delta: read by id
        Assert.Null(groups[changed].Members);
        Assert.Equal([bob], groups[changed].AddedMembers);
        Assert.Equal([ada], groups[changed].RemovedMembers);
        Assert.True(groups[deleted].Removed);
        Assert.Equal("Brand new", groups[added].DisplayName);
        Assert.Equal([ada], groups[added].AddedMembers);
    }

    [Fact]
    public async Task GroupScope_ReadsOnlyTheGroupsAndTheirUserMembers()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var inScope = graph.AddGroup("App users");
        var outOfScope = graph.AddGroup("Others");
        var ada = graph.AddUser("ada@contoso.example");
        var bob = graph.AddUser("bob@contoso.example");
        graph.AddUser("cy@contoso.example");
        graph.AddMember(inScope, ada);
        graph.AddMember(inScope, bob);
        graph.AddMember(inScope, outOfScope);
        var source = GraphTestKit.Source(graph, o =>
        {
            o.GroupIds.Add(inScope);
            o.PageSize = 1;
        });
        var usersRead = new SourceRead(null);
        var groupsRead = new SourceRead(null);

        var users = await GraphTestKit.UsersAsync(source, usersRead);
        var group = Assert.Single(await GraphTestKit.GroupsAsync(source, groupsRead));

        Assert.Equal([ada, bob], users.Select(u => u.Id));
        Assert.Equal("ada@contoso.example", (string?)users[0].Resource!["userName"]);
        Assert.True(usersRead.ListsEverything);
        Assert.Null(usersRead.NextCursor);
        Assert.Equal(inScope, group.Id);
        Assert.Equal(new[] { ada, bob }.Order(), group.Members!.Order());
        Assert.NotNull(groupsRead.NextCursor);
    }

    [Fact]
    public async Task GroupScope_UnknownGroup_ThrowsInvalidResponse()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var source = GraphTestKit.Source(graph, o => o.GroupIds.Add(Guid.NewGuid().ToString()));

        var e = await Assert.ThrowsAsync<IdentitySourceException>(() => GraphTestKit.UsersAsync(source, new SourceRead(null)));

        Assert.Equal(IdentitySourceErrorKind.InvalidResponse, e.Kind);
    }

    [Fact]
    public async Task FindUser_ByUserPrincipalName_EscapesQuotesAndReturnsNullWhenNone()
    {
        await using var graph = await GraphTestKit.StartAsync();
        var id = graph.AddUser("o'neil@contoso.example", "Pat O'Neil");
        var source = GraphTestKit.Source(graph);

        var found = await source.FindUserAsync("o'neil@contoso.example");
        var none = await source.FindUserAsync("nobody@contoso.example");

        Assert.Equal(id, found!.Id);
        Assert.Equal("Pat O'Neil", (string?)found.Resource!["displayName"]);
        Assert.Equal(id, (string?)found.Raw!["id"]);
        Assert.Null(none);
    }
}
