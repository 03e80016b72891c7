// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Server;

/// <summary>Settings of the <c>/Bulk</c> endpoint (<see cref="ScimServerOptions.Bulk"/>).</summary>
/// <remarks>RFC 7644 §3.7. Advertised as <c>bulk</c> in <c>/ServiceProviderConfig</c> (RFC 7643 §5).</remarks>
public sealed class ScimBulkOptions
{
    /// <summary>Gets or sets a value indicating whether <c>POST /Bulk</c> is served; when not, it answers 501.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the most operations one bulk request may hold; a request with more is refused with 413 before any
    /// operation runs. Advertised as <c>bulk.maxOperations</c>.
    /// </summary>
    /// <remarks>RFC 7644 §3.7.4.</remarks>
    /// <value>Defaults to 1000.</value>
    public int MaxOperations { get; set; } = 1000;

    /// <summary>
    /// Gets or sets the largest bulk request body, in bytes; a larger one is refused with 413 before any operation
    /// runs. It replaces <see cref="ScimServerOptions.MaxRequestBodySize"/> for <c>/Bulk</c>. Advertised as
    /// <c>bulk.maxPayloadSize</c>.
    /// </summary>
    /// <remarks>RFC 7644 §3.7.4.</remarks>
    /// <value>Defaults to 1 MiB.</value>
    public int MaxPayloadSize { get; set; } = 1024 * 1024;
}
