// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScimSync.Errors;

namespace ScimSync.Server.Internal;

/// <summary>
/// Turns every failure into a SCIM error body: a <see cref="ScimException"/> into its error, a bad HTTP request into
/// its status, anything unexpected into a logged 500 with a neutral detail. Endpoints throw; nothing else catches.
/// </summary>
internal sealed class ScimErrorFilter(ILogger<ScimErrorFilter> logger) : IEndpointFilter
{
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
            return ScimResults.Error(e.Error);
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
/// Requires a valid bearer token (RFC 6750) before the endpoint runs, and so before the body is read. Answers 401
/// with <c>WWW-Authenticate: Bearer</c> and a SCIM error body (RFC 7644 §2, §3.12).
/// </summary>
internal sealed class BearerTokenFilter(BearerTokenValidator validator, IOptionsMonitor<ScimServerOptions> options, ILogger<BearerTokenFilter> logger) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!options.CurrentValue.RequireBearerToken)
        {
            return next(context);
        }

        var request = context.HttpContext.Request;
        var header = request.Headers.Authorization.ToString().AsSpan().Trim();
        const string Scheme = "Bearer ";
        if (header.Length > Scheme.Length &&
            header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) &&
            validator.IsValid(header[Scheme.Length..].Trim()))
        {
            return next(context);
        }

        Log.Unauthenticated(logger, request.Method, request.Path);
        var detail = header.IsEmpty ? "Authentication required: send 'Authorization: Bearer <token>'." : "The bearer token is not valid.";
        return ValueTask.FromResult<object?>(ScimResults.Error(new ScimError(StatusCodes.Status401Unauthorized, null, detail)));
    }
}
