// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests.Engine;

public sealed class WriteThroughTests
{
    private static Task<AtlassianTestHost> StartAsync(FakeProduct product, Action<AtlassianTargetOptions>? configure = null) =>
        product.StartHostAsync(configure);

    [Fact]
    public async Task Create_WritesTheUserWithDefaultGroupsAndLinksIt()
    {
        var product = new FakeProduct();
        await using var host = await StartAsync(product);

        var id = await host.CreateUserAsync("ada@example.com", "Ada Lovelace");

        var user = product.Users["ada@example.com"];
        Assert.Equal("Ada Lovelace", user.DisplayName);
        Assert.Equal("ada@example.com", user.Email);
        Assert.True(user.Active);
        Assert.Contains("ada@example.com", product.Members("jira-software-users"));
        var link = await host.State.GetUserLinkAsync("jira", id, default);
        Assert.Equal(user.Key, link!.Key);
    }

    [Fact]
    public async Task ADefaultGroupDeletedByHand_IsCreatedAgainOnTheNextUserWrite()
    {
        var product = new FakeProduct();
        await using var host = await StartAsync(product);
        await host.CreateUserAsync("a@example.com", "A");
        var callsForFirst = product.Calls;
        await host.CreateUserAsync("b@example.com", "B");
        Assert.True(product.Calls - callsForFirst < callsForFirst, "a known group is not ensured again");

        await product.DeleteGroupAsync("jira-software-users", default);
        await host.CreateUserAsync("c@example.com", "C");

        Assert.Equal(["c@example.com"], product.Members("jira-software-users"));
    }

    [Fact]
    public async Task PatchOfUserNameAndDisplayName_RenamesTheProductUserKeepingItsKey()
    {
        var product = new FakeProduct();
        await using var host = await StartAsync(product);
        var id = await host.CreateUserAsync("ada@example.com", "Ada Lovelace");
        var key = product.Users["ada@example.com"].Key;

        using var response = await host.PatchAsync("Users/" + id, """
            [{ "op": "Replace", "path": "userName", "value": "ada.king@example.com" },
             { "op": "Replace", "path": "displayName", "value": "Ada King" }]
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(product.Users.ContainsKey("ada@example.com"));
        var renamed = product.Users["ada.king@example.com"];
        Assert.Equal(key, renamed.Key);
        Assert.Equal("Ada King", renamed.DisplayName);
        Assert.Equal("ada.king@example.com", (await host.State.GetUserLinkAsync("jira", id, default))!.Username);
    }

    [Fact]
    public async Task Deactivation_MovesTheProjectLeadFirst()
    {
        var product = new FakeProduct();
        await using var host = await StartAsync(product, o => o.DefaultProjectLead = "admin");
        var id = await host.CreateUserAsync("lead@example.com", "Lead");
        product.SetProjectLead("PRJ", "lead@example.com");

        using var response = await host.PatchAsync("Users/" + id, """[{ "op": "Replace", "path": "active", "value": "False" }]""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("admin", product.ProjectLead("PRJ"));
        Assert.False(product.Users["lead@example.com"].Active);
    }

    [Fact]
    public async Task DeactivatingALeadWithoutADefaultLead_Is409AndChangesNothing()
    {
        var product = new FakeProduct();
        await using var host = await StartAsync(product);
        var id = await host.CreateUserAsync("lead@example.com", "Lead");
        product.SetProjectLead("PRJ", "lead@example.com");

        using var response = await host.PatchAsync("Users/" + id, """[{ "op": "Replace", "path": "active", "value": false }]""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("project lead", (await AtlassianTestHost.BodyAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        using var get = await host.Client.GetAsync("Users/" + id);
        Assert.True((await AtlassianTestHost.BodyAsync(get))["active"]!.GetValue<bool>());
        Assert.True(product.Users["lead@example.com"].Active);
    }

    [Fact]
    public async Task Delete_DeactivatesByDefault_AndDeletesWhenConfigured()
    {
        var product = new FakeProduct();
        await using (var host = await StartAsync(product))
        {
            var id = await host.CreateUserAsync("gone@example.com", "Gone");
            using var response = await host.Client.DeleteAsync("Users/" + id);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.False(product.Users["gone@example.com"].Active);
        }

        var deleting = new FakeProduct();
        await using (var host = await StartAsync(deleting, o => o.UserDeletion = AtlassianUserDeletion.Delete))
        {
            var id = await host.CreateUserAsync("gone@example.com", "Gone");
            using var response = await host.Client.DeleteAsync("Users/" + id);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.False(deleting.Users.ContainsKey("gone@example.com"));
            Assert.Null(await host.State.GetUserLinkAsync("jira", id, default));
        }
    }

    [Fact]
    public async Task GroupMembershipPatches_AreAppliedToTheProductGroup()
    {
        var product = new FakeProduct();
        await using var host = await StartAsync(product);
        var a = await host.CreateUserAsync("a@example.com", "A");
        var b = await host.CreateUserAsync("b@example.com", "B");
        var group = await host.CreateGroupAsync("developers");
        Assert.True(product.HasGroup("developers"));

        using (var add = await host.AddMembersAsync(group, a, b))
        {
            Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);
        }

        Assert.Equal(["a@example.com", "b@example.com"], product.Members("developers").Order(StringComparer.Ordinal));

        using (var remove = await host.RemoveMemberAsync(group, a))
        {
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        }

        Assert.Equal(["b@example.com"], product.Members("developers"));
    }

    [Fact]
    public async Task ProductDown_Is503WithRetryAfter_NothingCommitted_AndTheRetrySucceeds()
    {
        var product = new FakeProduct();
        await using var host = await StartAsync(product);
        product.Down = true;

        using (var response = await host.Client.PostAsync("Users", AtlassianTestHost.Json("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "late@example.com", "displayName": "Late" }""")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/scim+json", response.Content.Headers.ContentType!.MediaType);
        }

        using (var lookup = await host.Client.GetAsync("Users?filter=userName%20eq%20%22late@example.com%22"))
        {
            Assert.Equal(0, (await AtlassianTestHost.BodyAsync(lookup))["totalResults"]!.GetValue<int>());
        }

        product.Down = false;
        using (var retry = await host.Client.PostAsync("Users", AtlassianTestHost.Json("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "late@example.com", "displayName": "Late" }""")))
        {
            Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        }

        Assert.True(product.Users["late@example.com"].Active);
    }

    [Fact]
    public async Task UnreadableProductAnswer_Is503_NotA500_AndNothingIsCommitted()
    {
        var product = new FakeProduct { ThrowNext = new System.Text.Json.JsonException("truncated") };
        await using var host = await StartAsync(product);

        using var response = await host.Client.PostAsync("Users", AtlassianTestHost.Json("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "odd@example.com" }"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var lookup = await host.Client.GetAsync("Users?filter=userName%20eq%20%22odd@example.com%22");
        Assert.Equal(0, (await AtlassianTestHost.BodyAsync(lookup))["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task ProductDownOnAMemberAdd_LeavesTheStoreUnchanged()
    {
        var product = new FakeProduct();
        await using var host = await StartAsync(product);
        var a = await host.CreateUserAsync("a@example.com", "A");
        var group = await host.CreateGroupAsync("developers");
        product.Down = true;

        using (var add = await host.AddMembersAsync(group, a))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, add.StatusCode);
        }

        using var get = await host.Client.GetAsync("Groups/" + group);
        Assert.Null((await AtlassianTestHost.BodyAsync(get))["members"]);
    }

    [Fact]
    public async Task CustomAttributes_AreWrittenAsUserProperties_AndDeletedWhenCleared()
    {
        var product = new FakeProduct();
        await using var host = await StartAsync(product, o => o.UserProperties["department"] = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department");
        var id = await host.CreateUserAsync("p@example.com", "P", department: "Research");

        Assert.Equal("Research", product.Property("p@example.com", "department")!.GetValue<string>());

        using var response = await host.PatchAsync("Users/" + id, """[{ "op": "Remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department" }]""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(product.Property("p@example.com", "department"));
    }

    [Fact]
    public async Task ExistingProductUser_IsAdopted_OrRefusedWhenAdoptionIsOff()
    {
        var product = new FakeProduct();
        product.AddUser("old@example.com", active: false);
        await using (var host = await StartAsync(product))
        {
            await host.CreateUserAsync("old@example.com", "Old Timer");
            Assert.True(product.Users["old@example.com"].Active);
            Assert.Equal("Old Timer", product.Users["old@example.com"].DisplayName);
        }

        var strict = new FakeProduct();
        strict.AddUser("old@example.com");
        await using (var host = await StartAsync(strict, o => o.AdoptExistingUsers = false))
        {
            using var response = await host.Client.PostAsync("Users", AtlassianTestHost.Json("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "old@example.com" }"""));
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        }
    }
}
