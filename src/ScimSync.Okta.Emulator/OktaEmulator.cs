// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ScimSync.Okta.Emulator;

/// <summary>
/// An Okta org emulated on Kestrel at 127.0.0.1: the read side of the management API (users, groups, group members)
/// with <c>limit</c>/<c>after</c> paging and <c>Link</c> headers, a subset of <c>search</c>/<c>filter</c>, SSWS API
/// tokens, the org authorization server's token endpoint for service apps (<c>private_key_jwt</c>, DPoP), rate limits
/// with <c>X-Rate-Limit-*</c> headers, Okta error bodies, faults and counters, and "by hand" APIs to change the org.
/// </summary>
/// <remarks>
/// <para>Shapes follow Okta's documentation:</para>
/// <list type="bullet">
/// <item>Users, list and get: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/ (a
/// plain list leaves DEPROVISIONED users out; <c>search</c>/<c>filter</c> results include whatever matches).</item>
/// <item>Groups and members: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/</item>
/// <item>Paging: https://developer.okta.com/docs/api/#pagination (<c>Link: &lt;…&gt;; rel="next"</c>).</item>
/// <item>Rate limits: https://developer.okta.com/docs/reference/rl-best-practices/ (reset in UTC epoch seconds).</item>
/// <item>Errors: https://developer.okta.com/docs/reference/error-codes/ (E0000011 invalid token, E0000006 no
/// permission, E0000007 not found, E0000031 invalid search, E0000047 rate limit).</item>
/// <item>Service apps: https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/ and DPoP:
/// https://developer.okta.com/docs/guides/dpop/oktaresourceserver/main/ (<c>use_dpop_nonce</c>).</item>
/// </list>
/// <para>Times (<c>lastUpdated</c>, <c>lastMembershipUpdated</c>, token expiry, rate-limit windows, the <c>Date</c>
/// header) come from the <see cref="TimeProvider"/> given to <see cref="StartAsync"/>, and each stamp is at least a
/// millisecond after the previous one, so incremental reads can be tested with a fake clock.</para>
/// </remarks>
public sealed class OktaEmulator : IAsyncDisposable
{
    private const string UsersScope = "okta.users.read";
    private const string GroupsScope = "okta.groups.read";

    private const string UseDPoPNonce = "use_dpop_nonce";

    private static readonly string[] QueryParameters = ["search", "filter"];

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly SortedDictionary<string, EmulatedUser> _users = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, EmulatedGroup> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceApp> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly List<string> _requests = [];
    private readonly HashSet<string> _apiTokens = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private DateTimeOffset _lastStamp;
    private int _nextId;
    private long _window = -1;
    private int _windowCount;
    private int _failCount;
    private HttpStatusCode _failStatus;
    private int _requestCount;
    private int _throttledCount;
    private int _tokenRequestCount;
    private int _tokensIssued;
    private string _dpopNonce = Guid.NewGuid().ToString("N");

    private OktaEmulator(TimeProvider time) => _time = time;

    /// <summary>Gets the org's URL, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri OrgUrl { get; private set; } = null!;

    /// <summary>Gets or sets a value indicating whether the org is down: connections are aborted without an answer.</summary>
    public bool Down { get; set; }

    /// <summary>Gets or sets how long the org waits before answering each request (on the real clock), to test timeouts.</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Gets or sets how many API requests one rate-limit window admits, or 0 for no limit.</summary>
    public int RateLimit { get; set; }

    /// <summary>Gets or sets the length of a rate-limit window.</summary>
    /// <value>Defaults to one minute, as Okta's; tests shorten it.</value>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets a value indicating whether API requests with a DPoP-bound token must carry the org's current nonce
    /// in their proof (RFC 9449 §9): without it they are answered 401 <c>use_dpop_nonce</c> with a <c>DPoP-Nonce</c>.
    /// </summary>
    public bool RequireDPoPNonceForApi { get; set; }

    /// <summary>Gets or sets how long an issued access token is valid.</summary>
    /// <value>Defaults to one hour, as Okta's.</value>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets the number of requests received (faulted and refused ones included).</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>Gets the number of requests answered 429.</summary>
    public int ThrottledCount => Volatile.Read(ref _throttledCount);

    /// <summary>Gets the number of requests to the token endpoint.</summary>
    public int TokenRequestCount => Volatile.Read(ref _tokenRequestCount);

    /// <summary>Gets the number of access tokens issued.</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>Gets the API requests received, as <c>GET /api/v1/users?limit=2&amp;search=…</c> (query decoded).</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts an empty org on 127.0.0.1 and a free port.</summary>
    /// <param name="time">The org's clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<OktaEmulator> StartAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var emulator = new OktaEmulator(time ?? TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(emulator.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        emulator._app = app;
        emulator.OrgUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return emulator;
    }

    /// <summary>Accepts an API token (<c>Authorization: SSWS {token}</c>) with every read scope.</summary>
    /// <param name="token">The token.</param>
    public void AddApiToken(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        lock (_gate)
        {
            _apiTokens.Add(token);
        }
    }

    /// <summary>Registers an API Services app that signs its client assertions with the private key of <paramref name="publicKey"/>.</summary>
    /// <param name="clientId">The app's client id.</param>
    /// <param name="publicKey">The public key registered with the app (RS256).</param>
    /// <param name="grantedScopes">The Okta API scopes granted to the app.</param>
    /// <param name="requireDPoP">Whether token requests must carry a DPoP proof (Okta's default for new service apps).</param>
    public void RegisterServiceApp(string clientId, RSAParameters publicKey, IEnumerable<string>? grantedScopes = null, bool requireDPoP = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        lock (_gate)
        {
            _apps[clientId] = new ServiceApp(publicKey, [.. grantedScopes ?? [UsersScope, GroupsScope]], requireDPoP);
        }
    }

    /// <summary>Revokes every access token issued so far.</summary>
    public void RevokeAccessTokens()
    {
        lock (_gate)
        {
            _tokens.Clear();
        }
    }

    /// <summary>Makes the next <paramref name="count"/> requests fail with <paramref name="status"/> and an Okta error body.</summary>
    /// <param name="count">How many requests fail.</param>
    /// <param name="status">The status (500, 503, 429, 401, 403…).</param>
    public void FailNext(int count, HttpStatusCode status = HttpStatusCode.InternalServerError)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            _failCount = count;
            _failStatus = status;
        }
    }

    /// <summary>Adds a user.</summary>
    /// <param name="login">The login (<c>profile.login</c>), also the default <c>profile.email</c>.</param>
    /// <param name="profile">Other profile attributes (<c>firstName</c>, <c>department</c>…), or <see langword="null"/>.</param>
    /// <param name="status">The status: ACTIVE, STAGED, PROVISIONED, SUSPENDED, DEPROVISIONED…</param>
    /// <returns>The user's id.</returns>
    public string AddUser(string login, IReadOnlyDictionary<string, string?>? profile = null, string status = "ACTIVE")
    {
        ArgumentException.ThrowIfNullOrEmpty(login);
        lock (_gate)
        {
            var now = Stamp();
            var user = new EmulatedUser("00u" + (++_nextId).ToString("D17", CultureInfo.InvariantCulture), status, now, now);
            user.Profile["login"] = login;
            user.Profile["email"] = login;
            foreach (var (name, value) in profile ?? new Dictionary<string, string?>())
            {
                user.Profile[name] = value;
            }

            _users.Add(user.Id, user);
            return user.Id;
        }
    }

    /// <summary>Changes profile attributes of a user (a <see langword="null"/> value clears one) and stamps <c>lastUpdated</c>.</summary>
    /// <param name="id">The user's id.</param>
    /// <param name="profile">The attributes to set.</param>
    public void UpdateUser(string id, IReadOnlyDictionary<string, string?> profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        lock (_gate)
        {
            var user = _users[id];
            foreach (var (name, value) in profile)
            {
                user.Profile[name] = value;
            }

            user.LastUpdated = Stamp();
        }
    }

    /// <summary>Sets a user's status (as the lifecycle operations do) and stamps <c>lastUpdated</c> and <c>statusChanged</c>.</summary>
    /// <param name="id">The user's id.</param>
    /// <param name="status">The new status.</param>
    public void SetStatus(string id, string status)
    {
        lock (_gate)
        {
            var user = _users[id];
            user.Status = status;
            user.LastUpdated = user.StatusChanged = Stamp();
        }
    }

    /// <summary>Deactivates a user: status DEPROVISIONED.</summary>
    /// <param name="id">The user's id.</param>
    public void DeactivateUser(string id) => SetStatus(id, "DEPROVISIONED");

    /// <summary>Suspends a user: status SUSPENDED.</summary>
    /// <param name="id">The user's id.</param>
    public void SuspendUser(string id) => SetStatus(id, "SUSPENDED");

    /// <summary>Deletes a user for good (and from its groups, whose <c>lastMembershipUpdated</c> is stamped).</summary>
    /// <param name="id">The user's id.</param>
    public void DeleteUser(string id)
    {
        lock (_gate)
        {
            _users.Remove(id);
            foreach (var group in _groups.Values.Where(g => g.Members.Remove(id)))
            {
                group.LastMembershipUpdated = Stamp();
            }
        }
    }

    /// <summary>Gets a user as the API returns it, or <see langword="null"/>.</summary>
    /// <param name="id">The user's id.</param>
    /// <returns>The user's JSON.</returns>
    public JsonObject? GetUser(string id)
    {
        lock (_gate)
        {
            return _users.TryGetValue(id, out var user) ? user.ToJson(OrgUrl) : null;
        }
    }

    /// <summary>Adds a group.</summary>
    /// <param name="name">The group's name (<c>profile.name</c>).</param>
    /// <param name="type">OKTA_GROUP, APP_GROUP or BUILT_IN.</param>
    /// <returns>The group's id.</returns>
    public string AddGroup(string name, string type = "OKTA_GROUP")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_gate)
        {
            var now = Stamp();
            var group = new EmulatedGroup("00g" + (++_nextId).ToString("D17", CultureInfo.InvariantCulture), type, name, now);
            _groups.Add(group.Id, group);
            return group.Id;
        }
    }

    /// <summary>Renames a group and stamps its <c>lastUpdated</c>.</summary>
    /// <param name="id">The group's id.</param>
    /// <param name="name">The new name.</param>
    public void RenameGroup(string id, string name)
    {
        lock (_gate)
        {
            var group = _groups[id];
            group.Name = name;
            group.LastUpdated = Stamp();
        }
    }

    /// <summary>Deletes a group.</summary>
    /// <param name="id">The group's id.</param>
    public void DeleteGroup(string id)
    {
        lock (_gate)
        {
            _groups.Remove(id);
        }
    }

    /// <summary>Adds a user to a group and stamps the group's <c>lastMembershipUpdated</c>.</summary>
    /// <param name="groupId">The group's id.</param>
    /// <param name="userId">The user's id.</param>
    public void AddMember(string groupId, string userId)
    {
        lock (_gate)
        {
            if (!_users.ContainsKey(userId))
            {
                throw new KeyNotFoundException(userId);
            }

            var group = _groups[groupId];
            if (group.Members.Add(userId))
            {
                group.LastMembershipUpdated = Stamp();
            }
        }
    }

    /// <summary>Removes a user from a group and stamps the group's <c>lastMembershipUpdated</c>.</summary>
    /// <param name="groupId">The group's id.</param>
    /// <param name="userId">The user's id.</param>
    public void RemoveMember(string groupId, string userId)
    {
        lock (_gate)
        {
            var group = _groups[groupId];
            if (group.Members.Remove(userId))
            {
                group.LastMembershipUpdated = Stamp();
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private DateTimeOffset Stamp()
    {
        var now = _time.GetUtcNow();
        _lastStamp = now > _lastStamp ? now : _lastStamp.AddMilliseconds(1);
        return _lastStamp;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        var response = context.Response;
        response.Headers.Date = _time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
        if (Down)
        {
            context.Abort();
            return;
        }

        if (ResponseDelay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(ResponseDelay, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var path = context.Request.Path.Value ?? string.Empty;
        var isApi = path.StartsWith("/api/", StringComparison.Ordinal);
        if (isApi)
        {
            lock (_gate)
            {
                _requests.Add($"{context.Request.Method} {path}{Uri.UnescapeDataString(context.Request.QueryString.Value ?? string.Empty)}");
            }
        }

        HttpStatusCode? fault = null;
        lock (_gate)
        {
            if (_failCount > 0)
            {
                _failCount--;
                fault = _failStatus;
            }
        }

        if (fault is { } status)
        {
            if (status == HttpStatusCode.TooManyRequests)
            {
                Interlocked.Increment(ref _throttledCount);
                response.Headers["X-Rate-Limit-Reset"] = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            }

            await ErrorAsync(context, status, FaultCode(status), FaultSummary(status)).ConfigureAwait(false);
            return;
        }

        if (path == "/oauth2/v1/token" && HttpMethods.IsPost(context.Request.Method))
        {
            await TokenAsync(context).ConfigureAwait(false);
            return;
        }

        if (!isApi || !HttpMethods.IsGet(context.Request.Method))
        {
            await ErrorAsync(context, HttpStatusCode.NotFound, "E0000022", "The endpoint does not support the provided HTTP method").ConfigureAwait(false);
            return;
        }

        if (!await AdmitAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var scopes = Authenticate(context, out var authError);
        if (authError == UseDPoPNonce)
        {
            context.Response.Headers["DPoP-Nonce"] = _dpopNonce;
            context.Response.Headers.WWWAuthenticate = "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\"";
        }

        if (scopes is null)
        {
            await ErrorAsync(context, HttpStatusCode.Unauthorized, "E0000011", "Invalid token provided", authError).ConfigureAwait(false);
            return;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var needed = segments.Length >= 3 && segments[2] == "groups" ? GroupsScope : UsersScope;
        if (!scopes.Contains(needed))
        {
            await ErrorAsync(context, HttpStatusCode.Forbidden, "E0000006", "You do not have permission to perform the requested action").ConfigureAwait(false);
            return;
        }

        switch (segments)
        {
            case ["api", "v1", "users"]:
                await ListAsync(context, "/api/v1/users", ListUsers).ConfigureAwait(false);
                break;
            case ["api", "v1", "users", var idOrLogin]:
                await GetUserAsync(context, Uri.UnescapeDataString(idOrLogin)).ConfigureAwait(false);
                break;
            case ["api", "v1", "groups"]:
                await ListAsync(context, "/api/v1/groups", ListGroups).ConfigureAwait(false);
                break;
            case ["api", "v1", "groups", var groupId, "users"]:
                await ListAsync(context, path, (search, hasQuery) => ListMembers(groupId)).ConfigureAwait(false);
                break;
            default:
                await ErrorAsync(context, HttpStatusCode.NotFound, "E0000022", "The endpoint does not support the provided HTTP method").ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Counts the request against the rate-limit window and writes the X-Rate-Limit-* headers.</summary>
    private async Task<bool> AdmitAsync(HttpContext context)
    {
        if (RateLimit <= 0)
        {
            return true;
        }

        var now = _time.GetUtcNow();
        var window = now.UtcTicks / RateLimitWindow.Ticks;
        int used;
        lock (_gate)
        {
            if (window != _window)
            {
                _window = window;
                _windowCount = 0;
            }

            used = ++_windowCount;
        }

        var reset = new DateTimeOffset((window + 1) * RateLimitWindow.Ticks, TimeSpan.Zero);
        var headers = context.Response.Headers;
        headers["X-Rate-Limit-Limit"] = RateLimit.ToString(CultureInfo.InvariantCulture);
        headers["X-Rate-Limit-Remaining"] = Math.Max(0, RateLimit - used).ToString(CultureInfo.InvariantCulture);
        headers["X-Rate-Limit-Reset"] = ((reset.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond - 62135596800L).ToString(CultureInfo.InvariantCulture);
        if (used <= RateLimit)
        {
            return true;
        }

        Interlocked.Increment(ref _throttledCount);
        await ErrorAsync(context, HttpStatusCode.TooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.").ConfigureAwait(false);
        return false;
    }

    private HashSet<string>? Authenticate(HttpContext context, out string? error)
    {
        error = null;
        var header = context.Request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return null;
        }

        var scheme = header[..space];
        var credential = header[(space + 1)..].Trim();
        lock (_gate)
        {
            if (scheme == "SSWS")
            {
                return _apiTokens.Contains(credential) ? [UsersScope, GroupsScope] : null;
            }

            if (!_tokens.TryGetValue(credential, out var token) || token.ExpiresAt <= _time.GetUtcNow())
            {
                return null;
            }

            if (token.Thumbprint is null)
            {
                return scheme == "Bearer" ? token.Scopes : null;
            }

            // A DPoP-bound token: scheme DPoP and a proof signed by the bound key, for this request, with the token's hash.
            var proof = context.Request.Headers["DPoP"].ToString();
            var uri = new Uri(OrgUrl, context.Request.Path.Value);
            if (scheme != "DPoP" || !VerifyDPoP(proof, "GET", uri, out var thumbprint, out var claims)
                || thumbprint != token.Thumbprint
                || claims["ath"]?.GetValue<string>() != Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(credential))))
            {
                error = "The DPoP proof is missing or does not match the access token.";
                return null;
            }

            if (RequireDPoPNonceForApi && claims["nonce"]?.GetValue<string>() != _dpopNonce)
            {
                error = UseDPoPNonce;
                return null;
            }

            return token.Scopes;
        }
    }

    private async Task TokenAsync(HttpContext context)
    {
        Interlocked.Increment(ref _tokenRequestCount);
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync().ConfigureAwait(false) : null;
        if (form is null || form["grant_type"] != "client_credentials")
        {
            await OAuthErrorAsync(context, HttpStatusCode.BadRequest, "unsupported_grant_type", "The grant type must be client_credentials.").ConfigureAwait(false);
            return;
        }

        var endpoint = new Uri(OrgUrl, "/oauth2/v1/token");
        if (form["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            || !TryReadJwt(form["client_assertion"].ToString(), out var header, out var claims, out var signingInput, out var signature))
        {
            await OAuthErrorAsync(context, HttpStatusCode.Unauthorized, "invalid_client", "A client_assertion (private_key_jwt) is required.").ConfigureAwait(false);
            return;
        }

        var clientId = claims["iss"]?.GetValue<string>() ?? string.Empty;
        ServiceApp? app;
        lock (_gate)
        {
            _apps.TryGetValue(clientId, out app);
        }

        var now = _time.GetUtcNow();
        if (app is null
            || header["alg"]?.GetValue<string>() != "RS256"
            || claims["sub"]?.GetValue<string>() != clientId
            || claims["aud"]?.GetValue<string>() != endpoint.AbsoluteUri
            || claims["exp"] is not JsonValue exp || exp.GetValue<long>() <= now.ToUnixTimeSeconds()
            || !Verify(app.PublicKey, signingInput, signature))
        {
            await OAuthErrorAsync(context, HttpStatusCode.Unauthorized, "invalid_client", "The client_assertion signature is invalid.").ConfigureAwait(false);
            return;
        }

        var requested = form["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        if (requested.Count == 0 || !requested.IsSubsetOf(app.Scopes))
        {
            await OAuthErrorAsync(context, HttpStatusCode.BadRequest, "invalid_scope", "One or more scopes are not configured for the authorization server resource.").ConfigureAwait(false);
            return;
        }

        string? thumbprint = null;
        if (app.RequireDPoP)
        {
            var proof = context.Request.Headers["DPoP"].ToString();
            if (string.IsNullOrEmpty(proof) || !VerifyDPoP(proof, "POST", endpoint, out thumbprint, out var proofClaims))
            {
                // Okta's words for a missing proof: https://support.okta.com/help/s/article/the-dpop-proof-jwt-header-is-missing
                var description = string.IsNullOrEmpty(proof) ? "The DPoP proof JWT header is missing." : "The DPoP proof JWT is invalid.";
                await OAuthErrorAsync(context, HttpStatusCode.BadRequest, "invalid_dpop_proof", description).ConfigureAwait(false);
                return;
            }

            if (proofClaims["nonce"]?.GetValue<string>() != _dpopNonce)
            {
                context.Response.Headers["DPoP-Nonce"] = _dpopNonce;
                await OAuthErrorAsync(context, HttpStatusCode.BadRequest, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.").ConfigureAwait(false);
                return;
            }
        }

        var accessToken = Base64Url(RandomNumberGenerator.GetBytes(32));
        lock (_gate)
        {
            _tokens[accessToken] = new IssuedToken(requested, now + AccessTokenLifetime, thumbprint);
        }

        Interlocked.Increment(ref _tokensIssued);
        await WriteJsonAsync(context, HttpStatusCode.OK, new JsonObject
        {
            ["token_type"] = thumbprint is null ? "Bearer" : "DPoP",
            ["expires_in"] = (int)AccessTokenLifetime.TotalSeconds,
            ["access_token"] = accessToken,
            ["scope"] = string.Join(' ', requested),
        }).ConfigureAwait(false);
    }

    /// <summary>Changes the nonce the token endpoint asks DPoP proofs to carry (Okta rotates it).</summary>
    public void RotateDPoPNonce() => _dpopNonce = Guid.NewGuid().ToString("N");

    private bool VerifyDPoP(string proof, string method, Uri uri, out string? thumbprint, out JsonObject claims)
    {
        thumbprint = null;
        if (!TryReadJwt(proof, out var header, out claims, out var signingInput, out var signature)
            || header["typ"]?.GetValue<string>() != "dpop+jwt"
            || header["alg"]?.GetValue<string>() != "RS256"
            || header["jwk"] is not JsonObject jwk
            || jwk["n"]?.GetValue<string>() is not { } n
            || jwk["e"]?.GetValue<string>() is not { } e
            || claims["htm"]?.GetValue<string>() != method
            || claims["htu"]?.GetValue<string>() != uri.GetLeftPart(UriPartial.Path)
            || claims["jti"] is null
            || claims["iat"] is not JsonValue iat || Math.Abs(iat.GetValue<long>() - _time.GetUtcNow().ToUnixTimeSeconds()) > 300)
        {
            return false;
        }

        var key = new RSAParameters { Modulus = FromBase64Url(n), Exponent = FromBase64Url(e) };
        if (!Verify(key, signingInput, signature))
        {
            return false;
        }

        // RFC 7638 thumbprint: the required members in lexicographic order.
        thumbprint = Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes($"{{\"e\":\"{e}\",\"kty\":\"RSA\",\"n\":\"{n}\"}}")));
        return true;
    }

    private static bool Verify(RSAParameters key, byte[] signingInput, byte[] signature)
    {
        using var rsa = RSA.Create(key);
        return rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static bool TryReadJwt(string jwt, out JsonObject header, out JsonObject claims, out byte[] signingInput, out byte[] signature)
    {
        header = claims = [];
        signingInput = signature = [];
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            header = JsonNode.Parse(FromBase64Url(parts[0])) as JsonObject ?? [];
            claims = JsonNode.Parse(FromBase64Url(parts[1])) as JsonObject ?? [];
            signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            signature = FromBase64Url(parts[2]);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private async Task ListAsync(HttpContext context, string path, Func<OktaSearchExpression?, bool, List<JsonObject>?> list)
    {
        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l > 0 ? l : 200;
        OktaSearchExpression? expression = null;
        var text = string.Join(" and ", new[] { query["search"].ToString(), query["filter"].ToString() }.Where(t => t.Length > 0).Select(t => "(" + t + ")"));
        if (text.Length > 0 && (expression = OktaSearchExpression.TryParse(text)) is null)
        {
            await ErrorAsync(context, HttpStatusCode.BadRequest, "E0000031", "Invalid search criteria.").ConfigureAwait(false);
            return;
        }

        List<JsonObject>? items;
        lock (_gate)
        {
            items = list(expression, text.Length > 0);
        }

        if (items is null)
        {
            await ErrorAsync(context, HttpStatusCode.NotFound, "E0000007", "Not found: Resource not found").ConfigureAwait(false);
            return;
        }

        var after = query["after"].ToString();
        var remaining = items.Where(i => string.CompareOrdinal(i["id"]!.GetValue<string>(), after) > 0).ToList();
        var page = remaining.Take(limit).ToList();
        var links = new List<string> { $"<{new Uri(OrgUrl, path + context.Request.QueryString.Value)}>; rel=\"self\"" };
        if (remaining.Count > limit)
        {
            var next = new Dictionary<string, string?>(StringComparer.Ordinal) { ["limit"] = limit.ToString(CultureInfo.InvariantCulture) };
            foreach (var name in QueryParameters.Where(n => query.ContainsKey(n)))
            {
                next[name] = query[name];
            }

            next["after"] = page[^1]["id"]!.GetValue<string>();
            var nextQuery = string.Join("&", next.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value ?? string.Empty)));
            links.Add($"<{new Uri(OrgUrl, path + "?" + nextQuery)}>; rel=\"next\"");
        }

        context.Response.Headers["Link"] = links.ToArray();
        await WriteJsonAsync(context, HttpStatusCode.OK, new JsonArray([.. page])).ConfigureAwait(false);
    }

    private List<JsonObject>? ListUsers(OktaSearchExpression? expression, bool hasQuery) =>
        [.. _users.Values
            .Select(u => u.ToJson(OrgUrl))
            .Where(u => expression is null ? (hasQuery || u["status"]!.GetValue<string>() != "DEPROVISIONED") : expression.Matches(u))];

    private List<JsonObject>? ListGroups(OktaSearchExpression? expression, bool hasQuery) =>
        [.. _groups.Values.Select(g => g.ToJson(OrgUrl)).Where(g => expression is null || expression.Matches(g))];

    private List<JsonObject>? ListMembers(string groupId) =>
        _groups.TryGetValue(groupId, out var group)
            ? [.. group.Members.Order(StringComparer.Ordinal).Where(_users.ContainsKey).Select(id => _users[id].ToJson(OrgUrl))]
            : null;

    private async Task GetUserAsync(HttpContext context, string idOrLogin)
    {
        JsonObject? json;
        lock (_gate)
        {
            var user = _users.TryGetValue(idOrLogin, out var byId)
                ? byId
                : _users.Values.FirstOrDefault(u => string.Equals(u.Profile.GetValueOrDefault("login"), idOrLogin, StringComparison.OrdinalIgnoreCase));
            json = user?.ToJson(OrgUrl);
        }

        if (json is null)
        {
            await ErrorAsync(context, HttpStatusCode.NotFound, "E0000007", $"Not found: Resource not found: {idOrLogin} (User)").ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, HttpStatusCode.OK, json).ConfigureAwait(false);
    }

    private static string FaultCode(HttpStatusCode status) => status switch
    {
        HttpStatusCode.TooManyRequests => "E0000047",
        HttpStatusCode.Unauthorized => "E0000011",
        HttpStatusCode.Forbidden => "E0000006",
        HttpStatusCode.NotFound => "E0000007",
        HttpStatusCode.ServiceUnavailable => "E0000010",
        _ => "E0000009",
    };

    private static string FaultSummary(HttpStatusCode status) => status switch
    {
        HttpStatusCode.TooManyRequests => "API call exceeded rate limit due to too many requests.",
        HttpStatusCode.Unauthorized => "Invalid token provided",
        HttpStatusCode.Forbidden => "You do not have permission to perform the requested action",
        HttpStatusCode.NotFound => "Not found: Resource not found",
        HttpStatusCode.ServiceUnavailable => "Service is temporarily unavailable",
        _ => "Internal Server Error",
    };

    private static Task ErrorAsync(HttpContext context, HttpStatusCode status, string code, string summary, string? cause = null)
    {
        var causes = new JsonArray();
        if (cause is not null)
        {
            causes.Add(new JsonObject { ["errorSummary"] = cause });
        }

        return WriteJsonAsync(context, status, new JsonObject
        {
            ["errorCode"] = code,
            ["errorSummary"] = summary,
            ["errorLink"] = code,
            ["errorId"] = "oae" + Guid.NewGuid().ToString("N")[..19],
            ["errorCauses"] = causes,
        });
    }

    private static Task OAuthErrorAsync(HttpContext context, HttpStatusCode status, string error, string description) =>
        WriteJsonAsync(context, status, new JsonObject { ["error"] = error, ["error_description"] = description });

    private static async Task WriteJsonAsync(HttpContext context, HttpStatusCode status, JsonNode body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - (s.Length % 4)) % 4));
    }

    private sealed record ServiceApp(RSAParameters PublicKey, HashSet<string> Scopes, bool RequireDPoP);

    private sealed record IssuedToken(HashSet<string> Scopes, DateTimeOffset ExpiresAt, string? Thumbprint);

    private sealed class EmulatedUser(string id, string status, DateTimeOffset created, DateTimeOffset lastUpdated)
    {
        public string Id { get; } = id;

        public string Status { get; set; } = status;

        public DateTimeOffset Created { get; } = created;

        public DateTimeOffset LastUpdated { get; set; } = lastUpdated;

        public DateTimeOffset StatusChanged { get; set; } = created;

        public Dictionary<string, string?> Profile { get; } = new(StringComparer.Ordinal);

        // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/getUser (response)
        public JsonObject ToJson(Uri orgUrl)
        {
            var profile = new JsonObject();
            foreach (var (name, value) in Profile)
            {
                profile[name] = value;
            }

            return new JsonObject
            {
                ["id"] = Id,
                ["status"] = Status,
                ["created"] = Format(Created),
                ["activated"] = Status is "STAGED" ? null : Format(Created),
                ["statusChanged"] = Format(StatusChanged),
                ["lastLogin"] = null,
                ["lastUpdated"] = Format(LastUpdated),
                ["passwordChanged"] = null,
                ["type"] = new JsonObject { ["id"] = "oty00000000000000001" },
                ["profile"] = profile,
                ["credentials"] = new JsonObject { ["provider"] = new JsonObject { ["type"] = "OKTA", ["name"] = "OKTA" } },
                ["_links"] = new JsonObject { ["self"] = new JsonObject { ["href"] = new Uri(orgUrl, "/api/v1/users/" + Id).AbsoluteUri } },
            };
        }
    }

    private sealed class EmulatedGroup(string id, string type, string name, DateTimeOffset created)
    {
        public string Id { get; } = id;

        public string Type { get; } = type;

        public string Name { get; set; } = name;

        public DateTimeOffset Created { get; } = created;

        public DateTimeOffset LastUpdated { get; set; } = created;

        public DateTimeOffset LastMembershipUpdated { get; set; } = created;

        public HashSet<string> Members { get; } = new(StringComparer.Ordinal);

        // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/#tag/Group/operation/listGroups (response)
        public JsonObject ToJson(Uri orgUrl) => new()
        {
            ["id"] = Id,
            ["created"] = Format(Created),
            ["lastUpdated"] = Format(LastUpdated),
            ["lastMembershipUpdated"] = Format(LastMembershipUpdated),
            ["objectClass"] = new JsonArray("okta:user_group"),
            ["type"] = Type,
            ["profile"] = new JsonObject { ["name"] = Name, ["description"] = null },
            ["_links"] = new JsonObject { ["users"] = new JsonObject { ["href"] = new Uri(orgUrl, "/api/v1/groups/" + Id + "/users").AbsoluteUri } },
        };
    }
}
