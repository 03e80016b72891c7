// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Patching;

/// <summary>Settings for parsing and applying SCIM PATCH requests.</summary>
/// <remarks>RFC 7644 §3.5.2.</remarks>
public sealed class ScimPatchOptions
{
    /// <summary>Gets the shared default options. Do not change them; create a new instance instead.</summary>
    internal static ScimPatchOptions Default { get; } = new();

    /// <summary>Gets or sets which non-standard identity-provider request shapes are tolerated.</summary>
    /// <value>Defaults to <see cref="ScimCompatibility.Lenient"/>.</value>
    public ScimCompatibility Compatibility { get; set; } = ScimCompatibility.Lenient;

    /// <summary>
    /// Gets or sets the most operations one request may carry; more are answered with <c>tooMany</c>.
    /// </summary>
    /// <remarks>RFC 7644 §3.12 (<c>tooMany</c>). Entra ID and Okta send one operation per changed attribute.</remarks>
    /// <value>Defaults to 1000.</value>
    public int MaxOperations { get; set; } = 1000;
}
