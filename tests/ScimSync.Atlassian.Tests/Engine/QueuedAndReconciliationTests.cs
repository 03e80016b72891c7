// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests.Engine;

public sealed class QueuedAndReconciliationTests
{
    private static Task<AtlassianTestHost> StartAsync(FakeProduct product, Action<AtlassianTargetOptions>? configure = null) =>
        product.StartHostAsync(configure);

    [Fact]
    public async Task Queued_ClientsNeverWait_AndTheOutboxCatchesUpInOrderWhenTheProductReturns()
    {
        var product = new FakeProduct { Down = true };
        await using var host = await StartAsync(product, o => o.Mode = AtlassianWriteMode.Queued);

        var a = await host.CreateUserAsync("a@example.com", "A");
        var b = await host.CreateUserAsync("b@example.com", "B");
        var group = await host.CreateGroupAsync("developers");
        using (var add = await host.AddMembersAsync(group, a, b))
        {
            Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);
        }

        using (var rename = await host.PatchAsync("Users/" + a, """[{ "op": "Replace", "path": "displayName", "value": "A renamed" }]"""))
        {
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        }

        Assert.Equal(["admin"], product.Users.Keys);
        var waiting = await host.State.PeekAsync("jira", 100, default);
        Assert.True(waiting.Count >= 4);
        Assert.Equal(waiting.OrderBy(e => e.Sequence).Select(e => e.Sequence), waiting.Select(e => e.Sequence));

        product.Down = false;
        await AtlassianTestHost.EventuallyAsync(async () => (await host.State.PeekAsync("jira", 1, default)).Count == 0, "the outbox to drain");

        Assert.Equal("A renamed", product.Users["a@example.com"].DisplayName);
        Assert.Equal(["a@example.com", "b@example.com"], product.Members("developers").Order(StringComparer.Ordinal));
        Assert.Contains("b@example.com", product.Members("jira-software-users"));
        Assert.Empty(await host.State.ListDeadLettersAsync("jira", default));
    }

    [Fact]
    public async Task Queued_ARefusedEntryIsSetAside_AndTheOthersGoOn()
    {
        var product = new FakeProduct { Down = true };
        await using var host = await StartAsync(product, o => o.Mode = AtlassianWriteMode.Queued);
        product.AddUser("taken@example.com");
        product.SetProjectLead("PRJ", "taken@example.com");
        var taken = await host.CreateUserAsync("taken@example.com", "Taken");
        using (var deactivate = await host.PatchAsync("Users/" + taken, """[{ "op": "Replace", "path": "active", "value": false }]"""))
        {
            Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);
        }

        await host.CreateUserAsync("fine@example.com", "Fine");
        product.Down = false;

        await AtlassianTestHost.EventuallyAsync(async () => (await host.State.PeekAsync("jira", 1, default)).Count == 0, "the outbox to drain");
        Assert.True(product.Users.ContainsKey("fine@example.com"));
        var dead = await host.State.ListDeadLettersAsync("jira", default);
        Assert.NotEmpty(dead);
        Assert.All(dead, e => Assert.Equal(taken, e.ResourceId));
        Assert.Contains("project lead", dead[0].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconciliation_DryRunReportsDrift_ThenTheRunRepairsIt()
    {
        var product = new FakeProduct();
        await using var host = await StartAsync(product);
        var a = await host.CreateUserAsync("a@example.com", "A");
        var b = await host.CreateUserAsync("b@example.com", "B");
        var group = await host.CreateGroupAsync("developers");
        using (await host.AddMembersAsync(group, a, b))
        {
        }

        using (await host.PatchAsync("Users/" + b, """[{ "op": "Replace", "path": "active", "value": false }]"""))
        {
        }

        // Drift by hand in the product: b re-activated, a taken out of the group, a stranger added to it, c never arrived.
        product.SetActiveByHand("b@example.com", true);
        product.RemoveMemberByHand("developers", "a@example.com");
        product.AddUser("stranger");
        product.AddMemberByHand("developers", "stranger");
        await CreateThenDeleteByHandAsync(host, product);
        var callsBefore = product.Calls;

        var dryRun = await host.Reconciler.RunAsync("jira", dryRun: true);

        Assert.True(dryRun.Completed);
        Assert.Equal(3, dryRun.UsersChecked);
        Assert.Equal(1, dryRun.GroupsChecked);
        Assert.Contains(dryRun.Changes, x => x.Kind == AtlassianChangeKind.DeactivateUser && x.Subject == "b@example.com");
        Assert.Contains(dryRun.Changes, x => x.Kind == AtlassianChangeKind.AddMember && x.Subject == "a@example.com" && x.Detail == "developers");
        Assert.Contains(dryRun.Changes, x => x.Kind == AtlassianChangeKind.RemoveMember && x.Subject == "stranger");
        Assert.Contains(dryRun.Changes, x => x.Kind == AtlassianChangeKind.CreateUser && x.Subject == "c@example.com");
        Assert.True(product.Users["b@example.com"].Active);
        Assert.False(product.Users.ContainsKey("c@example.com"));
        Assert.True(product.Calls > callsBefore);

        var repair = await host.Reconciler.RunAsync("jira", dryRun: false);

        Assert.True(repair.Completed);
        Assert.Empty(repair.Failures);
        Assert.False(product.Users["b@example.com"].Active);
        Assert.Contains("a@example.com", product.Members("developers"));
        Assert.DoesNotContain("stranger", product.Members("developers"));
        Assert.True(product.Users["c@example.com"].Active);

        var again = await host.Reconciler.RunAsync("jira", dryRun: true);
        Assert.Empty(again.Changes);
    }

    [Fact]
    public async Task Reconciliation_StopsWithoutChangingAnythingMoreWhenTheProductGoesDown()
    {
        var product = new FakeProduct();
        await using var host = await StartAsync(product);
        await host.CreateUserAsync("a@example.com", "A");
        product.Down = true;

        var report = await host.Reconciler.RunAsync("jira", dryRun: false);

        Assert.False(report.Completed);
        Assert.Single(report.Failures);
    }

    [Fact]
    public async Task ProductWithoutDeactivation_RevokesAccessByGroups_AndRestoresThemOnReactivation()
    {
        var product = new FakeProduct(canDeactivate: false);
        await using var host = await StartAsync(product);
        var a = await host.CreateUserAsync("a@example.com", "A");
        var group = await host.CreateGroupAsync("developers");
        using (await host.AddMembersAsync(group, a))
        {
        }

        using (var off = await host.PatchAsync("Users/" + a, """[{ "op": "Replace", "path": "active", "value": false }]"""))
        {
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        }

        Assert.DoesNotContain("a@example.com", product.Members("developers"));
        Assert.DoesNotContain("a@example.com", product.Members("jira-software-users"));

        using (var on = await host.PatchAsync("Users/" + a, """[{ "op": "Replace", "path": "active", "value": true }]"""))
        {
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        }

        Assert.Contains("a@example.com", product.Members("developers"));
        Assert.Contains("a@example.com", product.Members("jira-software-users"));
    }

    /// <summary>Creates a user through SCIM, then deletes it in the product by hand.</summary>
    private static async Task CreateThenDeleteByHandAsync(AtlassianTestHost host, FakeProduct product)
    {
        await host.CreateUserAsync("c@example.com", "C");
        await product.DeleteUserAsync("c@example.com", default);
    }
}
