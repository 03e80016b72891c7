// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ScimSync.Atlassian.Emulator;

namespace ScimSync.Atlassian.Tests.Bitbucket;

/// <summary>
/// The emulated Bitbucket answers as Bitbucket Data Center's REST reference documents (group "Permission management" of
/// https://developer.atlassian.com/server/bitbucket/rest/, OpenAPI document 8.19).
/// </summary>
public sealed class BitbucketEmulatorContractTests
{
    private static async Task<(AtlassianEmulator Emulator, HttpClient Http)> StartAsync()
    {
        var emulator = await AtlassianEmulator.StartAsync();
        emulator.Bitbucket.PersonalAccessTokens.Add("t");
        var http = new HttpClient { BaseAddress = emulator.Bitbucket.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "t");
        return (emulator, http);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Seed_HasAdminInStashUsers()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;

        Assert.Equal(["stash-users"], emulator.Bitbucket.GroupNames);
        Assert.Equal(["admin"], emulator.Bitbucket.MembersOf("stash-users"));
        Assert.Equal(1, emulator.Bitbucket.FindUser("admin")!.Id);
    }

    [Fact]
    public async Task CreateUser_QueryParameters_Returns204_AddToDefaultGroupHonoured()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;

        using var withDefault = await http.PostAsync("rest/api/latest/admin/users?name=jdoe&password=p&displayName=Jane%20Doe&emailAddress=jdoe%40example.com&addToDefaultGroup=true&notify=false", null);
        using var without = await http.PostAsync("rest/api/latest/admin/users?name=bob&password=p&displayName=Bob&emailAddress=bob%40example.com&addToDefaultGroup=false&notify=false", null);

        Assert.Equal(HttpStatusCode.NoContent, withDefault.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, without.StatusCode);
        Assert.Equal("Jane Doe", emulator.Bitbucket.FindUser("jdoe")!.DisplayName);
        Assert.Equal(["stash-users"], emulator.Bitbucket.GroupsOf("jdoe"));
        Assert.Empty(emulator.Bitbucket.GroupsOf("bob"));
    }

    [Fact]
    public async Task CreateUser_Duplicate_Returns409WithBitbucketErrorBody()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        emulator.Bitbucket.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        using var response = await http.PostAsync("rest/api/latest/admin/users?name=JDOE&password=p&displayName=J&emailAddress=j%40example.com", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var error = (await BodyAsync(response)).GetProperty("errors")[0];
        Assert.Contains("already exists", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(error.TryGetProperty("context", out _));
        Assert.True(error.TryGetProperty("exceptionName", out _));
    }

    [Fact]
    public async Task CreateUser_WithoutPasswordOrNotify_Returns400()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;

        using var response = await http.PostAsync("rest/api/latest/admin/users?name=jdoe&displayName=J&emailAddress=j%40example.com&notify=false", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(emulator.Bitbucket.FindUser("jdoe"));
    }

    [Fact]
    public async Task GetUsers_Filter_PagesWithIsLastPageAndNextPageStart()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        foreach (var name in new[] { "dev1", "dev2", "dev3" })
        {
            emulator.Bitbucket.AddUser(name, name, name + "@example.com");
        }

        using var first = await http.GetAsync("rest/api/latest/admin/users?filter=dev&start=0&limit=2");
        var page = await BodyAsync(first);
        Assert.Equal(2, page.GetProperty("size").GetInt32());
        Assert.Equal(2, page.GetProperty("limit").GetInt32());
        Assert.False(page.GetProperty("isLastPage").GetBoolean());
        Assert.Equal(2, page.GetProperty("nextPageStart").GetInt32());
        var user = page.GetProperty("values")[0];
        Assert.Equal("dev1", user.GetProperty("name").GetString());
        Assert.Equal("dev1@example.com", user.GetProperty("emailAddress").GetString());
        Assert.True(user.GetProperty("active").GetBoolean());
        Assert.Equal(JsonValueKind.Number, user.GetProperty("id").ValueKind);
        Assert.Equal("dev1", user.GetProperty("slug").GetString());

        using var last = await http.GetAsync("rest/api/latest/admin/users?filter=dev&start=2&limit=2");
        var lastPage = await BodyAsync(last);
        Assert.True(lastPage.GetProperty("isLastPage").GetBoolean());
        Assert.False(lastPage.TryGetProperty("nextPageStart", out _));
    }

    [Fact]
    public async Task UpdateUser_Returns200WithUpdatedUser()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        emulator.Bitbucket.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        using var response = await http.PutAsync("rest/api/latest/admin/users", Json("""{"name":"jdoe","displayName":"Jane Smith","email":"js@example.com"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await BodyAsync(response);
        Assert.Equal("Jane Smith", body.GetProperty("displayName").GetString());
        Assert.Equal("js@example.com", body.GetProperty("emailAddress").GetString());
    }

    [Fact]
    public async Task UpdateUser_ActiveField_Returns400_BecauseTheApiCannotDeactivate()
    {
        // https://community.developer.atlassian.com/t/rest-api-call-to-disable-user/58375 (BSERV-8817)
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        emulator.Bitbucket.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        using var response = await http.PutAsync("rest/api/latest/admin/users", Json("""{"name":"jdoe","active":false}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("active", (await BodyAsync(response)).GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(emulator.Bitbucket.FindUser("jdoe")!.Active);
    }

    [Fact]
    public async Task RenameUser_KeepsIdAndMemberships()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        var user = emulator.Bitbucket.AddUser("jdoe", "Jane Doe", "jdoe@example.com");
        emulator.Bitbucket.AddMembership("stash-users", "jdoe");

        using var response = await http.PostAsync("rest/api/latest/admin/users/rename", Json("""{"name":"jdoe","newName":"jsmith"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("jsmith", (await BodyAsync(response)).GetProperty("name").GetString());
        Assert.Null(emulator.Bitbucket.FindUser("jdoe"));
        Assert.Equal(user.Id, emulator.Bitbucket.FindUser("jsmith")!.Id);
        Assert.Equal(["stash-users"], emulator.Bitbucket.GroupsOf("jsmith"));
    }

    [Fact]
    public async Task DeleteUser_Returns200ThenNotFound_AndSelfIs409()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        emulator.Bitbucket.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        using var deleted = await http.DeleteAsync("rest/api/latest/admin/users?name=jdoe");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("jdoe", (await BodyAsync(deleted)).GetProperty("name").GetString());
        using var missing = await http.DeleteAsync("rest/api/latest/admin/users?name=jdoe");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var self = await http.DeleteAsync("rest/api/latest/admin/users?name=admin");
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
    }

    [Fact]
    public async Task Groups_CreateDuplicateDelete()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;

        using var created = await http.PostAsync("rest/api/latest/admin/groups?name=devs", null);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("devs", (await BodyAsync(created)).GetProperty("name").GetString());
        using var duplicate = await http.PostAsync("rest/api/latest/admin/groups?name=devs", null);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        using var deleted = await http.DeleteAsync("rest/api/latest/admin/groups?name=devs");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        using var missing = await http.DeleteAsync("rest/api/latest/admin/groups?name=devs");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Membership_AddUsersRemoveGroupAndLists()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        emulator.Bitbucket.AddGroup("devs");
        emulator.Bitbucket.AddUser("a", "A", "a@example.com");
        emulator.Bitbucket.AddUser("b", "B", "b@example.com");

        using var added = await http.PostAsync("rest/api/latest/admin/groups/add-users", Json("""{"group":"devs","users":["a","b"]}"""));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        using var members = await http.GetAsync("rest/api/latest/admin/groups/more-members?context=devs");
        Assert.Equal(
            ["a", "b"],
            (await BodyAsync(members)).GetProperty("values").EnumerateArray().Select(u => u.GetProperty("name").GetString()!).ToArray());

        using var removed = await http.PostAsync("rest/api/latest/admin/users/remove-group", Json("""{"context":"a","itemName":"devs"}"""));
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(["b"], emulator.Bitbucket.MembersOf("devs"));

        using var groups = await http.GetAsync("rest/api/latest/admin/users/more-members?context=b");
        Assert.Equal("devs", (await BodyAsync(groups)).GetProperty("values")[0].GetProperty("name").GetString());

        using var noUser = await http.PostAsync("rest/api/latest/admin/groups/add-users", Json("""{"group":"devs","users":["nobody"]}"""));
        Assert.Equal(HttpStatusCode.NotFound, noUser.StatusCode);
        using var noGroup = await http.GetAsync("rest/api/latest/admin/groups/more-members?context=nope");
        Assert.Equal(HttpStatusCode.NotFound, noGroup.StatusCode);
    }

    [Fact]
    public async Task GetUserBySlug_ReturnsUser()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        emulator.Bitbucket.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        using var response = await http.GetAsync("rest/api/1.0/users/jdoe");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Jane Doe", (await BodyAsync(response)).GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task NoToken_Returns401WithBitbucketErrorBody()
    {
        await using var emulator = await AtlassianEmulator.StartAsync();
        using var http = new HttpClient { BaseAddress = emulator.Bitbucket.BaseAddress };

        using var response = await http.GetAsync("rest/api/latest/admin/users");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty((await BodyAsync(response)).GetProperty("errors")[0].GetProperty("message").GetString()!);
    }
}
