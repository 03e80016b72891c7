// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Atlassian.Emulator;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Tests.EndToEnd;

/// <summary>
/// Entra ID's requests into ScimSync, written through the real Confluence and Bitbucket clients to the emulated
/// products: what each product cannot do (Confluence: rename; Bitbucket: deactivate) handled as documented.
/// </summary>
public sealed class EntraToConfluenceAndBitbucketTests : IAsyncLifetime
{
    private const string Pat = "product-pat";
    private AtlassianEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        _emulator = await AtlassianEmulator.StartAsync();
        _emulator.Confluence.PersonalAccessTokens.Add(Pat);
        _emulator.Bitbucket.PersonalAccessTokens.Add(Pat);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private Task<AtlassianTestHost> StartAsync() =>
        AtlassianTestHost.StartAsync(scim => scim
            .AddAtlassianTarget("confluence", o => Configure(o, AtlassianProduct.Confluence, _emulator.Confluence.BaseAddress!, "confluence-users"))
            .AddAtlassianTarget("bitbucket", o => Configure(o, AtlassianProduct.Bitbucket, _emulator.Bitbucket.BaseAddress!, "stash-users")));

    private static void Configure(AtlassianTargetOptions o, AtlassianProduct product, Uri address, string defaultGroup)
    {
        o.Product = product;
        o.BaseAddress = address;
        o.PersonalAccessToken = Pat;
        o.Directory = "atlassian";
        o.DefaultGroups.Add(defaultGroup);
        o.RetryDelay = TimeSpan.FromMilliseconds(20);
        o.MaxRetries = 2;
    }

    [Fact]
    public async Task Rename_RenamesInBitbucket_AndKeepsTheConfluenceUsernameWhileTheRestIsWritten()
    {
        await using var host = await StartAsync();
        var ann = await host.CreateUserAsync("ann@contoso.com", "Ann");
        var bitbucketId = _emulator.Bitbucket.FindUser("ann@contoso.com")!.Id;

        using (var rename = await host.PatchAsync("Users/" + ann, """
            [{ "op": "Replace", "path": "userName", "value": "ann.smith@contoso.com" },
             { "op": "Replace", "path": "displayName", "value": "Ann Smith" }]
            """))
        {
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        }

        Assert.Equal(bitbucketId, _emulator.Bitbucket.FindUser("ann.smith@contoso.com")!.Id);
        Assert.Null(_emulator.Confluence.FindUser("ann.smith@contoso.com"));
        Assert.Equal("Ann Smith", _emulator.Confluence.FindUser("ann@contoso.com")!.DisplayName);

        // Later writes neither fail nor retry the rename; reconciliation finds nothing to do.
        using (var again = await host.PatchAsync("Users/" + ann, """[{ "op": "Replace", "path": "displayName", "value": "Ann B. Smith" }]"""))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal("Ann B. Smith", _emulator.Confluence.FindUser("ann@contoso.com")!.DisplayName);
        var reconciler = host.Services.GetRequiredService<AtlassianReconciler>();
        Assert.Empty((await reconciler.RunAsync("confluence", dryRun: true)).Changes);
        Assert.Empty((await reconciler.RunAsync("bitbucket", dryRun: true)).Changes);
    }

    [Fact]
    public async Task Deactivation_DisablesInConfluence_AndRevokesBitbucketAccessByGroups_ThenRestoresBoth()
    {
        await using var host = await StartAsync();
        var ann = await host.CreateUserAsync("ann@contoso.com", "Ann");
        var group = await host.CreateGroupAsync("developers");
        using (await host.AddMembersAsync(group, ann))
        {
        }

        Assert.Contains("developers", _emulator.Bitbucket.GroupsOf("ann@contoso.com"));
        Assert.Contains("stash-users", _emulator.Bitbucket.GroupsOf("ann@contoso.com"));

        using (var disable = await host.PatchAsync("Users/" + ann, """[{ "op": "Replace", "path": "active", "value": "False" }]"""))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }

        Assert.False(_emulator.Confluence.FindUser("ann@contoso.com")!.Active);
        Assert.Empty(_emulator.Bitbucket.GroupsOf("ann@contoso.com"));

        using (var enable = await host.PatchAsync("Users/" + ann, """[{ "op": "Replace", "path": "active", "value": "True" }]"""))
        {
            Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        }

        Assert.True(_emulator.Confluence.FindUser("ann@contoso.com")!.Active);
        Assert.Equal(["developers", "stash-users"], _emulator.Bitbucket.GroupsOf("ann@contoso.com").Order(StringComparer.Ordinal));
    }
}
