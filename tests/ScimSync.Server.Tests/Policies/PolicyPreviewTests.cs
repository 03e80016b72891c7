// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Policies;

namespace ScimSync.Server.Tests.Policies;

/// <summary>The dry run: what the policies would write, over HTTP and in process, never writing.</summary>
public sealed class PolicyPreviewTests
{
    private static Task<ScimTestHost> StartAsync() => PolicyTestSupport.StartAsync(p =>
    {
        p.GroupMapping.DefaultGroupsForNewUsers.Add("jira-software-users");
        p.GroupMapping.Mode = GroupMappingMode.OnTheFly;
        p.GroupMapping.Exclude.Add("^All ");
        p.GroupMapping.RenamePattern = "^AAD-(.*)$";
        p.GroupMapping.RenameReplacement = "$1";
        var userName = new AttributeSource();
        userName.Paths.Add("userName");
        userName.Transforms.Add(AttributeTransform.LocalPart());
        p.AttributeMapping.UserName = userName;
    });

    [Fact]
    public async Task PreviewUser_NewUser_ShowsTargetAndDefaultGroups_AndWritesNothing()
    {
        await using var host = await StartAsync();

        var response = await host.PostAsync("Preview/Users", PolicyTestSupport.EntraUser("ann@example.com", "ann"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal("create", body["action"]!.GetValue<string>());
        Assert.Equal("ann", body["target"]!["userName"]!.GetValue<string>());
        Assert.Equal(["jira-software-users"], body["groupsJoined"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Equal(0, (await host.GetAsync("Users"))["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task PreviewUser_ExistingExternalId_ShowsRelink()
    {
        await using var host = await StartAsync();
        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");

        var preview = await host.Services.GetRequiredService<ScimPolicyPreview>()
            .PreviewUserAsync("test", JsonNode.Parse(PolicyTestSupport.EntraUser("ann.smith@example.com", "ann"))!.AsObject());

        Assert.Equal(PreviewActions.Relink, preview.Action);
        Assert.Equal(user.Id(), preview.ExistingUserId);
        Assert.Equal("ann.smith", preview.Target!.UserName);
        Assert.Empty(preview.GroupsJoined);
        Assert.Equal("ann@example.com", (await host.GetAsync("Users/" + user.Id()))["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task PreviewUser_InvalidInput_ReportsTheErrorTheRequestWouldGet()
    {
        await using var host = await StartAsync();

        var response = await host.PostAsync("Preview/Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"active":"yes"}""");

        var body = await ScimTestHost.BodyAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("invalid", body["action"]!.GetValue<string>());
        Assert.Equal(400, body["error"]!["status"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("AAD-Admins", "Admins")]
    [InlineData("Engineering", "Engineering")]
    [InlineData("All Staff", null)]
    public async Task PreviewGroup_ShowsTheTargetGroup(string displayName, string? target)
    {
        await using var host = await StartAsync();

        var response = await host.PostAsync("Preview/Groups", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"{{displayName}}"}""");

        var body = await ScimTestHost.BodyAsync(response);
        var targets = body["targets"]!.AsArray().Select(t => t!["group"]!.GetValue<string>()).ToArray();
        Assert.Equal(target is null ? [] : [target], targets);
        if (target is null)
        {
            Assert.NotEmpty(body["decisions"]!.AsArray());
        }
    }

    [Fact]
    public async Task Preview_WithoutToken_Is401()
    {
        await using var host = await StartAsync();
        using var anonymous = host.CreateClient();

        var response = await anonymous.PostAsync("Preview/Users", ScimTestHost.Json(PolicyTestSupport.EntraUser("ann@example.com", "ann")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
