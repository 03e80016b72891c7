// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ScimSync.Atlassian.Emulator;

/// <summary>
/// One emulated product, served under its own path base (as a Data Center product behind a context path, for example
/// <c>http://127.0.0.1:port/jira/</c>): authentication, rate limiting and faults in front of the product's routes.
/// </summary>
public abstract class EmulatedProduct
{
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="EmulatedProduct"/> class.</summary>
    /// <param name="pathBase">The path the product is served under, for example <c>/jira</c>.</param>
    /// <param name="time">The clock (for the rate limit); <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    protected EmulatedProduct(string pathBase, TimeProvider? time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathBase);
        PathBase = new PathString(pathBase);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Gets the path the product is served under.</summary>
    public PathString PathBase { get; }

    /// <summary>Gets the product's base address (with a trailing slash) once the emulator has started.</summary>
    public Uri? BaseAddress { get; internal set; }

    /// <summary>Gets the faults to inject.</summary>
    public EmulatorFaults Faults { get; } = new();

    /// <summary>Gets or sets the rate limit, or <see langword="null"/> (the default) for none.</summary>
    public EmulatorRateLimit? RateLimit
    {
        get;
        set
        {
            field = value;
            _buckets.Clear();
        }
    }

    /// <summary>Gets or sets the administrator's username accepted with basic authentication.</summary>
    /// <value>Defaults to <c>admin</c>.</value>
    public string AdminUsername { get; set; } = "admin";

    /// <summary>Gets or sets the administrator's password accepted with basic authentication.</summary>
    /// <value>Defaults to <c>admin</c>.</value>
    public string AdminPassword { get; set; } = "admin";

    /// <summary>Gets the personal access tokens accepted as bearer tokens (each acts as the administrator).</summary>
    public ISet<string> PersonalAccessTokens { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Maps the product's routes, relative to <see cref="PathBase"/>.</summary>
    /// <param name="routes">The route group of the product.</param>
    protected internal abstract void MapRoutes(IEndpointRouteBuilder routes);

    /// <summary>Writes an error answer with the product's own error body.</summary>
    /// <param name="context">The request.</param>
    /// <param name="status">The status code.</param>
    /// <param name="message">The message.</param>
    /// <returns>A task that completes when the answer is written.</returns>
    protected internal abstract Task WriteErrorAsync(HttpContext context, int status, string message);

    /// <summary>
    /// Runs faults, authentication and the rate limit for a request to this product.
    /// </summary>
    /// <returns><see langword="true"/> when the request goes on to the product's routes.</returns>
    internal async Task<bool> AdmitAsync(HttpContext context)
    {
        var (abort, status, retryAfter) = Faults.Next();
        if (abort)
        {
            context.Abort();
            return false;
        }

        if (status is { } failure)
        {
            if (retryAfter is { } wait)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            await WriteErrorAsync(context, (int)failure, "Injected fault.").ConfigureAwait(false);
            return false;
        }

        var user = Authenticate(context.Request);
        if (user is null)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"protected-area\"";
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Client must be authenticated to access this resource.").ConfigureAwait(false);
            return false;
        }

        if (RateLimit is { } limit)
        {
            var bucket = _buckets.GetOrAdd(user, _ => new TokenBucket(limit, _time));
            var (taken, remaining, wait) = bucket.TryTake();
            var headers = context.Response.Headers;
            headers["X-RateLimit-Limit"] = limit.MaxRequests.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Interval-Seconds"] = ((int)Math.Ceiling(limit.Interval.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-FillRate"] = limit.RequestsAllowed.ToString(CultureInfo.InvariantCulture);
            headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            if (!taken)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return false;
            }
        }

        return true;
    }

    private string? Authenticate(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) || header.Parameter is null)
        {
            return null;
        }

        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return PersonalAccessTokens.Contains(header.Parameter) ? AdminUsername : null;
        }

        if (header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            }
            catch (FormatException)
            {
                return null;
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon > 0
                && string.Equals(decoded[..colon], AdminUsername, StringComparison.Ordinal)
                && string.Equals(decoded[(colon + 1)..], AdminPassword, StringComparison.Ordinal)
                ? AdminUsername
                : null;
        }

        return null;
    }
}
