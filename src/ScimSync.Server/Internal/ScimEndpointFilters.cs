// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using ScimSync.Errors;
using ScimSync.Stores;

namespace ScimSync.Server.Internal;

/// <summary>
/// Turns every failure into a SCIM error body: a <see cref="ScimException"/> into its error, a bad HTTP request into
/// its status, anything unexpected into a logged 500 with a neutral detail. Endpoints throw; nothing else catches.
/// </summary>
internal sealed class ScimErrorFilter(ILogger<ScimErrorFilter> logger) : IEndpointFilter
{
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (ScimException e)
        {
            Log.ScimError(logger, e.Error.Status, e.Error.ScimType, http.Request.Method, http.Request.Path, e.Error.Detail);
            if (e.RetryAfter is { } wait)
            {
                http.Response.Headers.RetryAfter = ((int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, 3600)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return ScimResults.Error(e.Error);
        }
        catch (ScimStoreUnavailableException e)
        {
            // Nothing was changed (the store's promise); the client retries, as Entra ID and Okta do on 503.
            Log.StoreUnavailable(logger, e, http.Request.Method, http.Request.Path);
            var retryAfter = (int)Math.Clamp(Math.Ceiling((e.RetryAfter ?? DefaultRetryAfter).TotalSeconds), 1, 3600);
            http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ScimResults.Error(ScimError.ServiceUnavailable("The service is temporarily unavailable; retry later."));
        }
        catch (BadHttpRequestException e)
        {
            return ScimResults.Error(new ScimError(e.StatusCode, null, "The request could not be read."));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The one place that turns unexpected failures into a neutral SCIM 500.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.UnexpectedError(logger, e, http.Request.Method, http.Request.Path);
            return ScimResults.Error(new ScimError(StatusCodes.Status500InternalServerError, null, "An unexpected error occurred."));
        }
    }
}

/// <summary>
/// Finds the request's connection and authenticates the request for it before the endpoint runs, and so before the
/// body is read: with one of the connection's bearer tokens (RFC 6750), or with its ASP.NET Core authentication
/// scheme. Answers 401 with <c>WWW-Authenticate: Bearer</c> and a SCIM error body (RFC 7644 §2, §3.12); an unknown
/// connection gets the same answer, so connection names cannot be probed.
/// </summary>
internal sealed class ConnectionAuthenticationFilter(
    ScimConnectionRegistry connections,
    ScimTokenActivity activity,
    TimeProvider timeProvider,
    ILogger<ConnectionAuthenticationFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var request = http.Request;
        var name = http.GetRouteValue(ScimRoute.ConnectionParameter) as string;
        if (name is null || !connections.TryGet(name, out var connection) || !connection.AcceptsRequests)
        {
            Log.UnknownConnection(logger, name, request.Method, request.Path);
            return Unauthorized("The bearer token is not valid.");
        }

        string? tokenName = null;
        if (connection.AuthenticationScheme is { } scheme)
        {
            var result = await http.AuthenticateAsync(scheme).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                Log.Unauthenticated(logger, connection.Name, request.Method, request.Path);
                return Unauthorized("Authentication required.");
            }

            http.User = result.Principal;
        }
        else
        {
            var header = request.Headers.Authorization.ToString().AsSpan().Trim();
            const string Scheme = "Bearer ";
            var token = header.Length > Scheme.Length && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
                ? connection.Match(header[Scheme.Length..].Trim())
                : null;
            if (token is null)
            {
                Log.Unauthenticated(logger, connection.Name, request.Method, request.Path);
                return Unauthorized(header.IsEmpty ? "Authentication required: send 'Authorization: Bearer <token>'." : "The bearer token is not valid.");
            }

            var now = timeProvider.GetUtcNow();
            if (token.ExpiresAt is { } expires)
            {
                if (expires <= now)
                {
                    Log.TokenExpired(logger, connection.Name, token.Name, expires);
                    return Unauthorized("The bearer token has expired.");
                }

                if (expires - now <= connection.TokenExpiryWarning)
                {
                    Log.TokenExpiresSoon(logger, connection.Name, token.Name, expires);
                }
            }

            activity.Record(connection, token, now);
            tokenName = token.Name;
        }

        http.Features.Set(new ScimRequestContext(connection, tokenName));
        return await next(context).ConfigureAwait(false);
    }

    private static IResult Unauthorized(string detail) => ScimResults.Error(new ScimError(StatusCodes.Status401Unauthorized, null, detail));
}
