// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Policies;

/// <summary>
/// Which incoming attributes feed the target's user name, email and display name, and which custom attributes the
/// operator declares. Bound per connection from configuration (<c>ScimSync:Connections:{name}:Policies:AttributeMapping</c>).
/// </summary>
/// <remarks>
/// A source left <see langword="null"/> uses its default: user name from <c>userName</c>; email from
/// <c>emails[primary eq true].value</c>, then <c>emails[type eq "work"].value</c>, then the first email; display name
/// from <c>displayName</c>, then <c>name.formatted</c>, then <c>{name.givenName} {name.familyName}</c>.
/// </remarks>
public sealed class AttributeMappingOptions
{
    /// <summary>The URN of the extension schema custom attributes are stored and returned in, unless the host sets one.</summary>
    public const string DefaultCustomSchema = "urn:scimsync:params:scim:schemas:extension:custom:2.0:User";

    /// <summary>Gets or sets the source of the target's user name.</summary>
    /// <value>Defaults to <see langword="null"/>: <c>userName</c>.</value>
    public AttributeSource? UserName { get; set; }

    /// <summary>Gets or sets the source of the target's email address.</summary>
    /// <value>Defaults to <see langword="null"/>: the primary email, then the work email, then the first email.</value>
    public AttributeSource? Email { get; set; }

    /// <summary>Gets or sets the source of the target's display name.</summary>
    /// <value>Defaults to <see langword="null"/>: <c>displayName</c>, then <c>name.formatted</c>, then given and family name.</value>
    public AttributeSource? DisplayName { get; set; }

    /// <summary>
    /// Gets the custom attributes, by name: each is computed from its source on every write, stored with the user
    /// in <see cref="CustomSchema"/>, returned on the user and usable in filters.
    /// </summary>
    /// <remarks>A name must be a SCIM attribute name: a letter, then letters, digits, <c>_</c> or <c>-</c>.</remarks>
    public IDictionary<string, AttributeSource> CustomAttributes { get; } = new Dictionary<string, AttributeSource>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the URN of the extension schema that holds <see cref="CustomAttributes"/>.</summary>
    /// <value>Defaults to <see cref="DefaultCustomSchema"/>.</value>
    public string CustomSchema { get; set; } = DefaultCustomSchema;

    /// <summary>
    /// Gets or sets the connection's precedence for every target attribute, when several connections write the same
    /// user (connections sharing a directory): the highest precedence with a value wins, a tie keeps the earlier value.
    /// </summary>
    /// <value>Defaults to 0.</value>
    public int Precedence { get; set; }

    /// <summary>
    /// Gets the connection's precedence for single target attributes, overriding <see cref="Precedence"/>, by name
    /// (ignoring case): <c>userName</c>, <c>email</c>, <c>displayName</c> or a name of <see cref="CustomAttributes"/>.
    /// </summary>
    /// <example><c>AttributePrecedence = { ["email"] = 10, ["department"] = 20 }</c></example>
    public IDictionary<string, int> AttributePrecedence { get; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets how long one regular expression of a transform may run before the value is dropped.</summary>
    /// <value>Defaults to 100 milliseconds.</value>
    public TimeSpan RegexTimeout { get; set; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>
/// Where one target attribute comes from: the first of <see cref="Paths"/> that gives a value (or
/// <see cref="Constant"/>), then <see cref="Transforms"/> in order.
/// </summary>
/// <example>
/// <code>
/// // the local part of userName, lower-cased
/// new AttributeSource { Paths = { "userName" }, Transforms = { AttributeTransform.LocalPart(), AttributeTransform.Lowercase() } }
/// </code>
/// </example>
public sealed class AttributeSource
{
    /// <summary>
    /// Gets the candidate sources, tried in order; the first that yields a non-empty string wins. Each is either a
    /// SCIM path, with an optional value filter and sub-attribute (<c>userName</c>,
    /// <c>emails[type eq "work"].value</c>,
    /// <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber</c>), or a template of paths in
    /// braces (<c>{name.givenName} {name.familyName}</c>), which yields a value when at least one of its paths does.
    /// </summary>
    /// <remarks>
    /// A path that selects several values (<c>emails.value</c>) yields the first. Booleans and numbers are turned
    /// into their JSON text.
    /// </remarks>
    public IList<string> Paths { get; } = [];

    /// <summary>Gets or sets a fixed value used when no path yields one (or alone, with no paths).</summary>
    public string? Constant { get; set; }

    /// <summary>Gets the transforms applied, in order, to the value found.</summary>
    public IList<AttributeTransform> Transforms { get; } = [];
}

/// <summary>What a transform does to a value.</summary>
public enum AttributeTransformKind
{
    /// <summary>Lower-cases the value (invariant culture).</summary>
    Lowercase,

    /// <summary>Upper-cases the value (invariant culture).</summary>
    Uppercase,

    /// <summary>Removes leading and trailing white space.</summary>
    Trim,

    /// <summary>Keeps the part before the last <c>@</c> (<c>jdoe@example.com</c> becomes <c>jdoe</c>).</summary>
    LocalPart,

    /// <summary>
    /// Replaces matches of <see cref="AttributeTransform.Pattern"/> with <see cref="AttributeTransform.Replacement"/>
    /// (.NET regular expression syntax, <c>$1</c> for groups), with a match timeout.
    /// </summary>
    RegexReplace,
}

/// <summary>One step that changes a mapped value.</summary>
public sealed class AttributeTransform
{
    /// <summary>Gets or sets what the transform does.</summary>
    public AttributeTransformKind Kind { get; set; }

    /// <summary>Gets or sets the regular expression of a <see cref="AttributeTransformKind.RegexReplace"/>.</summary>
    public string? Pattern { get; set; }

    /// <summary>Gets or sets the replacement of a <see cref="AttributeTransformKind.RegexReplace"/>.</summary>
    public string? Replacement { get; set; }

    /// <summary>Creates a lower-casing transform.</summary>
    /// <returns>The transform.</returns>
    public static AttributeTransform Lowercase() => new() { Kind = AttributeTransformKind.Lowercase };

    /// <summary>Creates an upper-casing transform.</summary>
    /// <returns>The transform.</returns>
    public static AttributeTransform Uppercase() => new() { Kind = AttributeTransformKind.Uppercase };

    /// <summary>Creates a transform that trims white space.</summary>
    /// <returns>The transform.</returns>
    public static AttributeTransform Trim() => new() { Kind = AttributeTransformKind.Trim };

    /// <summary>Creates a transform that keeps the part before the last <c>@</c>.</summary>
    /// <returns>The transform.</returns>
    public static AttributeTransform LocalPart() => new() { Kind = AttributeTransformKind.LocalPart };

    /// <summary>Creates a regular-expression replacement.</summary>
    /// <param name="pattern">The .NET regular expression.</param>
    /// <param name="replacement">The replacement (<c>$1</c> for the first group).</param>
    /// <returns>The transform.</returns>
    public static AttributeTransform RegexReplace(string pattern, string replacement) =>
        new() { Kind = AttributeTransformKind.RegexReplace, Pattern = pattern, Replacement = replacement };
}
