// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ScimSync.Errors;

namespace ScimSync.Server.Internal;

/// <summary>
/// Applies each connection's <see cref="ScimRateLimitOptions"/> after authentication (so only the connection's own
/// traffic counts against it) and before the endpoint reads the body: over the limit, 429 with <c>Retry-After</c>
/// and a SCIM error, nothing read or written.
/// </summary>
internal sealed class ScimRateLimitFilter(ILogger<ScimRateLimitFilter> logger) : IEndpointFilter, IDisposable
{
    private readonly ConcurrentDictionary<string, (ScimRateLimitOptions Options, TokenBucketRateLimiter Limiter)> _limiters = new(StringComparer.OrdinalIgnoreCase);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (http.Features.Get<ScimRequestContext>()?.Connection is not { RateLimit: { } options } connection)
        {
            return await next(context).ConfigureAwait(false);
        }

        var limiter = LimiterFor(connection.Name, options);
        using var lease = limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return await next(context).ConfigureAwait(false);
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, 3600);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        Log.RateLimited(logger, connection.Name, http.Request.Method, http.Request.Path, seconds);
        return ScimResults.Error(new ScimError(StatusCodes.Status429TooManyRequests, null,
            $"Too many requests for this connection; retry after {seconds} second(s)."));
    }

    public void Dispose()
    {
        foreach (var (_, limiter) in _limiters.Values)
        {
            limiter.Dispose();
        }
    }

    /// <summary>One bucket per connection, rebuilt when its options change (a configuration reload).</summary>
    private TokenBucketRateLimiter LimiterFor(string connection, ScimRateLimitOptions options)
    {
        if (_limiters.TryGetValue(connection, out var current) && ReferenceEquals(current.Options, options))
        {
            return current.Limiter;
        }

        var burst = Math.Max(1, options.Burst);
        var perSecond = Math.Max(0.001, options.RequestsPerSecond);

        // Refill in small steps: one token per 1/rate seconds, at least every 100 ms.
        var period = TimeSpan.FromSeconds(Math.Max(0.1, 1 / perSecond));
        var tokens = Math.Max(1, (int)Math.Round(perSecond * period.TotalSeconds));
        var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
        var replaced = _limiters.AddOrUpdate(connection, (options, limiter), (_, _) => (options, limiter));
        if (current.Limiter is not null && !ReferenceEquals(current.Limiter, replaced.Limiter))
        {
            current.Limiter.Dispose();
        }

        return replaced.Limiter;
    }
}
