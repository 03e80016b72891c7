// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync;

/// <summary>
/// Switches for tolerating the non-standard request shapes that real identity providers send. Each switch is on in
/// <see cref="Lenient"/> (the default) and off in <see cref="Strict"/>.
/// </summary>
/// <remarks>
/// Turning a switch off makes ScimSync answer the non-standard shape with the SCIM error RFC 7644 prescribes,
/// which is what a conformance test of a strict client expects.
/// </remarks>
public sealed record ScimCompatibility
{
    /// <summary>Gets the default: every tolerance on.</summary>
    public static ScimCompatibility Lenient { get; } = new();

    /// <summary>Gets the standards-only behaviour: every tolerance off.</summary>
    public static ScimCompatibility Strict { get; } = new()
    {
        CaseInsensitivePatchOperations = false,
        BooleanStrings = false,
        MemberRemovalByValue = false,
        ManagerAsString = false,
        ReplaceCreatesFilteredValue = false,
        AttributePathsAsValueKeys = false,
        IgnoreUnchangedReadOnlyValues = false,
        RemoveUnmatchedValueSucceeds = false,
    };

    /// <summary>
    /// Gets a value indicating whether PATCH <c>op</c> names are matched ignoring case (Entra ID sends <c>Add</c>,
    /// <c>Replace</c>, <c>Remove</c>).
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool CaseInsensitivePatchOperations { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether the strings <c>"True"</c> and <c>"False"</c> (any case) are accepted where
    /// the schema says boolean (Entra ID sends <c>"active": "False"</c>).
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool BooleanStrings { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether a <c>remove</c> of a multi-valued attribute with a <c>value</c> list removes
    /// only the listed values (Entra ID removes group members as
    /// <c>{"op":"Remove","path":"members","value":[{"value":"id"}]}</c>). Under RFC 7644 the value is ignored and
    /// every member would be removed; strict mode rejects the request as <c>invalidValue</c> instead.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool MemberRemovalByValue { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether the Enterprise User <c>manager</c> may be sent as a bare id string
    /// (<c>"value": "id"</c>) or as an object without sub-attribute names, as Entra ID does, instead of the complex
    /// <c>{"value": "id"}</c>.
    /// </summary>
    /// <remarks>
    /// Applies to every singular complex attribute with a <c>value</c> sub-attribute (the Enterprise User
    /// <c>manager</c> is the one identity providers send). A <c>remove</c> that carries a value (<c>"id"</c>,
    /// <c>{"value":"id"}</c> or <c>[{"value":"id"}]</c>) removes the manager only while it is still that id, so a
    /// late removal of a former manager does not clear the new one. Strict mode rejects the bare string as
    /// <c>invalidValue</c> and ignores a value on <c>remove</c>.
    /// </remarks>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool ManagerAsString { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether a <c>replace</c> (or <c>add</c>) of a sub-attribute through a value filter
    /// that matches nothing creates the element. Entra ID sends
    /// <c>{"op":"Replace","path":"emails[type eq \"work\"].value","value":"x"}</c> to a user without a work email
    /// and expects <c>{"type":"work","value":"x"}</c> to be added.
    /// </summary>
    /// <remarks>
    /// Only filters made of <c>eq</c> comparisons joined by <c>and</c> qualify, because only they say what the new
    /// element holds. RFC 7644 §3.5.2.3 answers an unmatched filter with <c>noTarget</c>, which strict mode does.
    /// </remarks>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool ReplaceCreatesFilteredValue { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether the member names of a path-less <c>add</c> or <c>replace</c> value may be
    /// attribute paths (<c>"name.givenName"</c>, <c>"emails[type eq \"work\"].value"</c>,
    /// <c>"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"</c>), as Entra ID sends when
    /// it batches single-attribute updates into one operation.
    /// </summary>
    /// <remarks>
    /// RFC 7644 §3.5.2.1 expects plain attribute names (and extension objects keyed by URN) there; strict mode
    /// answers a path-like name with <c>invalidPath</c>.
    /// </remarks>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool AttributePathsAsValueKeys { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether a read-only attribute may appear in an <c>add</c> or <c>replace</c> when its
    /// value is unchanged. Okta renames a group with
    /// <c>{"op":"replace","value":{"id":"...","displayName":"..."}}</c>, repeating the group's own <c>id</c>.
    /// </summary>
    /// <remarks>
    /// RFC 7644 §3.5.2 forbids modifying a read-only attribute; an unchanged value modifies nothing, so this only
    /// relaxes the check for equal values. Strict mode answers any write to a read-only attribute with
    /// <c>mutability</c>.
    /// </remarks>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool IgnoreUnchangedReadOnlyValues { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether a <c>remove</c> whose value filter matches nothing succeeds without change
    /// (<c>members[value eq "id"]</c> for a member already gone), so identity providers that retry removals do not
    /// see a failure.
    /// </summary>
    /// <remarks>
    /// RFC 7644 §3.12 (table 9) defines <c>noTarget</c> for a path whose filter yields no match, which strict mode
    /// returns.
    /// </remarks>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool RemoveUnmatchedValueSucceeds { get; init; } = true;
}
