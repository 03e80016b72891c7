// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ScimSync.Pull;

namespace ScimSync.Okta.Internal;

/// <summary>One page an Okta list answered: the items, the next page's URL and Okta's clock.</summary>
internal sealed record OktaPage(JsonArray Items, Uri? Next, DateTimeOffset? ServerTime);

/// <summary>
/// Okta's management API as ScimSync reads it: authentication (SSWS token, or a service app's access token with
/// DPoP), retries of 5xx and network failures, rate limits honoured and paced, and Okta's error bodies turned into
/// <see cref="IdentitySourceException"/>s an operator can act on.
/// </summary>
/// <remarks>
/// Rate limits: https://developer.okta.com/docs/reference/rl-best-practices/ (X-Rate-Limit-Limit, -Remaining, and
/// -Reset in UTC epoch seconds). Errors: https://developer.okta.com/docs/reference/error-codes/ (errorCode,
/// errorSummary, errorLink, errorId, errorCauses). Paging: https://developer.okta.com/docs/api/#pagination (Link
/// headers with rel="next").
/// </remarks>
internal sealed partial class OktaApiClient
{
    private readonly OktaSourceOptions _options;
    private readonly HttpClient _http;
    private readonly OktaTokenCache _tokens;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _orgUrl;
    private DateTimeOffset? _pauseUntil;

    public OktaApiClient(OktaSourceOptions options, HttpClient http, OktaTokenCache tokens, TimeProvider time, ILogger logger)
    {
        _options = options;
        _http = http;
        _tokens = tokens;
        _time = time;
        _logger = logger;
        _orgUrl = options.OrgUrl ?? throw new ArgumentException("OrgUrl is required.", nameof(options));
    }

    public Uri OrgUrl => _orgUrl;

    public Uri TokenEndpoint => new(_orgUrl, "/oauth2/v1/token");

    /// <summary>Reads one page of a list.</summary>
    public async Task<OktaPage> GetPageAsync(Uri uri, CancellationToken cancellationToken)
    {
        var (body, response) = await GetAsync(uri, allowNotFound: false, cancellationToken).ConfigureAwait(false);
        if (body is not JsonArray items)
        {
            throw new IdentitySourceException(IdentitySourceErrorKind.InvalidResponse, $"Okta answered {uri.AbsolutePath} with something other than a JSON array.", status: (int)response.Status);
        }

        return new OktaPage(items, NextLink(response.Links), response.Date);
    }

    /// <summary>Reads one object, or <see langword="null"/> when Okta answers 404.</summary>
    public async Task<JsonObject?> GetObjectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var (body, response) = await GetAsync(uri, allowNotFound: true, cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.NotFound)
        {
            return null;
        }

        return body as JsonObject
            ?? throw new IdentitySourceException(IdentitySourceErrorKind.InvalidResponse, $"Okta answered {uri.AbsolutePath} with something other than a JSON object.", status: (int)response.Status);
    }

    private async Task<(JsonNode? Body, ResponseInfo Response)> GetAsync(Uri uri, bool allowNotFound, CancellationToken cancellationToken)
    {
        if (!string.Equals(uri.GetLeftPart(UriPartial.Authority), _orgUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            // A Link header pointing elsewhere would carry the token out of the org.
            throw new IdentitySourceException(IdentitySourceErrorKind.InvalidResponse, $"Okta pointed the next page to {uri.GetLeftPart(UriPartial.Authority)}, outside the org {_orgUrl.GetLeftPart(UriPartial.Authority)}.");
        }

        var renewed = false;
        var nonceRetried = false;
        while (true)
        {
            var credential = await GetCredentialAsync(forceRenewal: false, cancellationToken).ConfigureAwait(false);
            var info = await SendAsync(() => CreateGet(uri, credential), uri.AbsolutePath, cancellationToken).ConfigureAwait(false);
            if (credential.Slot is { } slot && info.DPoPNonce is { } nonce)
            {
                // RFC 9449 §9: a resource server may ask for (or rotate) a nonce in its proofs.
                slot.ResourceNonce = nonce;
                if (info.Status == HttpStatusCode.Unauthorized && !nonceRetried && info.WwwAuthenticate.Contains("use_dpop_nonce", StringComparison.Ordinal))
                {
                    nonceRetried = true;
                    continue;
                }
            }

            if (info.IsSuccess)
            {
                return (Parse(info, uri), info);
            }

            if (info.Status == HttpStatusCode.Unauthorized && _options.UsesServiceApp && !renewed)
            {
                // A revoked or expired token: ask for a new one once before giving up.
                renewed = true;
                await GetCredentialAsync(forceRenewal: true, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (info.Status == HttpStatusCode.NotFound && allowNotFound)
            {
                return (null, info);
            }

            throw ToException(info, uri.AbsolutePath);
        }
    }

    private HttpRequestMessage CreateGet(Uri uri, Credential credential)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (credential.Slot is { } slot)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", credential.Token);
            request.Headers.Add("DPoP", OktaJwt.DPoPProof(slot.DPoPKey, "GET", uri, _time.GetUtcNow(), slot.ResourceNonce, credential.Token));
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(credential.Scheme, credential.Token);
        }

        return request;
    }

    private static JsonNode? Parse(ResponseInfo info, Uri uri)
    {
        try
        {
            return JsonNode.Parse(info.Body);
        }
        catch (JsonException e)
        {
            throw new IdentitySourceException(IdentitySourceErrorKind.InvalidResponse, $"Okta answered {uri.AbsolutePath} with JSON that cannot be read.", e, (int)info.Status);
        }
    }

    /// <summary>Sends a request, repeating it after network failures, timeouts, 5xx and 429 within the limits.</summary>
    private async Task<ResponseInfo> SendAsync(Func<HttpRequestMessage> create, string what, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await PaceAsync(cancellationToken).ConfigureAwait(false);
            using var request = create();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            ResponseInfo info;
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
                info = await ResponseInfo.ReadAsync(response, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                var reason = e is OperationCanceledException ? $"did not answer within {_options.Timeout}" : "could not be reached";
                if (attempt >= _options.MaxRetries)
                {
                    throw new IdentitySourceException(IdentitySourceErrorKind.Unavailable, $"Okta ({_orgUrl.Host}) {reason} for {what}, after {attempt + 1} attempts.", e);
                }

                Log.Retrying(_logger, what, reason, attempt + 1);
                await DelayAsync(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }

            RecordRateLimit(info);
            if (info.Status == HttpStatusCode.TooManyRequests)
            {
                var wait = UntilReset(info) ?? Backoff(attempt);

                if (attempt >= _options.MaxRetries || wait > _options.MaxRateLimitWait)
                {
                    throw ToException(info, what);
                }

                Log.Throttled(_logger, what, wait, attempt + 1);
                await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if ((int)info.Status >= 500 && attempt < _options.MaxRetries)
            {
                Log.Retrying(_logger, what, $"HTTP {(int)info.Status}", attempt + 1);
                await DelayAsync(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }

            return info;
        }
    }

    private void RecordRateLimit(ResponseInfo info)
    {
        if (info.RateLimitRemaining is { } remaining && remaining <= _options.RateLimitReserve && UntilReset(info) is { } wait)
        {
            _pauseUntil = _time.GetUtcNow() + wait;
        }
    }

    /// <summary>
    /// How long until the rate-limit window resets, measured on Okta's clock (its <c>Date</c> header, whole seconds,
    /// so never shorter than the truth) rather than ours, which may be skewed.
    /// </summary>
    private TimeSpan? UntilReset(ResponseInfo info)
    {
        if (info.RateLimitReset is not { } reset)
        {
            return null;
        }

        var wait = reset - (info.Date ?? _time.GetUtcNow());
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        if (_pauseUntil is not { } until)
        {
            return;
        }

        _pauseUntil = null;
        var wait = until - _time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            // Leave the rest of the window to the org's other clients: Okta's limits are per org, not per caller.
            wait = wait > _options.MaxRateLimitWait ? _options.MaxRateLimitWait : wait;
            Log.Pacing(_logger, wait);
            await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan Backoff(int attempt) => _options.RetryDelay * Math.Pow(2, Math.Min(attempt, 10));

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, _time, cancellationToken);

    private static Uri? NextLink(IEnumerable<string> links)
    {
        // Link: <https://{yourOktaDomain}/api/v1/users?after=00u...&limit=200>; rel="next"
        foreach (var header in links)
        {
            foreach (var part in header.Split(','))
            {
                var segments = part.Split(';', StringSplitOptions.TrimEntries);
                if (segments.Length >= 2
                    && segments[0].StartsWith('<') && segments[0].EndsWith('>')
                    && segments.Skip(1).Any(s => s.Replace(" ", string.Empty, StringComparison.Ordinal) is "rel=\"next\"" or "rel=next")
                    && Uri.TryCreate(segments[0][1..^1], UriKind.Absolute, out var next))
                {
                    return next;
                }
            }
        }

        return null;
    }

    private IdentitySourceException ToException(ResponseInfo info, string what)
    {
        var error = OktaError.Read(info.Body);
        var status = (int)info.Status;
        var detail = error.Describe();
        return info.Status switch
        {
            HttpStatusCode.TooManyRequests => new(IdentitySourceErrorKind.Throttled, $"Okta kept refusing {what} with 429 (rate limit{(error.Code is null ? string.Empty : ", " + error.Code)}) beyond {_options.MaxRetries} retries or a {_options.MaxRateLimitWait} wait. See Reports > Rate Limits in the Admin Console, or lower the sync frequency.{detail}", status: status),
            HttpStatusCode.Unauthorized => new(IdentitySourceErrorKind.Unauthorized, _options.UsesServiceApp
                ? $"Okta refused the service app's access token for {what} (401).{detail}"
                : $"Okta refused the API token for {what} (401): it is invalid, revoked, or expired after 30 days unused; create a new one under Security > API > Tokens.{detail}", status: status),
            HttpStatusCode.Forbidden => new(IdentitySourceErrorKind.Unauthorized, (_options.UsesServiceApp
                ? $"Okta denied {what} (403): grant the service app the scopes okta.users.read and okta.groups.read (Okta API Scopes tab) and an admin role that can read users and groups, such as Read-only Administrator (Admin roles tab)."
                : $"Okta denied {what} (403): the admin who created the API token needs a role that can read users and groups, such as Read-only Administrator.") + detail, status: status),
            _ when status >= 500 => new(IdentitySourceErrorKind.Unavailable, $"Okta failed {what} with HTTP {status} after {_options.MaxRetries + 1} attempts.{detail}", status: status),
            _ => new(IdentitySourceErrorKind.InvalidResponse, $"Okta refused {what} with HTTP {status}.{detail}", status: status),
        };
    }

    private async Task<Credential> GetCredentialAsync(bool forceRenewal, CancellationToken cancellationToken)
    {
        if (!_options.UsesServiceApp)
        {
            return new Credential("SSWS", _options.ApiToken!, null);
        }

        var slot = _tokens.GetSlot(_orgUrl.AbsoluteUri + "|" + _options.ClientId);
        await slot.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (!forceRenewal && slot.Token is { } cached && cached.ExpiresAt - _tokens.RenewBefore > now)
            {
                return ToCredential(cached, slot);
            }

            slot.Token = await RequestTokenAsync(slot, cancellationToken).ConfigureAwait(false);
            return ToCredential(slot.Token, slot);
        }
        finally
        {
            slot.Lock.Release();
        }
    }

    private static Credential ToCredential(OktaTokenCache.CachedToken token, OktaTokenCache.Slot slot) =>
        string.Equals(token.TokenType, "DPoP", StringComparison.OrdinalIgnoreCase)
            ? new Credential("DPoP", token.AccessToken, slot)
            : new Credential("Bearer", token.AccessToken, null);

    /// <summary>The client credentials grant with a signed client assertion, and a DPoP proof when asked.</summary>
    /// <remarks>
    /// https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/ and
    /// https://developer.okta.com/docs/guides/dpop/oktaresourceserver/main/ (a first request without nonce is
    /// answered 400 <c>use_dpop_nonce</c> with a <c>DPoP-Nonce</c> header; the proof is signed again with it).
    /// </remarks>
    private async Task<OktaTokenCache.CachedToken> RequestTokenAsync(OktaTokenCache.Slot slot, CancellationToken cancellationToken)
    {
        RSA key;
        try
        {
            key = OktaJwt.LoadPrivateKey(_options.PrivateKey!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            throw new IdentitySourceException(IdentitySourceErrorKind.Unauthorized, "The service app's PrivateKey cannot be read: give the RSA private key as PEM text or the path of a PEM file.", e);
        }

        using (key)
        {
            var endpoint = TokenEndpoint;
            for (var nonceTries = 0; ; nonceTries++)
            {
                var info = await SendAsync(() => CreateTokenRequest(key, slot, endpoint), "the token request", cancellationToken).ConfigureAwait(false);
                var body = TryParseObject(info.Body);
                if (info.IsSuccess)
                {
                    var token = body?["access_token"]?.GetValue<string>();
                    if (string.IsNullOrEmpty(token))
                    {
                        throw new IdentitySourceException(IdentitySourceErrorKind.InvalidResponse, "Okta's token endpoint answered without an access_token.", status: (int)info.Status);
                    }

                    var type = body?["token_type"]?.GetValue<string>() ?? "Bearer";
                    var lifetime = body?["expires_in"] is JsonValue seconds && seconds.TryGetValue<int>(out var s) ? TimeSpan.FromSeconds(s) : TimeSpan.FromMinutes(60);
                    Log.TokenIssued(_logger, _options.ClientId!, type, lifetime);
                    return new OktaTokenCache.CachedToken(token, type, _time.GetUtcNow() + lifetime);
                }

                var error = body?["error"]?.GetValue<string>();
                if (error == "use_dpop_nonce" && info.DPoPNonce is { } nonce && nonceTries < 2)
                {
                    slot.Nonce = nonce;
                    continue;
                }

                var description = body?["error_description"]?.GetValue<string>();
                var text = $"Okta's token endpoint refused the service app {_options.ClientId} (HTTP {(int)info.Status}{(error is null ? string.Empty : ", " + error)}){(description is null ? "." : ": " + description)}";
                throw (int)info.Status >= 500 || info.Status == HttpStatusCode.TooManyRequests
                    ? ToException(info, "the token request")
                    : new IdentitySourceException(IdentitySourceErrorKind.Unauthorized, text + Hint(error), status: (int)info.Status);
            }
        }
    }

    private static string Hint(string? error) => error switch
    {
        "invalid_client" => " Check ClientId, that the app uses 'Public key / Private key' authentication, and that PrivateKey (and KeyId) match a key registered with the app.",
        "invalid_scope" => " Grant the scopes in Scopes on the app's 'Okta API Scopes' tab.",
        "invalid_dpop_proof" => " The app requires DPoP: leave UseDPoP on.",
        "unauthorized_client" => " The app must be an API Services app with the client credentials grant.",
        _ => string.Empty,
    };

    private HttpRequestMessage CreateTokenRequest(RSA key, OktaTokenCache.Slot slot, Uri endpoint)
    {
        var now = _time.GetUtcNow();
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["grant_type"] = "client_credentials",
                ["scope"] = _options.Scopes,
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = OktaJwt.ClientAssertion(key, _options.KeyId, _options.ClientId!, endpoint, now),
            }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_options.UseDPoP)
        {
            request.Headers.Add("DPoP", OktaJwt.DPoPProof(slot.DPoPKey, "POST", endpoint, now, slot.Nonce, accessToken: null));
        }

        return request;
    }

    private static JsonObject? TryParseObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Credential(string Scheme, string Token, OktaTokenCache.Slot? Slot);

    private sealed record ResponseInfo(
        HttpStatusCode Status,
        string Body,
        IReadOnlyList<string> Links,
        DateTimeOffset? Date,
        int? RateLimitRemaining,
        DateTimeOffset? RateLimitReset,
        string? DPoPNonce,
        string WwwAuthenticate)
    {
        public bool IsSuccess => (int)Status is >= 200 and < 300;

        public static async Task<ResponseInfo> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new ResponseInfo(
                response.StatusCode,
                body,
                response.Headers.TryGetValues("Link", out var links) ? [.. links] : [],
                response.Headers.Date,
                Header(response, "X-Rate-Limit-Remaining") is { } remaining && int.TryParse(remaining, NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : null,
                Header(response, "X-Rate-Limit-Reset") is { } reset && long.TryParse(reset, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) ? DateTimeOffset.FromUnixTimeSeconds(epoch) : null,
                Header(response, "DPoP-Nonce"),
                string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString())));
        }

        private static string? Header(HttpResponseMessage response, string name) =>
            response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
    }

    private sealed record OktaError(string? Code, string? Summary, string? Id, IReadOnlyList<string> Causes)
    {
        public static OktaError Read(string body)
        {
            var node = TryParseObject(body);
            if (node is null)
            {
                return new OktaError(null, null, null, []);
            }

            var causes = node["errorCauses"] is JsonArray array
                ? array.Select(c => c?["errorSummary"]?.GetValue<string>()).OfType<string>().ToList()
                : [];
            return new OktaError(Text(node, "errorCode"), Text(node, "errorSummary"), Text(node, "errorId"), causes);
        }

        public string Describe()
        {
            if (Code is null && Summary is null)
            {
                return string.Empty;
            }

            var text = $" Okta says: {Code} {Summary}".TrimEnd();
            if (Causes.Count > 0)
            {
                text += " (" + string.Join("; ", Causes) + ")";
            }

            return Id is null ? text : text + $" [errorId {Id}]";
        }

        private static string? Text(JsonObject node, string name) => node[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Okta rate limit reached for {What}: waiting {Wait} before attempt {Attempt}.")]
        public static partial void Throttled(ILogger logger, string what, TimeSpan wait, int attempt);

        [LoggerMessage(2, LogLevel.Warning, "Okta request for {What} failed ({Reason}); retrying (attempt {Attempt}).")]
        public static partial void Retrying(ILogger logger, string what, string reason, int attempt);

        [LoggerMessage(3, LogLevel.Debug, "Few Okta requests left in this rate-limit window: pausing {Wait}.")]
        public static partial void Pacing(ILogger logger, TimeSpan wait);

        [LoggerMessage(4, LogLevel.Debug, "Okta issued a {TokenType} access token to service app {ClientId}, valid {Lifetime}.")]
        public static partial void TokenIssued(ILogger logger, string clientId, string tokenType, TimeSpan lifetime);
    }
}
