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
    /// Gets the provisioning connections by name (case-insensitive). The name is the URL segment
    /// (<c>{prefix}/{name}/v2</c>): letters, digits, <c>-</c> and <c>_</c>.
    /// </summary>
    /// <remarks>Bindable from configuration, for example <c>ScimSync:Connections:entra:Tokens:0:Sha256</c>.</remarks>
    /// <value>Empty by default: add at least one with <c>AddConnection</c> or configuration.</value>
    public IDictionary<string, ScimConnectionOptions> Connections { get; } =
        new Dictionary<string, ScimConnectionOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the tolerances for the non-standard shapes real identity providers send.</summary>
    /// <value>Defaults to <see cref="ScimCompatibility.Lenient"/>.</value>
    public ScimCompatibility Compatibility { get; set; } = ScimCompatibility.Lenient;

    /// <summary>Gets or sets the largest request body accepted, in bytes; a larger one is answered with 413.</summary>
    /// <remarks><c>/Bulk</c> has its own limit, <see cref="ScimBulkOptions.MaxPayloadSize"/>.</remarks>
    /// <value>Defaults to 1 MiB.</value>
    public int MaxRequestBodySize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Gets or sets how many times a PATCH without <c>If-Match</c> is re-applied when the resource changed between
    /// reading and writing it (optimistic concurrency). A PATCH with <c>If-Match</c> is never retried.
    /// </summary>
    /// <value>Defaults to 3.</value>
    public int PatchConflictRetries { get; set; } = 3;

    /// <summary>
    /// Gets or sets how many <c>members</c> values one request may carry (a Group create or replace, or the values of
    /// one PATCH's operations on <c>members</c>); more are refused with 400 <c>tooMany</c> before anything is written.
    /// </summary>
    /// <remarks>Entra ID sends at most a few hundred per PATCH; a whole large group belongs in several requests.</remarks>
    /// <value>Defaults to 10,000.</value>
    public int MaxMembersPerRequest { get; set; } = 10_000;

    /// <summary>Gets the settings of <c>POST /Bulk</c>: whether it is served, and its limits.</summary>
    /// <remarks>RFC 7644 §3.7.</remarks>
    /// <value>Enabled, at most 1000 operations and 1 MiB by default.</value>
    public ScimBulkOptions Bulk { get; } = new();
}
