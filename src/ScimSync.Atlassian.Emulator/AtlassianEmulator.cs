// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ScimSync.Atlassian.Emulator;

/// <summary>
/// Jira, Confluence and Bitbucket Data Center emulated on one Kestrel server on 127.0.0.1, each under its context
/// path (<c>/jira</c>, <c>/confluence</c>, <c>/bitbucket</c>), holding users, groups and memberships in memory.
/// </summary>
/// <example>
/// <code>
/// await using var emulator = await AtlassianEmulator.StartAsync();
/// emulator.Jira.PersonalAccessTokens.Add("pat");
/// // point a Jira target at emulator.Jira.BaseAddress with the token "pat"
/// </code>
/// </example>
public sealed class AtlassianEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AtlassianEmulator(WebApplication app, JiraEmulator jira, ConfluenceEmulator confluence, BitbucketEmulator bitbucket)
    {
        _app = app;
        Jira = jira;
        Confluence = confluence;
        Bitbucket = bitbucket;
    }

    /// <summary>Gets the emulated Jira.</summary>
    public JiraEmulator Jira { get; }

    /// <summary>Gets the emulated Confluence.</summary>
    public ConfluenceEmulator Confluence { get; }

    /// <summary>Gets the emulated Bitbucket.</summary>
    public BitbucketEmulator Bitbucket { get; }

    /// <summary>Gets the server's address, for example <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Starts the emulator on 127.0.0.1.</summary>
    /// <param name="port">The port, or 0 (the default) for a free one.</param>
    /// <param name="time">The clock for rate limits; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<AtlassianEmulator> StartAsync(int port = 0, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();

        var jira = new JiraEmulator(time);
        var confluence = new ConfluenceEmulator(time);
        var bitbucket = new BitbucketEmulator(time);
        EmulatedProduct[] products = [jira, confluence, bitbucket];

        app.Use(async (context, next) =>
        {
            var product = Array.Find(products, p => context.Request.Path.StartsWithSegments(p.PathBase));
            if (product is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            if (await product.AdmitAsync(context).ConfigureAwait(false))
            {
                await next(context).ConfigureAwait(false);
            }
        });

        foreach (var product in products)
        {
            product.MapRoutes(app.MapGroup(product.PathBase));
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var emulator = new AtlassianEmulator(app, jira, confluence, bitbucket) { Address = address };
        foreach (var product in products)
        {
            product.BaseAddress = new Uri(address, product.PathBase.Value + "/");
        }

        return emulator;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
