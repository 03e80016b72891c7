// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ScimSync.Server.Tests;

public sealed class ScimServerStartupTests
{
    [Fact]
    public void MapScim_WithoutAddScimProvisioning_ThrowsNamingTheMissingCall()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapScim());

        Assert.Contains("AddScimProvisioning", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidOptions_FailsListingEveryProblem()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddScimProvisioning(scim => scim
            .AddConnection("entra", c => c.UseBearerToken("tiny-tok"))
            .AddConnection("bad name!", c => c.UseBearerTokenHash("not-hex"))
            .Configure(o =>
            {
                o.MaxResults = 0;
                o.Bulk.MaxOperations = 0;
                o.Bulk.MaxPayloadSize = 10;
            })
            .AddSqliteStore(o => o.DatabasePath = UnusedDatabasePath()));
        await using var app = builder.Build();
        app.MapScim();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("MaxResults", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Bulk.MaxOperations", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Bulk.MaxPayloadSize", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Connections[\"entra\"].Tokens[0] is shorter", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Connections[\"bad name!\"]: a connection name", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Connections[\"bad name!\"].Tokens[0].Sha256", StringComparison.Ordinal));
        Assert.DoesNotContain("tiny-tok", string.Join(" ", error.Failures), StringComparison.Ordinal);
        Assert.DoesNotContain("not-hex", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoConnection_Fails()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddScimProvisioning(scim => scim.AddSqliteStore(o => o.DatabasePath = UnusedDatabasePath()));
        await using var app = builder.Build();
        app.MapScim();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("Connections is empty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_ConnectionWithoutToken_Fails()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddScimProvisioning(scim => scim
            .AddConnection("okta", c => c.UseIdentityProvider(IdentityProvider.Okta))
            .AddSqliteStore(o => o.DatabasePath = UnusedDatabasePath()));
        await using var app = builder.Build();
        app.MapScim();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("Connections[\"okta\"] has no bearer token", StringComparison.Ordinal));
    }

    [Fact]
    public void MapScim_WithoutStore_ThrowsNamingHowToAddOne()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddScimProvisioning(scim => scim.AddConnection("a", c => c.UseBearerToken("0123456789abcdef0123")));
        using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapScim());

        Assert.Contains("AddSqliteStore", error.Message, StringComparison.Ordinal);
    }

    // The store opens its file lazily; these hosts never get that far.
    private static string UnusedDatabasePath() => Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "never.db");

    [Fact]
    public void AddScimProvisioning_Builder_ExposesServicesAndReturnsCollection()
    {
        var services = new ServiceCollection();

        var builder = services.AddScimProvisioning();
        var returned = services.AddScimProvisioning(scim => Assert.Same(services, scim.Services));

        Assert.Same(services, builder.Services);
        Assert.Same(services, returned);
    }
}
