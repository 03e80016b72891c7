// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Policies;
using ScimSync.Provisioning;
using ScimSync.Server.Tests.Observability;

namespace ScimSync.Server.Tests.Policies;

/// <summary>The safety brake: thresholds engage it, held changes get 503 and write nothing, operators release it.</summary>
public sealed class SafetyBrakeTests
{
    private const string Deactivate = """{"op":"replace","path":"active","value":false}""";

    private static Task<ScimTestHost> StartAsync(Action<SafetyBrakeOptions>? configure = null) => PolicyTestSupport.StartAsync(p =>
    {
        p.SafetyBrake.Enabled = true;
        p.SafetyBrake.MinimumDeactivations = 2;
        p.SafetyBrake.MaxDeactivatedPercent = 0;
        p.SafetyBrake.MaxMembersRemovedPerRequest = 3;
        configure?.Invoke(p.SafetyBrake);
    });

    private static async Task<List<string>> CreateUsersAsync(ScimTestHost host, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await host.CreateEntraUserAsync($"user{i}@example.com", $"u{i}")).Id());
        }

        return ids;
    }

    private static ScimSafetyBrake Brake(ScimTestHost host) => host.Services.GetRequiredService<ScimSafetyBrake>();

    [Fact]
    public async Task Deactivations_OverTheThreshold_AreHeldWith503_AndNothingIsWritten()
    {
        await using var host = await StartAsync();
        var ids = await CreateUsersAsync(host, 4);

        var first = await host.PatchAsync("Users/" + ids[0], Deactivate);
        var second = await host.Client.DeleteAsync("Users/" + ids[1]);
        var third = await host.PatchAsync("Users/" + ids[2], Deactivate);
        var fourth = await host.Client.DeleteAsync("Users/" + ids[3]);
        var create = await host.PostAsync("Users", PolicyTestSupport.EntraUser("new@example.com", "new"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(10), third.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, fourth.StatusCode);
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.True((await host.GetAsync("Users/" + ids[2]))["active"]!.GetValue<bool>());
        Assert.True((await host.GetAsync("Users/" + ids[3]))["active"]!.GetValue<bool>());
        var status = Brake(host).GetStatus("test");
        Assert.True(status.Engaged);
        Assert.Contains("MinimumDeactivations", status.Reason, StringComparison.Ordinal);
        Assert.Equal([(ids[2], "deactivate"), (ids[3], "delete")], status.Held.Select(h => (h.ResourceId, h.Change)));
        var held = (await host.LogAsync(new ProvisioningLogQuery { Connection = "test", ResourceId = ids[2] })).First(e => e.Operation == ProvisioningOperations.Patch);
        Assert.Equal(503, held.Status);
        Assert.Contains(held.Decisions, d => d.Policy == PolicyNames.SafetyBrake);
    }

    [Fact]
    public async Task Approve_LetsTheProvidersRetriesThrough_AndStartsCountingAgain()
    {
        await using var host = await StartAsync();
        var ids = await CreateUsersAsync(host, 5);
        await host.PatchAsync("Users/" + ids[0], Deactivate);
        await host.PatchAsync("Users/" + ids[1], Deactivate);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.PatchAsync("Users/" + ids[2], Deactivate)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.PatchAsync("Users/" + ids[2], Deactivate)).StatusCode);

        var approved = Brake(host).Approve("test", "alice");
        var retry = await host.PatchAsync("Users/" + ids[2], Deactivate);
        var next = await host.PatchAsync("Users/" + ids[3], Deactivate);

        Assert.Equal(1, approved);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.False(Brake(host).GetStatus("test").Engaged);
        var entry = (await host.LogAsync(new ProvisioningLogQuery { Connection = "test" })).First(e => e.Operation == ProvisioningOperations.SafetyBrake);
        Assert.Contains("approved by alice", Assert.Single(entry.Decisions).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discard_RefusesTheHeldChangesForOneWindow()
    {
        await using var host = await StartAsync();
        var ids = await CreateUsersAsync(host, 3);
        await host.PatchAsync("Users/" + ids[0], Deactivate);
        await host.PatchAsync("Users/" + ids[1], Deactivate);
        await host.PatchAsync("Users/" + ids[2], Deactivate);

        Assert.Equal(1, Brake(host).Discard("test"));
        var refused = await host.PatchAsync("Users/" + ids[2], Deactivate);
        host.Time.Advance(TimeSpan.FromHours(1));
        var later = await host.PatchAsync("Users/" + ids[2], Deactivate);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task Window_ForgetsOldDeactivations()
    {
        await using var host = await StartAsync();
        var ids = await CreateUsersAsync(host, 3);
        await host.PatchAsync("Users/" + ids[0], Deactivate);
        await host.PatchAsync("Users/" + ids[1], Deactivate);

        host.Time.Advance(TimeSpan.FromMinutes(61));

        Assert.Equal(HttpStatusCode.OK, (await host.PatchAsync("Users/" + ids[2], Deactivate)).StatusCode);
    }

    [Fact]
    public async Task Percentage_ScalesWithTheDirectory()
    {
        await using var host = await StartAsync(b =>
        {
            b.MinimumDeactivations = 0;
            b.MaxDeactivatedPercent = 50;
        });
        var ids = await CreateUsersAsync(host, 4);

        var statuses = new List<HttpStatusCode>();
        foreach (var id in ids)
        {
            statuses.Add((await host.PatchAsync("Users/" + id, Deactivate)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable], statuses);
    }

    [Fact]
    public async Task LargeMemberRemovals_AndDeletingALargeGroup_AreHeld()
    {
        await using var host = await StartAsync(b => b.MaxMembersRemovedPerRequest = 2);
        var ids = await CreateUsersAsync(host, 4);
        var group = await host.CreateGroupAsync("Everyone", [.. ids]);

        var small = await host.PatchAsync("Groups/" + group.Id(), $$"""{"op":"remove","path":"members[value eq \"{{ids[0]}}\"]"}""");
        var emptied = await host.PatchAsync("Groups/" + group.Id(), """{"op":"remove","path":"members"}""");
        var deleted = await host.Client.DeleteAsync("Groups/" + group.Id());

        Assert.Equal(HttpStatusCode.NoContent, small.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, emptied.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, deleted.StatusCode);
        Assert.Equal(3, (await host.GetAsync("Groups/" + group.Id()))["members"]!.AsArray().Count);
    }

    [Fact]
    public async Task Disabled_NeverHolds()
    {
        await using var host = await StartAsync(b => b.Enabled = false);
        var ids = await CreateUsersAsync(host, 5);

        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync("Users/" + id)).StatusCode);
        }

        Assert.False(Brake(host).GetStatus("test").Engaged);
    }
}
