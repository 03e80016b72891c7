// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Policies;
using ScimSync.Provisioning;
using ScimSync.Server.Tests.Observability;
using ScimSync.Stores;

namespace ScimSync.Server.Tests.Policies;

/// <summary>The in-process pipeline for sources that are not SCIM clients, and memberships sent as user attributes.</summary>
public sealed class ScimProvisionerTests
{
    private static Task<ScimTestHost> StartAsync(Action<ProvisioningPolicyOptions>? policies = null) => PolicyTestSupport.StartAsync(p =>
    {
        p.GroupMapping.Mode = GroupMappingMode.OnTheFly;
        p.GroupMapping.Exclude.Add("^All ");
        p.GroupMapping.RenamePattern = "^AAD-(.*)$";
        p.GroupMapping.RenameReplacement = "$1";
        policies?.Invoke(p);
    });

    private static JsonObject User(string userName, string externalId) => JsonNode.Parse(PolicyTestSupport.EntraUser(userName, externalId))!.AsObject();

    [Fact]
    public async Task Changes_GoThroughTheSamePipelineAsHttp()
    {
        await using var host = await StartAsync(p => p.Lifecycle.OnDelete = UserDeleteBehavior.Deactivate);
        var provisioner = host.Services.GetRequiredService<ScimProvisioner>();

        var created = await provisioner.CreateAsync("test", ScimResourceKind.User, User("ann@example.com", "ann"));
        var relinked = await provisioner.CreateAsync("test", ScimResourceKind.User, User("ann.smith@example.com", "ann"));
        await provisioner.PatchAsync("test", ScimResourceKind.User, created.Id, ScimPatch.Parse("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Ann S."}]}"""u8));
        await provisioner.DeleteAsync("test", ScimResourceKind.User, created.Id);
        var read = await provisioner.GetAsync("test", ScimResourceKind.User, created.Id);
        var listed = await provisioner.ListAsync("test", ScimResourceKind.User, new ListQuery());

        Assert.Equal(created.Id, relinked.Id);
        Assert.NotNull(read);
        Assert.False(read.Resource["active"]!.GetValue<bool>());
        Assert.Equal("Ann S.", read.Resource["displayName"]!.GetValue<string>());
        Assert.True(ProvisionedUser.Read(read.Resource).Deprovisioned);
        Assert.Equal(1, listed.TotalResults);
        var entries = await host.LogAsync(new ProvisioningLogQuery { Connection = "test", ResourceId = created.Id });
        Assert.Equal([ProvisioningOperations.Delete, ProvisioningOperations.Patch, ProvisioningOperations.Create, ProvisioningOperations.Create], entries.Select(e => e.Operation));
    }

    [Fact]
    public async Task InvalidInput_AndRefusals_AreScimErrors()
    {
        await using var host = await StartAsync(p => p.Lifecycle.AllowCreate = false);
        var provisioner = host.Services.GetRequiredService<ScimProvisioner>();

        var invalid = await Assert.ThrowsAsync<ScimException>(() => provisioner.CreateAsync("test", ScimResourceKind.User, JsonNode.Parse("""{"active":"yes"}""")!.AsObject()));
        var refused = await Assert.ThrowsAsync<ScimException>(() => provisioner.CreateAsync("test", ScimResourceKind.User, User("ann@example.com", "ann")));
        var missing = await Assert.ThrowsAsync<ScimException>(() => provisioner.DeleteAsync("test", ScimResourceKind.User, "nope"));

        Assert.Equal(400, invalid.Error.Status);
        Assert.Equal(403, refused.Error.Status);
        Assert.Equal(404, missing.Error.Status);
        await Assert.ThrowsAsync<ArgumentException>(() => provisioner.ListAsync("nosuch", ScimResourceKind.User, new ListQuery()));
        Assert.Null(await provisioner.GetAsync("test", ScimResourceKind.Group, "nope"));
    }

    [Fact]
    public async Task SetUserGroups_MapsLikeGroupPushes_AndRevokesOnlyItsOwnStaleGrants()
    {
        await using var host = await StartAsync(p => p.GroupMapping.DefaultGroupsForAllUsers.Add("everyone"));
        var provisioner = host.Services.GetRequiredService<ScimProvisioner>();
        var ann = await provisioner.CreateAsync("test", ScimResourceKind.User, User("ann@example.com", "ann"));

        var decisions = await provisioner.SetUserGroupsAsync("test", ann.Id, [new SourceGroup("g1", null, "AAD-Admins"), new SourceGroup("g2", null, "All Staff"), new SourceGroup("g3", null, "Sales")]);
        var first = await host.TargetGroupsAsync(ann.Id);
        await provisioner.SetUserGroupsAsync("test", ann.Id, [new SourceGroup("g3", null, "Sales")]);
        var second = await host.TargetGroupsAsync(ann.Id);

        Assert.Equal(["Admins:onTheFly", "Sales:onTheFly", "everyone:defaultForAllUsers"], first);
        Assert.Contains(decisions, d => d.Subject == "g2");
        Assert.Equal(["Sales:onTheFly", "everyone:defaultForAllUsers"], second);
        await Assert.ThrowsAsync<ScimException>(() => provisioner.SetUserGroupsAsync("test", "nope", []));
    }

    [Fact]
    public async Task SetUserGroups_FromAnotherConnection_LeavesTheGroupPushGrantsAlone()
    {
        static void Policies(ProvisioningPolicyOptions p)
        {
            p.Lifecycle.Ownership = UserOwnership.Shared;
            p.GroupMapping.Mode = GroupMappingMode.OnTheFly;
            p.GroupMapping.RenamePattern = "^AAD-(.*)$";
            p.GroupMapping.RenameReplacement = "$1";
        }

        await using var host = await ScimTestHost.StartAsync(scim: s => s
            .AddConnection("test", c => c.UsePolicies(Policies))
            .AddConnection("ldap", c => c.UseBearerToken("ldap-token-0123456789abcdef").UseDirectory("test").UsePolicies(Policies)));
        var provisioner = host.Services.GetRequiredService<ScimProvisioner>();
        var ann = await host.CreateEntraUserAsync("ann@example.com", "ann");
        var group = await host.CreateGroupAsync("AAD-Admins", ann.Id());

        await provisioner.SetUserGroupsAsync("ldap", ann.Id(), [new SourceGroup("cn=admins", null, "Admins")]);
        var both = (await host.ProvisionedAsync(ann.Id())).Memberships.SourcesOf("Admins");
        await provisioner.SetUserGroupsAsync("ldap", ann.Id(), []);

        Assert.Equal(2, both.Count);
        var membership = Assert.Single((await host.ProvisionedAsync(ann.Id())).Memberships.Memberships);
        Assert.Equal("Admins", membership.Group);
        var source = Assert.Single(membership.Sources);
        Assert.Equal(("test", group.Id()), (source.Connection, source.SourceGroupId));
    }
}
