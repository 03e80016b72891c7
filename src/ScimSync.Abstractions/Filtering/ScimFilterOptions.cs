// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Filtering;

/// <summary>
/// Limits that protect a service provider from hostile or accidental oversized filters, and the one tolerance for
/// a non-standard filter shape that identity providers send.
/// </summary>
/// <remarks>
/// RFC 7644 §3.4.2.2 and §7 (security considerations). Exceeding any limit is reported as <c>invalidFilter</c>:
/// <c>tooMany</c> (RFC 7644 §3.12) is about the number of results a filter would yield, not about the filter's own
/// size, so it does not fit here.
/// </remarks>
public sealed class ScimFilterOptions
{
    /// <summary>Gets the shared default options. Do not change them; create a new instance instead.</summary>
    internal static ScimFilterOptions Default { get; } = new();

    /// <summary>Gets or sets the maximum length of the filter text, in characters.</summary>
    /// <value>Defaults to 16384.</value>
    public int MaxLength { get; set; } = 16384;

    /// <summary>
    /// Gets or sets the maximum nesting depth: each <c>( ... )</c>, <c>not ( ... )</c> and <c>[ ... ]</c> opens a level.
    /// Chains of <c>and</c>/<c>or</c> do not nest and do not count.
    /// </summary>
    /// <value>Defaults to 32.</value>
    public int MaxDepth { get; set; } = 32;

    /// <summary>
    /// Gets or sets the maximum number of attribute expressions (<c>attr op value</c> and <c>attr pr</c>), counting
    /// those inside value filters.
    /// </summary>
    /// <value>Defaults to 256.</value>
    public int MaxTerms { get; set; } = 256;

    /// <summary>
    /// Gets or sets a value indicating whether a comparison may follow a value filter through a sub-attribute, as
    /// Microsoft Entra ID sends when it matches users by work email: <c>emails[type eq "work"].value eq "x"</c>. It is
    /// read as <c>emails[type eq "work" and value eq "x"]</c>, which means the same.
    /// </summary>
    /// <remarks>
    /// The RFC 7644 §3.4.2.2 grammar allows a sub-attribute after <c>]</c> only in PATCH paths; with this off, such a
    /// filter is <c>invalidFilter</c>.
    /// </remarks>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool AllowSubAttributeAfterValueFilter { get; set; } = true;
}
