// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ScimSync.Atlassian.Emulator;

namespace ScimSync.Atlassian.Tests.Confluence;

/// <summary>
/// The emulated Confluence answers as Confluence Data Center's REST reference documents:
/// https://developer.atlassian.com/server/confluence/rest/v1010/api-group-admin-user,
/// https://developer.atlassian.com/server/confluence/rest/v1010/api-group-admin-group,
/// https://developer.atlassian.com/server/confluence/rest/v1010/api-group-user,
/// https://developer.atlassian.com/server/confluence/rest/v1010/api-group-group and
/// https://developer.atlassian.com/server/confluence/rest/v1010/api-group-user-group.
/// </summary>
public sealed class ConfluenceEmulatorContractTests
{
    private static async Task<(AtlassianEmulator Emulator, HttpClient Http)> StartAsync()
    {
        var emulator = await AtlassianEmulator.StartAsync();
        emulator.Confluence.PersonalAccessTokens.Add("t");
        var http = new HttpClient { BaseAddress = emulator.Confluence.BaseAddress };
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
    public async Task Seed_HasAdminInDefaultGroups()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;

        Assert.Equal(["confluence-administrators", "confluence-users"], emulator.Confluence.GroupNames);
        Assert.Equal(["confluence-administrators", "confluence-users"], emulator.Confluence.GroupsOf("admin"));
    }

    [Fact]
    public async Task CreateUser_WithPassword_Returns201AndUserKey()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;

        using var response = await http.PostAsync(
            "rest/api/admin/user",
            Json("""{"userName":"jdoe","fullName":"Jane Doe","email":"jdoe@example.com","password":"secret","notifyViaEmail":false}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = (await BodyAsync(response)).GetProperty("userKey").GetString();
        Assert.Equal(emulator.Confluence.FindUser("jdoe")!.Key, key);
    }

    [Fact]
    public async Task CreateUser_Duplicate_Returns409WithConfluenceErrorBody()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        emulator.Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        using var response = await http.PostAsync(
            "rest/api/admin/user",
            Json("""{"userName":"jdoe","fullName":"Jane","email":"j@example.com","password":"x","notifyViaEmail":false}"""));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var body = await BodyAsync(response);
        Assert.Equal(409, body.GetProperty("statusCode").GetInt32());
        Assert.Equal("Conflict", body.GetProperty("reason").GetString());
        Assert.Contains("jdoe", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, body.GetProperty("data").ValueKind);
    }

    [Theory]
    [InlineData("""{"userName":"JDoe","fullName":"Jane","email":"j@example.com","password":"x"}""")]
    [InlineData("""{"userName":"j doe","fullName":"Jane","email":"j@example.com","password":"x"}""")]
    [InlineData("""{"userName":"jdoe","fullName":"Jane","email":"not-an-email","password":"x"}""")]
    [InlineData("""{"userName":"jdoe","fullName":"Jane","email":"j@example.com","notifyViaEmail":false}""")]
    [InlineData("""{"userName":"jdoe","fullName":"<b>","email":"j@example.com","password":"x"}""")]
    public async Task CreateUser_Invalid_Returns400(string json)
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;

        using var response = await http.PostAsync("rest/api/admin/user", Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(emulator.Confluence.FindUser("jdoe"));
    }

    [Fact]
    public async Task GetUser_ExpandStatusAndPersonal_ReturnsKnownUser()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        var user = emulator.Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com", active: false);

        using var response = await http.GetAsync("rest/api/user?username=JDOE&expand=status,details.personal");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await BodyAsync(response);
        Assert.Equal("known", body.GetProperty("type").GetString());
        Assert.Equal("jdoe", body.GetProperty("username").GetString());
        Assert.Equal(user.Key, body.GetProperty("userKey").GetString());
        Assert.Equal("Jane Doe", body.GetProperty("displayName").GetString());
        Assert.Equal("deactivated", body.GetProperty("status").GetString());
        Assert.Equal("jdoe@example.com", body.GetProperty("details").GetProperty("personal").GetProperty("email").GetString());
    }

    [Fact]
    public async Task GetUser_Missing_Returns404()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;

        using var response = await http.GetAsync("rest/api/user?username=nobody");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(404, (await BodyAsync(response)).GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task DisableEnable_Returns204AndIsIdempotent()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        emulator.Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        using var first = await http.PutAsync("rest/api/admin/user/jdoe/disable", null);
        using var second = await http.PutAsync("rest/api/admin/user/jdoe/disable", null);
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.False(emulator.Confluence.FindUser("jdoe")!.Active);

        using var enable = await http.PutAsync("rest/api/admin/user/jdoe/enable", null);
        Assert.Equal(HttpStatusCode.NoContent, enable.StatusCode);
        Assert.True(emulator.Confluence.FindUser("jdoe")!.Active);
    }

    [Fact]
    public async Task UpdateUser_ChangesFullNameAndEmail()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        emulator.Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");

        using var response = await http.PutAsync("rest/api/admin/user/jdoe", Json("""{"fullName":"Jane Smith","email":"jsmith@example.com"}"""));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var user = emulator.Confluence.FindUser("jdoe")!;
        Assert.Equal("Jane Smith", user.DisplayName);
        Assert.Equal("jsmith@example.com", user.Email);
    }

    [Fact]
    public async Task DeleteUser_Returns202LongTaskThatFinishes()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        emulator.Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");
        emulator.Confluence.AddMembership("confluence-users", "jdoe");

        using var response = await http.DeleteAsync("rest/api/admin/user/jdoe");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await BodyAsync(response);
        var id = body.GetProperty("id").GetString();
        Assert.EndsWith("/rest/api/longtask/" + id, body.GetProperty("links").GetProperty("status").GetString(), StringComparison.Ordinal);
        using var task = await http.GetAsync("rest/api/longtask/" + id);
        var status = await BodyAsync(task);
        Assert.True(status.GetProperty("successful").GetBoolean());
        Assert.Equal(100, status.GetProperty("percentageComplete").GetInt32());
        Assert.Null(emulator.Confluence.FindUser("jdoe"));
        Assert.DoesNotContain("jdoe", emulator.Confluence.MembersOf("confluence-users"));

        using var again = await http.DeleteAsync("rest/api/admin/user/jdoe");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task CreateGroup_ThenDuplicate_Returns409_AndDelete_Returns204Then404()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;

        using var created = await http.PostAsync("rest/api/admin/group", Json("""{"type":"group","name":"devs"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("devs", (await BodyAsync(created)).GetProperty("name").GetString());
        using var duplicate = await http.PostAsync("rest/api/admin/group", Json("""{"name":"devs"}"""));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);

        using var deleted = await http.DeleteAsync("rest/api/admin/group/devs");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var missing = await http.DeleteAsync("rest/api/admin/group/devs");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task DeleteGroup_Administrators_Returns400()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;

        using var response = await http.DeleteAsync("rest/api/admin/group/confluence-administrators");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("confluence-administrators", emulator.Confluence.GroupNames);
    }

    [Fact]
    public async Task Membership_PutIsIdempotent_DeleteRemoves_MissingGroupIs404()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        emulator.Confluence.AddUser("jdoe", "Jane Doe", "jdoe@example.com");
        emulator.Confluence.AddGroup("devs");

        using var first = await http.PutAsync("rest/api/user/jdoe/group/devs", null);
        using var second = await http.PutAsync("rest/api/user/JDoe/group/devs", null);
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal(["jdoe"], emulator.Confluence.MembersOf("devs"));

        using var removed = await http.DeleteAsync("rest/api/user/jdoe/group/devs");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Empty(emulator.Confluence.MembersOf("devs"));

        using var noGroup = await http.PutAsync("rest/api/user/jdoe/group/nope", null);
        Assert.Equal(HttpStatusCode.NotFound, noGroup.StatusCode);
    }

    [Fact]
    public async Task GroupMembers_PagesWithStartLimitSizeAndNextLink()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;
        emulator.Confluence.AddGroup("devs");
        foreach (var name in new[] { "u1", "u2", "u3" })
        {
            emulator.Confluence.AddUser(name, name, name + "@example.com");
            emulator.Confluence.AddMembership("devs", name);
        }

        using var first = await http.GetAsync("rest/api/group/devs/member?start=0&limit=2");
        var page = await BodyAsync(first);
        Assert.Equal(2, page.GetProperty("size").GetInt32());
        Assert.Equal(0, page.GetProperty("start").GetInt32());
        Assert.Equal(2, page.GetProperty("limit").GetInt32());
        Assert.Equal("u1", page.GetProperty("results")[0].GetProperty("username").GetString());
        Assert.Contains("start=2", page.GetProperty("_links").GetProperty("next").GetString(), StringComparison.Ordinal);

        using var last = await http.GetAsync("rest/api/group/devs/member?start=2&limit=2");
        var lastPage = await BodyAsync(last);
        Assert.Equal(1, lastPage.GetProperty("size").GetInt32());
        Assert.False(lastPage.GetProperty("_links").TryGetProperty("next", out var _));
    }

    [Fact]
    public async Task MemberOf_ListsGroups_MissingUserIs404()
    {
        var (emulator, http) = await StartAsync();
        await using var running = emulator;
        using var client = http;

        using var response = await http.GetAsync("rest/api/user/memberof?username=admin");
        var page = await BodyAsync(response);
        Assert.Equal(
            ["confluence-administrators", "confluence-users"],
            page.GetProperty("results").EnumerateArray().Select(g => g.GetProperty("name").GetString()!).ToArray());
        Assert.Equal("group", page.GetProperty("results")[0].GetProperty("type").GetString());

        using var missing = await http.GetAsync("rest/api/user/memberof?username=nobody");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task NoToken_Returns401WithConfluenceErrorBody()
    {
        await using var emulator = await AtlassianEmulator.StartAsync();
        using var http = new HttpClient { BaseAddress = emulator.Confluence.BaseAddress };

        using var response = await http.GetAsync("rest/api/user?username=admin");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, (await BodyAsync(response)).GetProperty("statusCode").GetInt32());
    }
}
