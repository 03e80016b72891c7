// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ScimSync.Atlassian.Tests.Jira;

/// <summary>
/// The emulator's wire contract, request by request, as Jira Data Center's REST reference describes it
/// (https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/, resources under <c>api/2</c>).
/// </summary>
public sealed class JiraEmulatorContractTests
{
    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/user-getUser
    [Fact]
    public async Task GetUser_Existing_Returns200WithUserBean()
    {
        await using var host = await JiraHost.StartAsync();

        using var response = await host.Http.GetAsync(new Uri("rest/api/2/user?username=ADMIN&expand=groups", UriKind.Relative));
        var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("admin", body["key"]!.GetValue<string>());
        Assert.Equal("admin", body["name"]!.GetValue<string>());
        Assert.True(body["active"]!.GetValue<bool>());
        Assert.Equal(2, body["groups"]!["size"]!.GetValue<int>());
        Assert.Equal(2, body["groups"]!["items"]!.AsArray().Count);
        Assert.EndsWith("/jira/rest/api/2/user?username=admin", body["self"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetUser_Missing_Returns404WithJiraErrorBody()
    {
        await using var host = await JiraHost.StartAsync();

        using var response = await host.Http.GetAsync(new Uri("rest/api/2/user?username=nobody", UriKind.Relative));
        var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("The user named 'nobody' does not exist", body["errorMessages"]![0]!.GetValue<string>());
        Assert.Empty(body["errors"]!.AsObject());
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/user-createUser
    [Fact]
    public async Task CreateUser_New_Returns201WithKeyAndLocation()
    {
        await using var host = await JiraHost.StartAsync();

        using var response = await SendAsync(host, HttpMethod.Post, "rest/api/2/user", """{"name":"bob","emailAddress":"bob@corp.example","displayName":"Bob","notification":"false"}""");
        var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.StartsWith("JIRAUSER", body["key"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("bob@corp.example", body["emailAddress"]!.GetValue<string>());
        Assert.True(body["active"]!.GetValue<bool>());
        Assert.EndsWith("rest/api/2/user?username=bob", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_Duplicate_Returns400WithUsernameError()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("bob");

        using var response = await SendAsync(host, HttpMethod.Post, "rest/api/2/user", """{"name":"Bob","emailAddress":"b@corp.example","displayName":"Bob"}""");
        var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(body["errorMessages"]!.AsArray());
        Assert.Equal("A user with that username already exists.", body["errors"]!["username"]!.GetValue<string>());
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/8.3.0/#api/2/user-updateUser ("active" since 8.3, JRASERVER-37294)
    [Fact]
    public async Task UpdateUser_ActiveFalse_Returns200AndDeactivates()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("carl");

        using var response = await SendAsync(host, HttpMethod.Put, "rest/api/2/user?username=carl", """{"active":false}""");
        var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(body["active"]!.GetValue<bool>());
        Assert.False(host.Jira.FindUser("carl")!.Active);
    }

    [Fact]
    public async Task UpdateUser_DeactivateProjectLead_Returns400WithActiveFieldError()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("lead");
        host.Jira.AddProject("ABC", "Alpha", "lead");

        using var response = await SendAsync(host, HttpMethod.Put, "rest/api/2/user?username=lead", """{"active":false}""");
        var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ABC", body["errors"]!["active"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(host.Jira.FindUser("lead")!.Active);
    }

    [Fact]
    public async Task UpdateUser_Rename_KeepsKey()
    {
        await using var host = await JiraHost.StartAsync();
        var before = host.Jira.AddUser("old.name");

        using var response = await SendAsync(host, HttpMethod.Put, "rest/api/2/user?username=old.name", """{"name":"new.name"}""");
        var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before.Key, body["key"]!.GetValue<string>());
        Assert.Equal("new.name", body["name"]!.GetValue<string>());
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/user-removeUser
    [Fact]
    public async Task DeleteUser_ProjectLead_Returns400WithErrorMessage()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("lead");
        host.Jira.AddProject("ABC", "Alpha", "lead");

        using var response = await host.Http.DeleteAsync(new Uri("rest/api/2/user?username=lead", UriKind.Relative));
        var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Cannot delete user 'lead' because they are currently the project lead on 1 projects.", body["errorMessages"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteUser_Existing_Returns204()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("gone");

        using var response = await host.Http.DeleteAsync(new Uri("rest/api/2/user?username=gone", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(host.Jira.FindUser("gone"));
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/group-createGroup
    [Fact]
    public async Task CreateGroup_NewThenDuplicate_Returns201Then400()
    {
        await using var host = await JiraHost.StartAsync();

        using var created = await SendAsync(host, HttpMethod.Post, "rest/api/2/group", """{"name":"devs"}""");
        var group = await ReadAsync(created);
        using var duplicate = await SendAsync(host, HttpMethod.Post, "rest/api/2/group", """{"name":"DEVS"}""");
        var error = await ReadAsync(duplicate);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("devs", group["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Equal("A group or user with this name already exists.", error["errorMessages"]![0]!.GetValue<string>());
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/group-removeGroup
    [Fact]
    public async Task DeleteGroup_Missing_Returns404()
    {
        await using var host = await JiraHost.StartAsync();

        using var response = await host.Http.DeleteAsync(new Uri("rest/api/2/group?groupname=nope", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEmpty((await ReadAsync(response))["errorMessages"]!.AsArray());
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/group-getUsersFromGroup
    [Fact]
    public async Task GroupMembers_Paged_ReturnsIsLastNextPageAndValues()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("a1");
        host.Jira.AddUser("a2", active: false);
        host.Jira.AddToGroup("devs", "a1");
        host.Jira.AddToGroup("devs", "a2");
        host.Jira.AddToGroup("devs", "admin");

        using var first = await host.Http.GetAsync(new Uri("rest/api/2/group/member?groupname=devs&includeInactiveUsers=true&startAt=0&maxResults=2", UriKind.Relative));
        var page1 = await ReadAsync(first);
        using var second = await host.Http.GetAsync(new Uri(page1["nextPage"]!.GetValue<string>()));
        var page2 = await ReadAsync(second);
        using var activeOnly = await host.Http.GetAsync(new Uri("rest/api/2/group/member?groupname=devs", UriKind.Relative));
        var active = await ReadAsync(activeOnly);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(page1["isLast"]!.GetValue<bool>());
        Assert.Equal(3, page1["total"]!.GetValue<int>());
        Assert.Equal(["a1", "a2"], page1["values"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()));
        Assert.True(page2["isLast"]!.GetValue<bool>());
        Assert.Null(page2["nextPage"]);
        Assert.Equal(2, page2["startAt"]!.GetValue<int>());
        Assert.Equal(["admin"], page2["values"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()));
        Assert.Equal(["a1", "admin"], active["values"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()));
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/group-addUserToGroup
    [Fact]
    public async Task AddUserToGroup_ThenAgain_Returns201Then400()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("ann");
        host.Jira.AddGroup("devs");

        using var added = await SendAsync(host, HttpMethod.Post, "rest/api/2/group/user?groupname=devs", """{"name":"ann"}""");
        using var again = await SendAsync(host, HttpMethod.Post, "rest/api/2/group/user?groupname=devs", """{"name":"ANN"}""");

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.NotEmpty((await ReadAsync(again))["errorMessages"]!.AsArray());
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/group-removeUserFromGroup
    [Fact]
    public async Task RemoveUserFromGroup_Member_Returns200()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("ann");
        host.Jira.AddToGroup("devs", "ann");

        using var response = await host.Http.DeleteAsync(new Uri("rest/api/2/group/user?groupname=devs&username=ann", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(host.Jira.MembersOf("devs"));
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/user/properties-setProperty
    [Fact]
    public async Task UserProperty_PutGetDelete_FollowsStatusCodes()
    {
        await using var host = await JiraHost.StartAsync();
        const string Path = "rest/api/2/user/properties/hr.department?username=admin";

        using var created = await SendAsync(host, HttpMethod.Put, Path, """{"name":"R&D"}""");
        using var updated = await SendAsync(host, HttpMethod.Put, Path, """{"name":"Sales"}""");
        using var read = await host.Http.GetAsync(new Uri(Path, UriKind.Relative));
        var property = await ReadAsync(read);
        using var deleted = await host.Http.DeleteAsync(new Uri(Path, UriKind.Relative));
        using var missing = await host.Http.GetAsync(new Uri(Path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("hr.department", property["key"]!.GetValue<string>());
        Assert.Equal("Sales", property["value"]!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/project-getAllProjects and -updateProject
    [Fact]
    public async Task Project_ListWithLeadThenUpdateLead_ChangesLead()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("newlead");
        host.Jira.AddProject("ABC", "Alpha", "admin");

        using var list = await host.Http.GetAsync(new Uri("rest/api/2/project?expand=lead", UriKind.Relative));
        var projects = (await ReadAsync(list)).AsArray();
        using var update = await SendAsync(host, HttpMethod.Put, "rest/api/2/project/ABC", """{"lead":"newlead"}""");
        var updated = await ReadAsync(update);

        Assert.Equal("ABC", projects[0]!["key"]!.GetValue<string>());
        Assert.Equal("admin", projects[0]!["lead"]!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, update.StatusCode);
        Assert.Equal("newlead", updated["lead"]!["name"]!.GetValue<string>());
        Assert.Equal("newlead", host.Jira.ProjectLead("ABC"));
    }

    // https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/project-getProjectComponents and component-updateComponent
    [Fact]
    public async Task Components_ListThenUpdateLeadUserName_ChangesLead()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("newlead");
        host.Jira.AddProject("ABC", "Alpha", "admin");
        var id = host.Jira.AddComponent("ABC", "Backend", "admin");

        using var list = await host.Http.GetAsync(new Uri("rest/api/2/project/ABC/components", UriKind.Relative));
        var components = (await ReadAsync(list)).AsArray();
        using var update = await SendAsync(host, HttpMethod.Put, "rest/api/2/component/" + components[0]!["id"]!.GetValue<string>(), """{"leadUserName":"newlead"}""");
        var updated = await ReadAsync(update);

        Assert.Equal("admin", components[0]!["leadUserName"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal("newlead", updated["lead"]!["name"]!.GetValue<string>());
        Assert.Equal("newlead", host.Jira.ComponentLead(id));
    }

    [Fact]
    public async Task AnyRoute_NoCredentials_Returns401WithJiraErrorBody()
    {
        await using var host = await JiraHost.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = host.Jira.BaseAddress };

        using var response = await anonymous.GetAsync(new Uri("rest/api/2/user?username=admin", UriKind.Relative));
        var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Client must be authenticated to access this resource.", body["errorMessages"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteUser_Missing_Returns404()
    {
        await using var host = await JiraHost.StartAsync();

        using var response = await host.Http.DeleteAsync(new Uri("rest/api/2/user?username=nobody", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("The user named 'nobody' does not exist", (await ReadAsync(response))["errorMessages"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task GroupMembers_MissingGroup_Returns404()
    {
        await using var host = await JiraHost.StartAsync();

        using var response = await host.Http.GetAsync(new Uri("rest/api/2/group/member?groupname=nope", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEmpty((await ReadAsync(response))["errorMessages"]!.AsArray());
    }

    private static async Task<HttpResponseMessage> SendAsync(JiraHost host, HttpMethod method, string uri, string json)
    {
        using var request = new HttpRequestMessage(method, new Uri(uri, UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        return await host.Http.SendAsync(request);
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}
