// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ScimSync.Stores;

namespace ScimSync.Server.Tests.Observability;

public sealed class ScimStoresHealthCheckTests
{
    [Fact]
    public async Task Check_ReachableStoresAndFreshTokens_IsHealthy()
    {
        await using var host = await ScimTestHost.StartAsync(services: s => s.AddHealthChecks().AddScimStores());

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal("reachable", report.Entries["scim-stores"].Data["test"]);
    }

    [Fact]
    public async Task Check_TokenInsideItsWarningWindow_IsDegraded()
    {
        await using var host = await ScimTestHost.StartAsync(
            services: s => s.AddHealthChecks().AddScimStores(),
            scim: s => s.AddConnection("soon", c =>
            {
                c.UseDirectory("test").UseBearerToken("soon-token-0123456789abcdef", new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero), "blue");
                c.Options.TokenExpiryWarning = TimeSpan.FromDays(7);
            }));

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Contains("soon/blue", report.Entries["scim-stores"].Description, StringComparison.Ordinal);
        Assert.DoesNotContain("soon-token", report.Entries["scim-stores"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_UnreachableStore_ReportsTheFailureStatus()
    {
        await using var host = await ScimTestHost.StartAsync(services: s =>
        {
            s.AddSingleton<IScimStoreProvider, UnreachableStoreProvider>();
            s.AddHealthChecks().AddScimStores(failureStatus: HealthStatus.Unhealthy);
        });

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal("unreachable", report.Entries["scim-stores"].Data["test"]);
    }

    private sealed class UnreachableStoreProvider : IScimStoreProvider
    {
        public IUserStore GetUserStore(string directory) => throw new ScimStoreUnavailableException("down");

        public IGroupStore GetGroupStore(string directory) => throw new ScimStoreUnavailableException("down");
    }
}
