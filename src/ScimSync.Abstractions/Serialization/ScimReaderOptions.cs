// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Serialization;

/// <summary>How a <see cref="ScimResourceReader"/> reads a resource.</summary>
/// <remarks>RFC 7643 §2 (attribute characteristics), §3 (resources).</remarks>
public enum ScimReadMode
{
    /// <summary>
    /// A client's <c>POST</c> body: read-only attributes (<c>id</c>, <c>meta</c>, <c>groups</c>, ...) are ignored and
    /// required attributes must be present.
    /// </summary>
    Create,

    /// <summary>A client's <c>PUT</c> body: handled like <see cref="Create"/>.</summary>
    Replace,

    /// <summary>
    /// Trusted data from a store: read-only attributes are kept and missing required attributes are not an error.
    /// Names, types and the <c>schemas</c> list are still checked and made canonical.
    /// </summary>
    Stored,
}

/// <summary>Options for <see cref="ScimResourceReader"/>.</summary>
/// <remarks>RFC 7643 §2.1 (case-insensitive names), §2.5 (unassigned values), RFC 7644 §3.12 (errors).</remarks>
public sealed class ScimReaderOptions
{
    /// <summary>Gets or sets the tolerances for non-standard shapes (boolean strings, a bare manager id).</summary>
    /// <value>Defaults to <see cref="ScimCompatibility.Lenient"/>.</value>
    public ScimCompatibility Compatibility { get; set; } = ScimCompatibility.Lenient;

    /// <summary>Gets or sets the maximum JSON nesting depth accepted when reading UTF-8 bytes.</summary>
    /// <value>Defaults to 32.</value>
    public int MaxDepth { get; set; } = 32;

    /// <summary>
    /// Gets or sets a value indicating whether attributes the schema does not define (in the core schema or inside a
    /// defined complex attribute) and extension objects whose URN is not registered for the resource type are
    /// rejected as <c>invalidValue</c> (strict) instead of being dropped.
    /// </summary>
    /// <remarks>
    /// Unknown attributes inside a registered extension are always kept: they are the host's custom attributes.
    /// </remarks>
    /// <value>Defaults to <see langword="false"/>: unknown attributes are dropped.</value>
    public bool RejectUnknownAttributes { get; set; }
}
