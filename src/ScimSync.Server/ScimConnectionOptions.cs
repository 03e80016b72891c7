// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Policies;

namespace ScimSync.Server;

/// <summary>
/// One provisioning connection: an identity provider tenant that provisions through its own base URL
/// (<c>{prefix}/{connection}/v2</c>) with its own credentials, quirk handling and directory.
/// </summary>
/// <remarks>
/// Connections are isolated: a credential of one connection is never accepted by another, and each connection reads
/// and writes only its <see cref="Directory"/>. Two connections share users and groups only when the host gives them
/// the same directory on purpose.
/// </remarks>
public sealed class ScimConnectionOptions
{
    /// <summary>Gets or sets the directory (isolated set of users and groups) the connection provisions into.</summary>
    /// <value>Defaults to the connection's name.</value>
    public string? Directory { get; set; }

    /// <summary>
    /// Gets the bearer tokens the connection accepts. Several may be valid at once, so a token can be rotated without
    /// downtime.
    /// </summary>
    /// <value>Empty by default: configure at least one, or set <see cref="AuthenticationScheme"/>.</value>
    public IList<ScimBearerToken> Tokens { get; } = [];

    /// <summary>
    /// Gets or sets an ASP.NET Core authentication scheme (for example <c>JwtBearerDefaults.AuthenticationScheme</c>)
    /// that authenticates the connection's requests instead of <see cref="Tokens"/>, for hosts that issue OAuth 2.0
    /// access tokens.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: the connection's bearer tokens are checked.</value>
    public string? AuthenticationScheme { get; set; }

    /// <summary>Gets or sets the identity provider behind the connection.</summary>
    /// <value>Defaults to <see cref="IdentityProvider.Generic"/>.</value>
    public IdentityProvider IdentityProvider { get; set; } = IdentityProvider.Generic;

    /// <summary>
    /// Gets or sets the tolerances for non-standard requests, overriding those of <see cref="IdentityProvider"/>.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: the server-wide <see cref="ScimServerOptions.Compatibility"/>.</value>
    public ScimCompatibility? Compatibility { get; set; }

    /// <summary>
    /// Gets or sets how long before a token's <see cref="ScimBearerToken.ExpiresAt"/> its use is logged as a
    /// warning, so the operator rotates it in time.
    /// </summary>
    /// <value>Defaults to 14 days.</value>
    public TimeSpan TokenExpiryWarning { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// Gets or sets a value indicating whether the connection serves SCIM requests over HTTP. A connection fed only
    /// in process (directory sync, <see cref="ScimProvisioner"/>) sets it to <see langword="false"/>: it needs no
    /// credentials, and HTTP requests to it are answered like requests to an unknown connection (401).
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool AcceptsRequests { get; set; } = true;

    /// <summary>
    /// Gets or sets the connection's request rate limit (ASP.NET Core's token bucket limiter, one bucket per
    /// connection and host instance). A <c>/Bulk</c> request counts as one request.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: no limit.</value>
    public ScimRateLimitOptions? RateLimit { get; set; }

    /// <summary>
    /// Gets or sets the connection's mapping policies: attribute mapping, user lifecycle switches and group mapping.
    /// </summary>
    /// <value>
    /// Defaults to <see langword="null"/>: no policy applies and resources are stored as sent. A <c>Policies</c>
    /// section in configuration, or <see cref="ScimConnectionBuilder.UsePolicies"/>, turns them on.
    /// </value>
    public ProvisioningPolicyOptions? Policies { get; set; }
}
