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
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool ManagerAsString { get; init; } = true;
}
