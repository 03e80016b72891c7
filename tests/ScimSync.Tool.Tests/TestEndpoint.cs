// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ScimSync.Tool.Tests;

/// <summary>Real HTTP endpoints on a free 127.0.0.1 port for the commands to run against.</summary>
internal static class TestEndpoint
{
    /// <summary>Starts the app <paramref name="build"/> makes of a slim builder listening on a free port.</summary>
    public static async Task<WebApplication> StartAsync(Func<WebApplicationBuilder, WebApplication> build)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = build(builder);
        await app.StartAsync();
        return app;
    }

    /// <summary>Starts ScimSync with one connection, <c>default</c>, on the in-memory store.</summary>
    public static Task<WebApplication> StartScimSyncAsync(string token) => StartAsync(builder =>
    {
        builder.Services.AddScimProvisioning(scim => scim
            .AddConnection("default", c => c.UseBearerToken(token))
            .AddInMemoryStore());
        var app = builder.Build();
        app.MapScim("/scim");
        return app;
    });

    /// <summary>The base URL of the <c>default</c> connection.</summary>
    public static string BaseUrl(WebApplication app) => app.Urls.First().TrimEnd('/') + "/scim/default/v2";
}
