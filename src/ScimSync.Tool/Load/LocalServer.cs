// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ScimSync.Tool.Load;

/// <summary>What the tool's measuring servers (<c>ceiling</c>, <c>floor</c>) share: a quiet Kestrel, run until stopped.</summary>
internal static class LocalServer
{
    /// <summary>A slim builder listening on <paramref name="urls"/>, with no logging to cost the measurement time.</summary>
    public static WebApplicationBuilder CreateBuilder(string urls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls);
        return builder;
    }

    /// <summary>Starts <paramref name="app"/>, prints where its SCIM base URL is, and serves until cancelled.</summary>
    public static async Task<int> ServeAsync(string name, string urls, WebApplication app, CancellationToken cancellationToken)
    {
        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"{name} listening on {urls} (SCIM base URL: {urls}/scim/v2); Ctrl+C stops it.");
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
    }
}
