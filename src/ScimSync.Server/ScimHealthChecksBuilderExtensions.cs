// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using ScimSync.Server.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SCIM service provider's health check.</summary>
public static class ScimHealthChecksBuilderExtensions
{
    /// <summary>
    /// Checks that every connection's user and group stores are reachable (each answers a <c>count=0</c> list within
    /// <paramref name="timeout"/>), and reports <see cref="HealthStatus.Degraded"/> when a bearer token has expired or
    /// expires within its connection's <c>TokenExpiryWarning</c>.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status when a store is unreachable; <see langword="null"/> for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to select the check by (for example <c>ready</c>).</param>
    /// <param name="timeout">How long each connection's stores may take; <see langword="null"/> for 5 seconds.</param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddHealthChecks().AddScimStores(tags: ["ready"]);
    /// app.MapHealthChecks("/health/ready");
    /// </code>
    /// </example>
    public static IHealthChecksBuilder AddScimStores(
        this IHealthChecksBuilder builder,
        string name = "scim-stores",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var limit = timeout ?? TimeSpan.FromSeconds(5);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new ScimStoresHealthCheck(
                sp.GetRequiredService<IServiceScopeFactory>(),
                sp.GetRequiredService<ScimConnectionRegistry>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ScimStoresHealthCheck>>(),
                limit),
            failureStatus,
            tags));
    }
}
