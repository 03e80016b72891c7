// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Server;

/// <summary>Settings of the SCIM service provider endpoints mapped by <c>MapScim</c>.</summary>
/// <remarks>Validated at start-up: a bad configuration stops the host with every problem listed.</remarks>
public sealed class ScimServerOptions
{
    /// <summary>
    /// Gets or sets the largest page a list or search returns; a larger <c>count</c> is lowered to it and it is the
    /// page size when the client gives no <c>count</c>. Advertised as <c>filter.maxResults</c>.
    /// </summary>
    /// <remarks>RFC 7644 §3.4.2.4, RFC 7643 §5.</remarks>
    /// <value>Defaults to 100.</value>
    public int MaxResults { get; set; } = 100;

    /// <summary>
    /// Gets the bearer tokens accepted in the <c>Authorization</c> header. Several may be valid at once, so a token
    /// can be rotated without downtime. Each must be at least 16 characters long.
    /// </summary>
    /// <remarks>
    /// This is the "Secret Token" of Microsoft Entra ID provisioning and Okta's "HTTP Header" authentication.
    /// Tokens are compared in constant time, before the request body is read.
    /// </remarks>
    /// <value>Empty by default: configure at least one, or turn <see cref="RequireBearerToken"/> off.</value>
    public IList<string> BearerTokens { get; } = [];

    /// <summary>
    /// Gets or sets a value indicating whether the built-in bearer-token check guards the endpoints. Turn it off only
    /// when the host authenticates SCIM clients itself (for example <c>MapScim(...).RequireAuthorization("scim")</c>).
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool RequireBearerToken { get; set; } = true;

    /// <summary>Gets or sets the tolerances for the non-standard shapes real identity providers send.</summary>
    /// <value>Defaults to <see cref="ScimCompatibility.Lenient"/>.</value>
    public ScimCompatibility Compatibility { get; set; } = ScimCompatibility.Lenient;

    /// <summary>Gets or sets the largest request body accepted, in bytes; a larger one is answered with 413.</summary>
    /// <remarks>Advertised as <c>bulk.maxPayloadSize</c> once bulk is supported.</remarks>
    /// <value>Defaults to 1 MiB.</value>
    public int MaxRequestBodySize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Gets or sets how many times a PATCH without <c>If-Match</c> is re-applied when the resource changed between
    /// reading and writing it (optimistic concurrency). A PATCH with <c>If-Match</c> is never retried.
    /// </summary>
    /// <value>Defaults to 3.</value>
    public int PatchConflictRetries { get; set; } = 3;
}
