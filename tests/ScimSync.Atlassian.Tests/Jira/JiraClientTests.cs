// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Atlassian.Emulator;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests.Jira;

public sealed class JiraClientTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Product_IsJiraAndCanDeactivate()
    {
        await using var host = await JiraHost.StartAsync();
        Assert.Equal(AtlassianProduct.Jira, host.Client.Product);
        Assert.True(host.Client.CanDeactivateUsers);
    }

    [Fact]
    public async Task FindUser_Missing_ReturnsNull()
    {
        await using var host = await JiraHost.StartAsync();
        Assert.Null(await host.Client.FindUserAsync("nobody", None));
    }

    [Fact]
    public async Task FindUser_OtherCase_ReturnsUserWithKey()
    {
        await using var host = await JiraHost.StartAsync();
        var seeded = host.Jira.AddUser("alice", "Alice A", "alice@corp.example", active: false);

        var user = await host.Client.FindUserAsync("ALICE", None);

        Assert.Equal(new AtlassianUser(seeded.Key, "alice", "Alice A", "alice@corp.example", false), user);
    }

    [Fact]
    public async Task CreateUser_New_IsActiveWithKeyInDefaultGroup()
    {
        await using var host = await JiraHost.StartAsync();

        var user = await host.Client.CreateUserAsync(new AtlassianUserData("bob", "Bob B", "bob@corp.example"), None);

        Assert.StartsWith("JIRAUSER", user.Key, StringComparison.Ordinal);
        Assert.Equal(("bob", "Bob B", "bob@corp.example", true), (user.Name, user.DisplayName, user.Email, user.Active));
        Assert.Equal(user.Key, host.Jira.FindUser("bob")!.Key);
        Assert.Contains(JiraEmulator.DefaultUsersGroup, host.Jira.GroupsOf("bob"));
    }

    [Fact]
    public async Task CreateUser_Duplicate_ThrowsRefused()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("bob");

        var e = await Assert.ThrowsAsync<AtlassianProductException>(
            () => host.Client.CreateUserAsync(new AtlassianUserData("BOB", "Bob", "bob@corp.example"), None));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.Contains("A user with that username already exists.", e.Messages);
    }

    [Fact]
    public async Task UpdateUser_NewName_RenamesAndKeepsKeyGroupsAndProperties()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("carol", "Carol", "carol@corp.example");
        host.Jira.AddToGroup("devs", "carol");
        var existing = (await host.Client.FindUserAsync("carol", None))!;
        await host.Client.SetUserPropertyAsync("carol", "hr", JsonValue.Create(1), None);

        var updated = await host.Client.UpdateUserAsync(existing, new AtlassianUserData("carol.new", "Carol N", "cn@corp.example"), None);

        Assert.Equal(new AtlassianUser(existing.Key, "carol.new", "Carol N", "cn@corp.example", true), updated);
        Assert.Null(host.Jira.FindUser("carol"));
        Assert.Equal(["devs"], host.Jira.GroupsOf("carol.new"));
        Assert.Equal(1, host.Jira.UserProperty("carol.new", "hr")!.GetValue<int>());
    }

    [Fact]
    public async Task UpdateUser_NameTaken_ThrowsRefused()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("dave");
        host.Jira.AddUser("erin");
        var dave = (await host.Client.FindUserAsync("dave", None))!;

        var e = await Assert.ThrowsAsync<AtlassianProductException>(
            () => host.Client.UpdateUserAsync(dave, new AtlassianUserData("erin", "Dave", "d@corp.example"), None));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.Equal("dave", host.Jira.FindUser("dave")!.Name);
    }

    [Fact]
    public async Task SetActive_FalseThenTrue_DeactivatesAndReactivates()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("frank");

        await host.Client.SetActiveAsync("frank", false, None);
        Assert.False(host.Jira.FindUser("frank")!.Active);
        Assert.False((await host.Client.FindUserAsync("frank", None))!.Active);

        await host.Client.SetActiveAsync("Frank", true, None);
        Assert.True(host.Jira.FindUser("frank")!.Active);
    }

    [Fact]
    public async Task SetActive_ManualReactivationInJira_IsSeenByFindUser()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("gina");
        await host.Client.SetActiveAsync("gina", false, None);

        host.Jira.SetUserActive("gina", true);

        Assert.True((await host.Client.FindUserAsync("gina", None))!.Active);
    }

    [Fact]
    public async Task SetActive_ProjectLead_ThrowsRefusedWithJirasMessage()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("lead");
        host.Jira.AddProject("ABC", "Alpha", "lead");

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => host.Client.SetActiveAsync("lead", false, None));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Contains(e.Messages, m => m.Contains("project lead", StringComparison.Ordinal) && m.Contains("ABC", StringComparison.Ordinal));
        Assert.True(host.Jira.FindUser("lead")!.Active);
    }

    [Fact]
    public async Task SetActive_ComponentLead_ThrowsRefused()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("clead");
        host.Jira.AddProject("ABC", "Alpha", "admin");
        host.Jira.AddComponent("ABC", "Backend", "clead");

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => host.Client.SetActiveAsync("clead", false, None));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.Contains(e.Messages, m => m.Contains("component lead", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeleteUser_Existing_RemovesUserAndMemberships()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("hank");
        host.Jira.AddToGroup("devs", "hank");

        await host.Client.DeleteUserAsync("HANK", None);

        Assert.Null(host.Jira.FindUser("hank"));
        Assert.Empty(host.Jira.MembersOf("devs"));
    }

    [Fact]
    public async Task DeleteUser_Missing_IsNotAnError()
    {
        await using var host = await JiraHost.StartAsync();
        await host.Client.DeleteUserAsync("nobody", None);
    }

    [Fact]
    public async Task DeleteUser_ProjectLead_ThrowsRefusedWithJirasMessage()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("lead");
        host.Jira.AddProject("ABC", "Alpha", "lead");

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => host.Client.DeleteUserAsync("lead", None));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.Equal(["Cannot delete user 'lead' because they are currently the project lead on 1 projects."], e.Messages);
        Assert.NotNull(host.Jira.FindUser("lead"));
    }

    [Fact]
    public async Task DeleteUser_ComponentLead_DeletesAndClearsTheLead()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("clead");
        host.Jira.AddProject("ABC", "Alpha", "admin");
        var component = host.Jira.AddComponent("ABC", "Backend", "clead");

        await host.Client.DeleteUserAsync("clead", None);

        Assert.Null(host.Jira.FindUser("clead"));
        Assert.Null(host.Jira.ComponentLead(component));
    }

    [Fact]
    public async Task EnsureGroup_NewThenExisting_ReturnsTrueThenFalse()
    {
        await using var host = await JiraHost.StartAsync();

        Assert.True(await host.Client.EnsureGroupAsync("devs", None));
        Assert.False(await host.Client.EnsureGroupAsync("DEVS", None));
        Assert.Contains("devs", host.Jira.GroupNames);
    }

    [Fact]
    public async Task DeleteGroup_ExistingThenMissing_RemovesWithoutError()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddGroup("devs");

        await host.Client.DeleteGroupAsync("devs", None);
        await host.Client.DeleteGroupAsync("devs", None);

        Assert.DoesNotContain("devs", host.Jira.GroupNames);
    }

    [Fact]
    public async Task AddMembers_SomeAlreadyMembers_AddsTheRest()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("ivy");
        host.Jira.AddUser("jack");
        host.Jira.AddToGroup("devs", "ivy");

        await host.Client.AddMembersAsync("devs", ["IVY", "jack"], None);
        await host.Client.AddMembersAsync("devs", ["ivy", "jack"], None);

        Assert.Equal(["ivy", "jack"], host.Jira.MembersOf("devs"));
    }

    [Fact]
    public async Task AddMembers_MissingGroup_ThrowsNotFound()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("ivy");

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => host.Client.AddMembersAsync("nope", ["ivy"], None));

        Assert.Equal(AtlassianErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task RemoveMember_MemberThenNotMember_RemovesWithoutError()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("kim");
        host.Jira.AddToGroup("devs", "kim");

        await host.Client.RemoveMemberAsync("devs", "kim", None);
        await host.Client.RemoveMemberAsync("devs", "kim", None);
        await host.Client.RemoveMemberAsync("devs", "nobody", None);
        await host.Client.RemoveMemberAsync("nogroup", "kim", None);

        Assert.Empty(host.Jira.MembersOf("devs"));
    }

    [Fact]
    public async Task ListGroupMembers_SeveralPages_ReturnsEveryMemberIncludingInactive()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.MaxResultsLimit = 3;
        var expected = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var name = "user" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            host.Jira.AddUser(name, active: i % 2 == 0);
            host.Jira.AddToGroup("big", name);
            expected.Add(name);
        }

        var requestsBefore = host.Jira.Faults.RequestCount;
        var members = await host.Client.ListGroupMembersAsync("big", None);

        Assert.Equal(expected, members);
        Assert.Equal(3, host.Jira.Faults.RequestCount - requestsBefore);
    }

    [Fact]
    public async Task ListGroupMembers_MissingGroup_ThrowsNotFound()
    {
        await using var host = await JiraHost.StartAsync();

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => host.Client.ListGroupMembersAsync("nope", None));

        Assert.Equal(AtlassianErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task ListGroupsOfUser_Member_ReturnsDirectGroups()
    {
        await using var host = await JiraHost.StartAsync();

        var groups = await host.Client.ListGroupsOfUserAsync("admin", None);

        Assert.Equal([JiraEmulator.AdministratorsGroup, JiraEmulator.DefaultUsersGroup], groups.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListGroupsOfUser_MissingUser_ThrowsNotFound()
    {
        await using var host = await JiraHost.StartAsync();

        var e = await Assert.ThrowsAsync<AtlassianProductException>(() => host.Client.ListGroupsOfUserAsync("nobody", None));

        Assert.Equal(AtlassianErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task UserProperties_SetReplaceGetDelete_RoundTrip()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("lena");

        Assert.Null(await host.Client.GetUserPropertyAsync("lena", "hr.department", None));
        await host.Client.SetUserPropertyAsync("lena", "hr.department", new JsonObject { ["name"] = "R&D" }, None);
        await host.Client.SetUserPropertyAsync("lena", "hr.department", new JsonObject { ["name"] = "Sales" }, None);

        var value = await host.Client.GetUserPropertyAsync("lena", "hr.department", None);
        Assert.Equal("Sales", value!["name"]!.GetValue<string>());
        Assert.Equal("Sales", host.Jira.UserProperty("lena", "hr.department")!["name"]!.GetValue<string>());

        await host.Client.DeleteUserPropertyAsync("lena", "hr.department", None);
        await host.Client.DeleteUserPropertyAsync("lena", "hr.department", None);
        Assert.Null(host.Jira.UserProperty("lena", "hr.department"));
    }

    [Fact]
    public async Task SetUserProperty_MissingUser_ThrowsNotFound()
    {
        await using var host = await JiraHost.StartAsync();

        var e = await Assert.ThrowsAsync<AtlassianProductException>(
            () => host.Client.SetUserPropertyAsync("nobody", "k", JsonValue.Create("v"), None));

        Assert.Equal(AtlassianErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task ListLeads_ProjectAndComponentLead_ReturnsProjectsFirst()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("mia");
        host.Jira.AddProject("ABC", "Alpha", "mia");
        host.Jira.AddProject("XYZ", "Xylo", "admin");
        var component = host.Jira.AddComponent("XYZ", "Backend", "mia");
        host.Jira.AddComponent("XYZ", "Frontend", "admin");

        var leads = await host.Client.ListLeadsAsync("MIA", None);

        Assert.Equal(
            [
                new AtlassianLead(AtlassianLeadKind.Project, "ABC", null, "Alpha"),
                new AtlassianLead(AtlassianLeadKind.Component, "XYZ", component.ToString(System.Globalization.CultureInfo.InvariantCulture), "Backend"),
            ],
            leads);
    }

    [Fact]
    public async Task SetLead_EveryLead_MovesLeadsThenDeleteSucceeds()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddUser("mia");
        host.Jira.AddUser("default.lead");
        host.Jira.AddProject("ABC", "Alpha", "mia");
        var component = host.Jira.AddComponent("ABC", "Backend", "mia");

        foreach (var lead in await host.Client.ListLeadsAsync("mia", None))
        {
            await host.Client.SetLeadAsync(lead, "default.lead", None);
        }

        Assert.Equal("default.lead", host.Jira.ProjectLead("ABC"));
        Assert.Equal("default.lead", host.Jira.ComponentLead(component));
        Assert.Empty(await host.Client.ListLeadsAsync("mia", None));
        await host.Client.SetActiveAsync("mia", false, None);
        await host.Client.DeleteUserAsync("mia", None);
        Assert.Null(host.Jira.FindUser("mia"));
    }

    [Fact]
    public async Task SetLead_UnknownUser_ThrowsRefused()
    {
        await using var host = await JiraHost.StartAsync();
        host.Jira.AddProject("ABC", "Alpha", "admin");

        var e = await Assert.ThrowsAsync<AtlassianProductException>(
            () => host.Client.SetLeadAsync(new AtlassianLead(AtlassianLeadKind.Project, "ABC", null, "Alpha"), "nobody", None));

        Assert.Equal(AtlassianErrorKind.Refused, e.Kind);
        Assert.Equal("admin", host.Jira.ProjectLead("ABC"));
    }

    [Fact]
    public async Task AddMembers_ConcurrentCallers_EveryUserEndsUpAMember()
    {
        await using var host = await JiraHost.StartAsync();
        var names = Enumerable.Range(0, 20).Select(i => "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        foreach (var name in names)
        {
            host.Jira.AddUser(name);
        }

        await host.Client.EnsureGroupAsync("crowd", None);
        await Task.WhenAll(names.Select(n => host.Client.AddMembersAsync("crowd", [n, names[0]], None)));

        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), host.Jira.MembersOf("crowd"));
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), await host.Client.ListGroupMembersAsync("crowd", None));
    }
}
