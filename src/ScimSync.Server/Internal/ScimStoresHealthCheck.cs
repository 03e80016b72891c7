// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using ScimSync.Stores;

namespace ScimSync.Server.Internal;

/// <summary>
/// Checks that every connection's user and group stores answer a <c>count=0</c> list within the timeout, and warns
/// (Degraded) when a bearer token has expired or expires within its connection's warning window.
/// </summary>
internal sealed class ScimStoresHealthCheck(
    IServiceScopeFactory scopes,
    ScimConnectionRegistry connections,
    TimeProvider time,
    ILogger<ScimStoresHealthCheck> logger,
    TimeSpan timeout) : IHealthCheck
{
    private static readonly ListQuery s_probe = new() { Count = 0, IncludeMembers = false };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var unreachable = new List<string>();
        var expiring = new List<string>();
        var now = time.GetUtcNow();
        foreach (var connection in connections.All)
        {
            using var timeoutSource = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
            var scope = scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                try
                {
                    await ProbeAsync(connection.Users.GetStore(scope.ServiceProvider), linked.Token).ConfigureAwait(false);
                    await ProbeAsync(connection.Groups.GetStore(scope.ServiceProvider), linked.Token).ConfigureAwait(false);
                    data[connection.Name] = "reachable";
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    Log.StoresUnreachable(logger, e, connection.Name);
                    unreachable.Add(connection.Name);
                    data[connection.Name] = timeoutSource.IsCancellationRequested ? "timed out" : "unreachable";
                }
            }

            foreach (var token in connection.Tokens)
            {
                if (token.ExpiresAt is { } expires && expires - now <= connection.TokenExpiryWarning)
                {
                    expiring.Add(connection.Name + "/" + token.Name);
                    data[connection.Name + "/" + token.Name] = expires <= now
                        ? "expired"
                        : "expires " + expires.ToString("O", CultureInfo.InvariantCulture);
                }
            }
        }

        if (unreachable.Count > 0)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"SCIM stores unreachable for: {string.Join(", ", unreachable)}.", data: data);
        }

        return expiring.Count > 0
            ? HealthCheckResult.Degraded($"SCIM bearer tokens expired or expiring soon: {string.Join(", ", expiring)}.", data: data)
            : HealthCheckResult.Healthy("SCIM stores reachable.", data);
    }

    private static async Task ProbeAsync(IResourceStore store, CancellationToken cancellationToken)
    {
        var result = await store.ListAsync(s_probe, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException("The store answered a count=0 list with " + result.Status + ".");
        }
    }
}
