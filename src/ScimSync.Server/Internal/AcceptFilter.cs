// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using ScimSync.Errors;

namespace ScimSync.Server.Internal;

/// <summary>
/// Content negotiation for responses (RFC 7644 §3.1, §8.1): <c>application/scim+json</c> unless the client accepts
/// only <c>application/json</c>, which it then gets; a client that accepts neither gets 406 (as a SCIM error body,
/// the one format every SCIM client reads).
/// </summary>
internal sealed class AcceptFilter : IEndpointFilter
{
    /// <summary>The <see cref="HttpContext.Items"/> key under which the negotiated media type is kept.</summary>
    public static readonly object MediaTypeKey = new();

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var accept = http.Request.Headers.Accept;
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0)
        {
            return next(context);
        }

        var scim = Quality(ranges, ScimResults.MediaType);
        var json = Quality(ranges, "application/json");
        if (scim <= 0 && json <= 0)
        {
            return ValueTask.FromResult<object?>(ScimResults.Error(new ScimError(
                StatusCodes.Status406NotAcceptable,
                null,
                "Responses are 'application/scim+json' (or 'application/json'); the Accept header allows neither.")));
        }

        if (json > scim)
        {
            http.Items[MediaTypeKey] = "application/json";
        }

        return next(context);
    }

    /// <summary>The quality the client gives a media type: the most specific matching range wins (RFC 9110 §12.5.1).</summary>
    private static double Quality(IList<MediaTypeHeaderValue> ranges, string mediaType)
    {
        // Compared by hand: MediaTypeHeaderValue.IsSubsetOf treats application/scim+json as a kind of application/json
        // (the +json suffix), which would make "Accept: application/json" choose scim+json.
        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        var type = mediaType.AsSpan(0, slash);
        var best = -1.0;
        var specificity = -1;
        foreach (var range in ranges)
        {
            var rank = range.MatchesAllTypes ? 0
                : range.MatchesAllSubTypes && range.Type.AsSpan().Equals(type, StringComparison.OrdinalIgnoreCase) ? 1
                : range.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase) ? 2
                : -1;
            if (rank < 0)
            {
                continue;
            }

            if (rank > specificity)
            {
                specificity = rank;
                best = range.Quality ?? 1.0;
            }
        }

        return best;
    }
}
