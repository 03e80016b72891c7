// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.RegularExpressions;
using ScimSync.Pull;

namespace ScimSync.Okta;

/// <summary>
/// One Okta org read as a pull source: where it is, how ScimSync signs in (an API token, or an OAuth 2.0 service app),
/// which users and groups are in scope and how their attributes map to SCIM. Bound from
/// <c>ScimSync:Okta:{connection}</c>.
/// </summary>
public sealed partial class OktaSourceOptions : PullSourceOptions
{
    /// <summary>The scopes a service app asks for when <see cref="Scopes"/> is not set.</summary>
    public const string DefaultScopes = "okta.users.read okta.groups.read";

    /// <summary>The largest page Okta's list operations are documented to serve for users (200).</summary>
    public const int MaxPageSize = 200;

    /// <summary>Gets or sets the org's URL, <c>https://{yourOktaDomain}</c> (no path).</summary>
    public Uri? OrgUrl { get; set; }

    /// <summary>
    /// Gets or sets an API token (sent as <c>Authorization: SSWS {token}</c>); it acts with the rights of the admin who
    /// created it. Leave empty when <see cref="ClientId"/> is set. Never logged.
    /// </summary>
    public string? ApiToken { get; set; }

    /// <summary>Gets or sets the client id of an OAuth 2.0 service app (API Services app) that signs in with a private key.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Gets or sets the service app's RSA private key: PEM text (<c>-----BEGIN PRIVATE KEY-----</c> or
    /// <c>-----BEGIN RSA PRIVATE KEY-----</c>) or the path of a PEM file. Never logged.
    /// </summary>
    public string? PrivateKey { get; set; }

    /// <summary>Gets or sets the <c>kid</c> of the key as registered with the service app, or <see langword="null"/> to send none.</summary>
    public string? KeyId { get; set; }

    /// <summary>Gets or sets the scopes the service app asks for, separated by spaces.</summary>
    /// <value>Defaults to <see cref="DefaultScopes"/>.</value>
    public string Scopes { get; set; } = DefaultScopes;

    /// <summary>
    /// Gets or sets a value indicating whether the service app's tokens are bound to a key with DPoP (RFC 9449). Okta
    /// turns "Require Demonstrating Proof of Possession (DPoP) header in token requests" on by default for new API
    /// Services apps; switch this off only if the app has it off.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool UseDPoP { get; set; } = true;

    /// <summary>
    /// Gets the operator's attribute map: SCIM path (<c>userName</c>, <c>emails[type eq "work"].value</c>,
    /// <c>enterprise.department</c>) to Okta attribute (<c>profile.login</c>, <c>profile.email</c>, <c>id</c>,
    /// <c>status</c>), with <c>|</c> fallbacks; an empty value removes a default.
    /// </summary>
    public IDictionary<string, string> AttributeMap { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets an Okta <c>search</c> expression that scopes the users read, for example
    /// <c>profile.department eq "Engineering"</c>, or <see langword="null"/> for every user.
    /// </summary>
    public string? UserSearch { get; set; }

    /// <summary>
    /// Gets or sets an Okta <c>search</c> expression that selects the groups read, for example
    /// <c>type eq "OKTA_GROUP"</c>, or <see langword="null"/> for every group.
    /// </summary>
    public string? GroupSearch { get; set; }

    /// <summary>Gets or sets how many users or groups one request lists (Okta's <c>limit</c>).</summary>
    /// <value>Defaults to 200, the documented maximum for users.</value>
    public int PageSize { get; set; } = MaxPageSize;

    /// <summary>Gets or sets how long one request may take.</summary>
    /// <value>Defaults to 100 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Gets or sets how many times a request is repeated after a 429, a 5xx or a network failure.</summary>
    /// <value>Defaults to 4.</value>
    public int MaxRetries { get; set; } = 4;

    /// <summary>Gets or sets the first pause before repeating a failed request; it doubles on each retry.</summary>
    /// <value>Defaults to one second.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest pause for a rate limit to reset (<c>X-Rate-Limit-Reset</c>); a longer one fails the read
    /// as throttled.
    /// </summary>
    /// <value>Defaults to 2 minutes.</value>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets how many requests of the rate-limit window ScimSync leaves to others: when
    /// <c>X-Rate-Limit-Remaining</c> falls to this, the next request waits for the window to reset.
    /// </summary>
    /// <value>Defaults to 5.</value>
    public int RateLimitReserve { get; set; } = 5;

    /// <summary>
    /// Gets or sets how far before the start of a listing (by Okta's clock) the next incremental read starts, to cover
    /// clock skew and the lag of Okta's search index; users updated in that margin are read twice, which is harmless.
    /// </summary>
    /// <value>Defaults to 5 minutes.</value>
    public TimeSpan CursorSafetyMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets a value indicating whether the options name a service app rather than an API token.</summary>
    public bool UsesServiceApp => !string.IsNullOrWhiteSpace(ClientId);

    /// <inheritdoc/>
    public override IList<string> Validate()
    {
        var problems = base.Validate();
        if (OrgUrl is null)
        {
            problems.Add("OrgUrl is required (https://{yourOktaDomain}).");
        }
        else if (!OrgUrl.IsAbsoluteUri || OrgUrl.Scheme is not ("https" or "http"))
        {
            problems.Add("OrgUrl must be an absolute https URL.");
        }
        else if (OrgUrl.Scheme == "http" && !IsLoopback(OrgUrl))
        {
            problems.Add("OrgUrl must use https (http is accepted for loopback test servers only): the token would travel in clear.");
        }
        else if (OrgUrl.AbsolutePath is not "/" || !string.IsNullOrEmpty(OrgUrl.Query))
        {
            problems.Add("OrgUrl must be the org's root (https://{yourOktaDomain}), without a path or query.");
        }

        var hasToken = !string.IsNullOrWhiteSpace(ApiToken);
        if (hasToken == UsesServiceApp)
        {
            problems.Add(hasToken
                ? "Set either ApiToken or ClientId (service app), not both."
                : "Set ApiToken (an Okta API token) or ClientId and PrivateKey (an OAuth 2.0 service app).");
        }

        if (UsesServiceApp)
        {
            if (string.IsNullOrWhiteSpace(PrivateKey))
            {
                problems.Add("PrivateKey (PEM text or the path of a PEM file) is required with ClientId.");
            }

            if (string.IsNullOrWhiteSpace(Scopes))
            {
                problems.Add("Scopes cannot be empty with ClientId (okta.users.read okta.groups.read).");
            }
        }
        else if (!string.IsNullOrWhiteSpace(PrivateKey))
        {
            problems.Add("PrivateKey is set but ClientId is not.");
        }

        if (PageSize is < 1 or > MaxPageSize)
        {
            problems.Add($"PageSize must be between 1 and {MaxPageSize}.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            problems.Add("Timeout must be positive.");
        }

        if (MaxRetries < 0)
        {
            problems.Add("MaxRetries cannot be negative.");
        }

        if (RetryDelay < TimeSpan.Zero || MaxRateLimitWait < TimeSpan.Zero || CursorSafetyMargin < TimeSpan.Zero)
        {
            problems.Add("RetryDelay, MaxRateLimitWait and CursorSafetyMargin cannot be negative.");
        }

        if (RateLimitReserve < 0)
        {
            problems.Add("RateLimitReserve cannot be negative.");
        }

        foreach (var problem in SourceAttributeMap.Validate(AttributeMap, IsAttributeName))
        {
            problems.Add(problem);
        }

        return problems;
    }

    /// <summary>Tells whether a name is an Okta user attribute the map can read: a top-level one or <c>profile.{name}</c>.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns><see langword="true"/> when well formed.</returns>
    internal static bool IsAttributeName(string name) => AttributeName().IsMatch(name);

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    [GeneratedRegex("^(id|status|created|activated|statusChanged|lastLogin|lastUpdated|passwordChanged|profile\\.[A-Za-z_][A-Za-z0-9_]*)$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AttributeName();
}
