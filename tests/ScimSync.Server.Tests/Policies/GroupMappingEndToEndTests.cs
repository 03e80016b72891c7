// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;
using ScimSync.Policies;
using ScimSync.Provisioning;
using ScimSync.Server.Tests.Observability;

namespace ScimSync.Server.Tests.Policies;

/// <summary>
/// Group mapping through the endpoints, replaying Microsoft Entra ID's sequence: create users, create the group
/// without members, add members with a PATCH, remove one with a filtered path, rename the group, delete it.
/// </summary>
public sealed class GroupMappingEndToEndTests
{
    private static Task<ScimTestHost> StartAsync(Action<GroupMappingOptions> groups) =>
        PolicyTestSupport.StartAsync(p => groups(p.GroupMapping));

    private static async Task<JsonObject> CreateEntraGroupAsync(ScimTestHost host, string displayName, string externalId)
    {
        var response = await host.PostAsync("Groups", $$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"{{displayName}}","externalId":"{{externalId}}","members":[]}
            """);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ScimTestHost.BodyAsync(response);
    }

    private static async Task AddMembersAsync(ScimTestHost host, string groupId, params string[] userIds)
    {
        var values = string.Join(",", userIds.Select(id => $$"""{"value":"{{id}}"}"""));
        var response = await host.PatchAsync("Groups/" + groupId, $$"""{"op":"Add","path":"members","value":[{{values}}]}""");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static async Task RemoveMemberAsync(ScimTestHost host, string groupId, string userId)
    {
        var response = await host.PatchAsync("Groups/" + groupId, $$"""{"op":"Remove","path":"members[value eq \"{{userId}}\"]"}""");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public static TheoryData<string, GroupMappingMode, string[]> Modes => new()
    {
        // description, mode, expected target memberships of a member of "AAD-Admins" (externalId g-1)
        { "none", GroupMappingMode.None, [] },
        { "on the fly", GroupMappingMode.OnTheFly, ["Admins:onTheFly"] },
        { "manual", GroupMappingMode.Manual, ["jira-administrators:manual", "jira-software-users:manual"] },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task EntraSequence_GrantsAndRevokesPerMode(string description, GroupMappingMode mode, string[] expected)
    {
        Assert.NotEmpty(description);
        await using var host = await StartAsync(g =>
        {
            g.Mode = mode;
            g.RenamePattern = "^AAD-(.*)$";
            g.RenameReplacement = "$1";
            var row = new ManualGroupMapping { Match = GroupMatchKind.ExternalId, Source = "g-1" };
            row.Targets.Add("jira-administrators");
            row.Targets.Add("jira-software-users");
            g.Manual.Add(row);
        });
        var ann = await host.CreateEntraUserAsync("ann@example.com", "ann");
        var bob = await host.CreateEntraUserAsync("bob@example.com", "bob");
        var group = await CreateEntraGroupAsync(host, "AAD-Admins", "g-1");

        await AddMembersAsync(host, group.Id(), ann.Id(), bob.Id());
        var afterAdd = await host.TargetGroupsAsync(ann.Id());
        await RemoveMemberAsync(host, group.Id(), ann.Id());

        Assert.Equal(expected, afterAdd);
        Assert.Empty(await host.TargetGroupsAsync(ann.Id()));
        Assert.Equal(expected, await host.TargetGroupsAsync(bob.Id()));
        if (expected.Length > 0)
        {
            var source = (await host.ProvisionedAsync(bob.Id())).Memberships.Memberships[0].Sources.Single();
            Assert.Equal(("test", group.Id()), (source.Connection, source.SourceGroupId));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RemovedMember_KeepsMembershipOnlyWithKeepExisting(bool keep)
    {
        await using var host = await StartAsync(g =>
        {
            g.Mode = GroupMappingMode.OnTheFly;
            g.KeepExistingMemberships = keep;
        });
        var ann = await host.CreateEntraUserAsync("ann@example.com", "ann");
        var group = await CreateEntraGroupAsync(host, "Engineering", "g-1");
        await AddMembersAsync(host, group.Id(), ann.Id());

        await RemoveMemberAsync(host, group.Id(), ann.Id());

        Assert.Equal(keep ? ["Engineering:onTheFly"] : [], await host.TargetGroupsAsync(ann.Id()));
    }

    [Fact]
    public async Task TwoGroupsGrantingOneTarget_LeavingOneKeepsTheMembership()
    {
        await using var host = await StartAsync(g =>
        {
            g.Mode = GroupMappingMode.OnTheFly;
            g.RenamePattern = "^(AAD|OKTA)-(.*)$";
            g.RenameReplacement = "$2";
        });
        var ann = await host.CreateEntraUserAsync("ann@example.com", "ann");
        var first = await CreateEntraGroupAsync(host, "AAD-Admins", "g-1");
        var second = await CreateEntraGroupAsync(host, "OKTA-Admins", "g-2");
        await AddMembersAsync(host, first.Id(), ann.Id());
        await AddMembersAsync(host, second.Id(), ann.Id());

        await RemoveMemberAsync(host, first.Id(), ann.Id());

        var membership = Assert.Single((await host.ProvisionedAsync(ann.Id())).Memberships.Memberships);
        Assert.Equal("Admins", membership.Group);
        Assert.Equal(second.Id(), Assert.Single(membership.Sources).SourceGroupId);
    }

    [Fact]
    public async Task RenamedGroup_MovesItsMembersToTheNewTarget()
    {
        await using var host = await StartAsync(g => g.Mode = GroupMappingMode.OnTheFly);
        var ann = await host.CreateEntraUserAsync("ann@example.com", "ann");
        var group = await CreateEntraGroupAsync(host, "Sales", "g-1");
        await AddMembersAsync(host, group.Id(), ann.Id());

        var renamed = await host.PatchAsync("Groups/" + group.Id(), """{"op":"Replace","path":"displayName","value":"Sales EMEA"}""");

        Assert.True(renamed.IsSuccessStatusCode);
        Assert.Equal(["Sales EMEA:onTheFly"], await host.TargetGroupsAsync(ann.Id()));
    }

    [Fact]
    public async Task DeletedGroup_RevokesWhatItGranted()
    {
        await using var host = await StartAsync(g => g.Mode = GroupMappingMode.OnTheFly);
        var ann = await host.CreateEntraUserAsync("ann@example.com", "ann");
        var group = await CreateEntraGroupAsync(host, "Sales", "g-1");
        await AddMembersAsync(host, group.Id(), ann.Id());

        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync("Groups/" + group.Id())).StatusCode);

        Assert.Empty(await host.TargetGroupsAsync(ann.Id()));
    }

    [Fact]
    public async Task GroupCreatedWithMembers_AndPutReplacingMembers_ApplyTheSamePolicy()
    {
        await using var host = await StartAsync(g => g.Mode = GroupMappingMode.OnTheFly);
        var ann = await host.CreateEntraUserAsync("ann@example.com", "ann");
        var bob = await host.CreateEntraUserAsync("bob@example.com", "bob");
        var group = await host.CreateGroupAsync("Sales", ann.Id());

        var put = await host.Client.PutAsync("Groups/" + group.Id(), ScimTestHost.Json($$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Sales","members":[{"value":"{{bob.Id()}}"}]}
            """));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Empty(await host.TargetGroupsAsync(ann.Id()));
        Assert.Equal(["Sales:onTheFly"], await host.TargetGroupsAsync(bob.Id()));
    }

    [Fact]
    public async Task ExcludedGroup_GrantsNothing_AndTheLogSaysWhy()
    {
        await using var host = await StartAsync(g =>
        {
            g.Mode = GroupMappingMode.OnTheFly;
            g.Exclude.Add("^All ");
        });
        var ann = await host.CreateEntraUserAsync("ann@example.com", "ann");
        var group = await CreateEntraGroupAsync(host, "All Employees", "g-1");

        await AddMembersAsync(host, group.Id(), ann.Id());

        Assert.Empty(await host.TargetGroupsAsync(ann.Id()));
        var entry = (await host.LogAsync(new ProvisioningLogQuery { Connection = "test", ResourceId = group.Id() })).First(e => e.Operation == ProvisioningOperations.Patch);
        Assert.Equal(ProvisioningOperations.Patch, entry.Operation);
        Assert.Contains(entry.Decisions, d => d.Policy == PolicyNames.GroupMapping);
    }

    [Fact]
    public async Task DefaultGroups_JoinedOnCreate_AllUsersGroupRestoredOnUpdate()
    {
        await using var host = await StartAsync(g =>
        {
            g.DefaultGroupsForNewUsers.Add("jira-software-users");
            g.DefaultGroupsForAllUsers.Add("everyone");
        });

        var ann = await host.CreateEntraUserAsync("ann@example.com", "ann");
        var created = await host.TargetGroupsAsync(ann.Id());
        await host.PatchAsync("Users/" + ann.Id(), """{"op":"replace","path":"displayName","value":"Ann"}""");

        Assert.Equal(["everyone:defaultForAllUsers", "jira-software-users:defaultForNewUsers"], created);
        Assert.Equal(created, await host.TargetGroupsAsync(ann.Id()));
    }

    [Fact]
    public async Task ManyMembersInOnePatch_AllGetTheirMembership()
    {
        await using var host = await StartAsync(g => g.Mode = GroupMappingMode.OnTheFly);
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add((await host.CreateEntraUserAsync($"user{i}@example.com", $"u{i}")).Id());
        }

        var group = await CreateEntraGroupAsync(host, "Big", "g-1");

        await AddMembersAsync(host, group.Id(), [.. ids]);

        foreach (var id in ids)
        {
            Assert.Equal(["Big:onTheFly"], await host.TargetGroupsAsync(id));
        }
    }
}
