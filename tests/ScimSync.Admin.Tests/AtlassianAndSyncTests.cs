// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Admin.Tests.Infrastructure;
using ScimSync.Atlassian;
using ScimSync.Atlassian.Emulator;
using ScimSync.Atlassian.Products;
using ScimSync.Server;

namespace ScimSync.Admin.Tests;

/// <summary>The Atlassian page against the emulated Jira, and the directory sync page without sources.</summary>
public sealed class AtlassianAndSyncTests : IAsyncLifetime
{
    private const string Pat = "jira-pat";
    private const string EntraToken = "entra-token-0123456789abcdef";
    private AtlassianEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        _emulator = await AtlassianEmulator.StartAsync();
        _emulator.Jira.PersonalAccessTokens.Add(Pat);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private Task<ConsoleTestHost> StartAsync()
    {
        var state = Directory.CreateTempSubdirectory("scimsync-admin-atlassian-").FullName;
        return ConsoleTestHost.StartAsync(
            host: (WebApplicationBuilder b) => b.Configuration[AtlassianScimProvisioningBuilderExtensions.StateDirectoryKey] = state,
            scim: s => s
                .AddConnection("entra", c => c.UseBearerToken(EntraToken).UseIdentityProvider(IdentityProvider.EntraId).UseDirectory("atlassian"))
                .AddAtlassianTarget("jira", o =>
                {
                    o.Product = AtlassianProduct.Jira;
                    o.BaseAddress = _emulator.Jira.BaseAddress;
                    o.PersonalAccessToken = Pat;
                    o.Directory = "atlassian";
                    o.Mode = AtlassianWriteMode.WriteThrough;
                    o.DefaultGroups.Add("jira-software-users");
                    o.RetryDelay = TimeSpan.FromMilliseconds(20);
                    o.MaxRetries = 2;
                }));
    }

    private static async Task ProvisionAliceInEngineeringAsync(ConsoleTestHost host)
    {
        using var scim = host.Scim("entra", EntraToken);
        using var user = await scim.PostAsync("Users", ConsoleTestHost.Json("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@contoso.com","displayName":"Alice","active":true,
             "emails":[{"primary":true,"type":"work","value":"alice@contoso.com"}]}
            """));
        Assert.Equal(HttpStatusCode.Created, user.StatusCode);
        var id = (string)System.Text.Json.Nodes.JsonNode.Parse(await user.Content.ReadAsStringAsync())!["id"]!;
        using var group = await scim.PostAsync("Groups", ConsoleTestHost.Json($$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering","members":[{"value":"{{id}}"}]}
            """));
        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
    }

    [Fact]
    public async Task DryRun_ListsChanges_AndChangesNothing_ThenReconcileRepairsInTheBackground()
    {
        await using var host = await StartAsync();
        await ProvisionAliceInEngineeringAsync(host);
        Assert.Equal(["alice@contoso.com"], _emulator.Jira.MembersOf("Engineering"));

        // Changed by hand in Jira.
        _emulator.Jira.RemoveFromGroup("Engineering", "alice@contoso.com");
        _emulator.Jira.AddUser("local.admin");
        _emulator.Jira.AddToGroup("Engineering", "local.admin");
        using var client = host.Console();

        var page = await client.GetAsync("atlassian");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("No reconciliation started", page.Document.GetElementById("t-jira")!.ParentElement!.TextContent, StringComparison.Ordinal);

        var dryRun = await client.SubmitAsync(page, "atlassian/jira/dry-run");
        Assert.Equal(HttpStatusCode.OK, dryRun.Status);
        var result = dryRun.Document.QuerySelector("section.result")!;
        Assert.Contains("Nothing was changed", result.TextContent, StringComparison.Ordinal);
        var changes = result.QuerySelectorAll("tbody tr").Select(r => r.TextContent).ToList();
        Assert.True(changes.Count >= 2, string.Join("\n", changes));
        Assert.Contains(changes, c => c.Contains("alice@contoso.com", StringComparison.Ordinal));
        Assert.Contains(changes, c => c.Contains("local.admin", StringComparison.Ordinal));
        Assert.Equal(["local.admin"], _emulator.Jira.MembersOf("Engineering"));

        var started = await client.SubmitAsync(await client.GetAsync("atlassian"), "atlassian/jira/run");
        Assert.Equal(HttpStatusCode.OK, started.Status);
        Assert.Contains("Reconciliation of jira started", started.MainText, StringComparison.Ordinal);

        ConsoleResponse? finished = null;
        for (var i = 0; i < 400 && finished is null; i++)
        {
            var now = await client.GetAsync("atlassian");
            if (now.MainText.Contains("changes made", StringComparison.Ordinal) || now.MainText.Contains("failed:", StringComparison.Ordinal))
            {
                finished = now;
            }
            else
            {
                await Task.Delay(50);
            }
        }

        Assert.True(finished is not null, "The reconciliation did not finish.");
        Assert.Contains("Run started", finished.MainText, StringComparison.Ordinal);
        Assert.Contains("by alice", finished.MainText, StringComparison.Ordinal);
        var made = finished.Document.GetElementById("t-jira")!.ParentElement!.QuerySelectorAll("tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains($"{made.Count} changes made.", finished.MainText, StringComparison.Ordinal);
        Assert.Equal(changes.Distinct().Order(StringComparer.Ordinal), made.Order(StringComparer.Ordinal));
        Assert.Equal(["alice@contoso.com"], _emulator.Jira.MembersOf("Engineering"));
        Assert.True(_emulator.Jira.FindUser("local.admin")!.Active);

        // Nothing left to do.
        var again = await client.SubmitAsync(finished, "atlassian/jira/dry-run");
        Assert.Contains("0 changes to make", again.Document.QuerySelector("section.result")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_ListsEachChangeOnce()
    {
        await using var host = await StartAsync();
        await ProvisionAliceInEngineeringAsync(host);
        _emulator.Jira.RemoveFromGroup("Engineering", "alice@contoso.com");
        using var client = host.Console();

        var dryRun = await client.SubmitAsync(await client.GetAsync("atlassian"), "atlassian/jira/dry-run");

        var changes = dryRun.Document.QuerySelector("section.result")!.QuerySelectorAll("tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(changes.Distinct(), changes);
        Assert.Contains("1 changes to make", dryRun.Document.QuerySelector("section.result")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownTarget_Is404()
    {
        await using var host = await StartAsync();
        using var client = host.Console();
        var page = await client.GetAsync("atlassian");
        var fields = ConsoleClient.FormFields(page.Form("atlassian/jira/dry-run"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostRawAsync("atlassian/nope/dry-run", fields)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostRawAsync("atlassian/nope/run", fields)).Status);
    }

    [Fact]
    public async Task AtlassianPage_WithoutTargets_SaysHowToAddOne()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();
        var page = await client.GetAsync("atlassian");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("No Atlassian target is configured", page.MainText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncPage_WithoutSources_SaysNoDirectorySource()
    {
        await using var host = await ConsoleTestHost.StartAsync();
        using var client = host.Console();
        var page = await client.GetAsync("sync");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("No directory source is configured", page.Document.QuerySelector("main .alert")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.Document.QuerySelectorAll("main form"));
    }
}
