// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ScimSync.Atlassian.Products;

/// <summary>
/// The one place a product client turns an HTTP exchange into a result or an <see cref="AtlassianProductException"/>:
/// no answer, a timeout or an open circuit is <see cref="AtlassianErrorKind.Unavailable"/>; an error status is read
/// with the product's own error-body reader.
/// </summary>
internal static class AtlassianHttp
{
    /// <summary>
    /// Sends a request. Returns the response when its status is a success or one of <paramref name="accepted"/>
    /// (the caller disposes it); otherwise reads the error body and throws.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http,
        HttpRequestMessage request,
        AtlassianProduct product,
        Func<JsonElement, IReadOnlyList<string>> readErrors,
        CancellationToken cancellationToken,
        params HttpStatusCode[] accepted)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new AtlassianProductException(product, AtlassianErrorKind.Unavailable, null, [e.Message], null, e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new AtlassianProductException(product, AtlassianErrorKind.Unavailable, null, ["The request timed out."], null, e);
        }
        catch (BrokenCircuitException e)
        {
            throw new AtlassianProductException(product, AtlassianErrorKind.Unavailable, null, ["The circuit breaker is open after repeated failures."], null, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AtlassianProductException(product, AtlassianErrorKind.Unavailable, null, ["The request timed out."], null, e);
        }

        if (response.IsSuccessStatusCode || accepted.Contains(response.StatusCode))
        {
            return response;
        }

        using (response)
        {
            throw await ToExceptionAsync(response, product, readErrors, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads an error response into an exception (does not dispose the response).</summary>
    public static async Task<AtlassianProductException> ToExceptionAsync(
        HttpResponseMessage response,
        AtlassianProduct product,
        Func<JsonElement, IReadOnlyList<string>> readErrors,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<string> messages = [];
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length > 0)
            {
                using var document = JsonDocument.Parse(body);
                messages = readErrors(document.RootElement);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, for example): the status says enough.
        }

        return new AtlassianProductException(product, KindOf(response.StatusCode), response.StatusCode, messages, RetryAfter(response));
    }

    /// <summary>Classifies an error status.</summary>
    public static AtlassianErrorKind KindOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => AtlassianErrorKind.Unauthorized,
        HttpStatusCode.NotFound => AtlassianErrorKind.NotFound,
        HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout => AtlassianErrorKind.Unavailable,
        >= HttpStatusCode.InternalServerError => AtlassianErrorKind.Unavailable,
        _ => AtlassianErrorKind.Refused,
    };

    /// <summary>Reads <c>Retry-After</c> (seconds or a date).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date && response.Headers.Date is { } now)
        {
            // Measured against the answer's own Date header, so that clocks need not agree.
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
