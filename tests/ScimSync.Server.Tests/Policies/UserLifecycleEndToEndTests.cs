// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using ScimSync.Policies;
using ScimSync.Provisioning;
using ScimSync.Server.Tests.Observability;

namespace ScimSync.Server.Tests.Policies;

/// <summary>The lifecycle switches, re-linking, reactivation and ownership, through the HTTP endpoints.</summary>
public sealed class UserLifecycleEndToEndTests
{
    [Fact]
    public async Task Create_WhenNotAllowed_Is403AndWritesNothing()
    {
        await using var host = await PolicyTestSupport.StartAsync(p => p.Lifecycle.AllowCreate = false);

        var response = await host.PostAsync("Users", PolicyTestSupport.EntraUser("ann@example.com", "ann"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("AllowCreate", (await ScimTestHost.BodyAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, (await host.GetAsync("Users"))["totalResults"]!.GetValue<int>());
        var entry = (await host.LogAsync(new ProvisioningLogQuery { Connection = "test" })).First(e => e.Operation == ProvisioningOperations.Create);
        Assert.Equal(403, entry.Status);
        Assert.Contains(entry.Decisions, d => d.Policy == PolicyNames.Lifecycle && d.Reason.Contains("AllowCreate", StringComparison.Ordinal));
    }

    public static TheoryData<string, bool, bool, HttpStatusCode> Switches => new()
    {
        // operation, allowUpdate, allowDeactivate, expected
        { """{"op":"replace","path":"displayName","value":"New"}""", true, true, HttpStatusCode.OK },
        { """{"op":"replace","path":"displayName","value":"New"}""", false, true, HttpStatusCode.Forbidden },
        { """{"op":"replace","path":"active","value":false}""", false, true, HttpStatusCode.OK },
        { """{"op":"replace","path":"active","value":false}""", true, false, HttpStatusCode.Forbidden },
        { """{"op":"replace","value":{"active":false,"displayName":"New"}}""", true, false, HttpStatusCode.Forbidden },
        { """{"op":"replace","value":{"active":false,"displayName":"New"}}""", false, true, HttpStatusCode.Forbidden },
        { """{"op":"replace","value":{"active":false,"displayName":"New"}}""", true, true, HttpStatusCode.OK },
    };

    [Theory]
    [MemberData(nameof(Switches))]
    public async Task Patch_FollowsUpdateAndDeactivateSwitches(string operation, bool allowUpdate, bool allowDeactivate, HttpStatusCode expected)
    {
        await using var host = await PolicyTestSupport.StartAsync(p =>
        {
            p.Lifecycle.AllowUpdate = allowUpdate;
            p.Lifecycle.AllowDeactivate = allowDeactivate;
        });
        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");
        var before = await host.GetAsync("Users/" + user.Id());

        var response = await host.PatchAsync("Users/" + user.Id(), operation);

        Assert.Equal(expected, response.StatusCode);
        var after = await host.GetAsync("Users/" + user.Id());
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.Equal(before.ToJsonString(), after.ToJsonString());
        }
    }

    [Fact]
    public async Task Put_WhenUpdatesNotAllowed_Is403AndUnchanged()
    {
        await using var host = await PolicyTestSupport.StartAsync(p => p.Lifecycle.AllowUpdate = false);
        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");

        var response = await host.Client.PutAsync("Users/" + user.Id(), ScimTestHost.Json(PolicyTestSupport.EntraUser("ann@example.com", "ann").Replace("Display ann", "Changed", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Display ann", (await host.GetAsync("Users/" + user.Id()))["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_OnlyReassertingTheSameValues_IsAllowedWithUpdatesOff()
    {
        await using var host = await PolicyTestSupport.StartAsync(p => p.Lifecycle.AllowUpdate = false);
        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");

        var response = await host.Client.PutAsync("Users/" + user.Id(), ScimTestHost.Json(PolicyTestSupport.EntraUser("ann@example.com", "ann")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Delete_WhenDeactivating_KeepsTheUserInactive_AndRecreateReactivatesIt()
    {
        await using var host = await PolicyTestSupport.StartAsync(p => p.Lifecycle.OnDelete = UserDeleteBehavior.Deactivate);
        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");

        var deleted = await host.Client.DeleteAsync("Users/" + user.Id());
        var kept = await host.GetAsync("Users/" + user.Id());
        var recreated = await host.CreateEntraUserAsync("ann@example.com", "ann");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(kept["active"]!.GetValue<bool>());
        Assert.True(ProvisionedUser.Read(kept).Deprovisioned);
        Assert.Equal(user.Id(), recreated.Id());
        Assert.True(recreated["active"]!.GetValue<bool>());
        Assert.False(ProvisionedUser.Read(recreated).Deprovisioned);
        Assert.Equal(1, (await host.GetAsync("Users"))["totalResults"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(true, HttpStatusCode.Created)]
    [InlineData(false, HttpStatusCode.Conflict)]
    public async Task Create_MatchingADeactivatedUserByUserName_ReactivatesOnlyWhenSwitchedOn(bool reactivate, HttpStatusCode expected)
    {
        await using var host = await PolicyTestSupport.StartAsync(p => p.Lifecycle.ReactivateOnCreate = reactivate);
        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");
        Assert.Equal(HttpStatusCode.OK, (await host.PatchAsync("Users/" + user.Id(), """{"op":"replace","path":"active","value":false}""")).StatusCode);

        // A new externalId: only the userName matches.
        var response = await host.PostAsync("Users", PolicyTestSupport.EntraUser("ann@example.com", "ann-2"));

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Created)
        {
            var body = await ScimTestHost.BodyAsync(response);
            Assert.Equal(user.Id(), body.Id());
            Assert.True(body["active"]!.GetValue<bool>());
            Assert.Equal("ann-2", body["externalId"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Create_WithAnActiveUsersUserName_StillConflicts()
    {
        await using var host = await PolicyTestSupport.StartAsync(_ => { });
        await host.CreateEntraUserAsync("ann@example.com", "ann");

        var response = await host.PostAsync("Users", PolicyTestSupport.EntraUser("ann@example.com", "someone-else"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("uniqueness", (await ScimTestHost.BodyAsync(response))["scimType"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_WithChangedUserNameAndSameExternalId_RelinksInsteadOfDuplicating()
    {
        await using var host = await PolicyTestSupport.StartAsync(_ => { });
        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");

        var relinked = await host.CreateEntraUserAsync("ann.smith@example.com", "ann");

        Assert.Equal(user.Id(), relinked.Id());
        Assert.Equal("ann.smith@example.com", relinked["userName"]!.GetValue<string>());
        Assert.Equal(1, (await host.GetAsync("Users"))["totalResults"]!.GetValue<int>());
        var entry = (await host.LogAsync(new ProvisioningLogQuery { Connection = "test" })).First(e => e.Operation == ProvisioningOperations.Create);
        Assert.Contains(entry.Decisions, d => d.Reason.Contains("re-linked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_MatchedByAConfiguredAttribute_Relinks()
    {
        await using var host = await PolicyTestSupport.StartAsync(p => p.Lifecycle.MatchBy.Add(PolicyTestSupport.EnterpriseUser + ":employeeNumber"));
        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");

        // Another externalId and userName, the same employee number.
        var response = await host.PostAsync("Users", PolicyTestSupport.EntraUser("ann.smith@example.com", "ann-new").Replace("E-ann-new", "E-ann", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(user.Id(), (await ScimTestHost.BodyAsync(response)).Id());
    }

    [Theory]
    [InlineData(UserOwnership.Exclusive, HttpStatusCode.Forbidden)]
    [InlineData(UserOwnership.Shared, HttpStatusCode.OK)]
    public async Task Change_ByAnotherConnectionOfTheDirectory_FollowsOwnership(UserOwnership ownership, HttpStatusCode expected)
    {
        const string otherToken = "other-token-0123456789abcdef";
        await using var host = await ScimTestHost.StartAsync(scim: s => s
            .AddConnection("test", c => c.UsePolicies(p => p.Lifecycle.Ownership = ownership))
            .AddConnection("okta", c => c.UseBearerToken(otherToken).UseDirectory("test").UsePolicies(p => p.Lifecycle.Ownership = ownership)));
        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");
        using var okta = host.CreateClient();
        okta.BaseAddress = new Uri("http://localhost/scim/okta/v2/");
        okta.DefaultRequestHeaders.Authorization = new("Bearer", otherToken);

        var response = await okta.PatchAsync("Users/" + user.Id(), ScimTestHost.Json(
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Okta"}]}"""));
        var read = await okta.GetAsync("Users/" + user.Id());

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("test", ProvisionedUser.Read(await ScimTestHost.BodyAsync(read)).Owner);
    }

    [Fact]
    public async Task ProvisioningExtension_SentByAClient_IsIgnored()
    {
        await using var host = await PolicyTestSupport.StartAsync(_ => { });

        var user = await host.CreateEntraUserAsync("ann@example.com", "ann");
        var forged = await host.Client.PutAsync("Users/" + user.Id(), ScimTestHost.Json(PolicyTestSupport.EntraUser("ann@example.com", "ann",
            extra: $$""","{{ProvisionedUser.Schema}}":{"owner":"evil","groups":[{"value":"admins","connection":"evil","rule":"manual"}]}""")));

        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        var provisioned = await host.ProvisionedAsync(user.Id());
        Assert.Equal("test", provisioned.Owner);
        Assert.Empty(provisioned.Memberships.Memberships);
    }
}
