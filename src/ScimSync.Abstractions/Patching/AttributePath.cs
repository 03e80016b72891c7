// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;
using ScimSync.Errors;
using ScimSync.Filtering.Internal;

namespace ScimSync.Patching;

/// <summary>
/// An attribute path: an optional schema URN, an attribute name and an optional sub-attribute name
/// (<c>userName</c>, <c>name.givenName</c>,
/// <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value</c>).
/// </summary>
/// <remarks>
/// RFC 7644 §3.10 and the <c>attrPath</c> rule of §3.4.2.2. Used by filters, PATCH paths, <c>attributes</c>,
/// <c>excludedAttributes</c> and <c>sortBy</c>. Names keep the case they were written in; SCIM compares them
/// case-insensitively, which <see cref="Matches"/> does.
/// </remarks>
/// <param name="SchemaUri">The schema URN prefix, or <see langword="null"/> for an unqualified path.</param>
/// <param name="AttributeName">The top-level attribute name.</param>
/// <param name="SubAttributeName">The sub-attribute name, or <see langword="null"/>.</param>
public sealed record AttributePath(string? SchemaUri, string AttributeName, string? SubAttributeName = null)
{
    /// <summary>Parses an attribute path such as <c>name.familyName</c> or <c>urn:...:2.0:User:manager.value</c>.</summary>
    /// <param name="text">The path text. Leading and trailing spaces are ignored.</param>
    /// <returns>The path.</returns>
    /// <remarks>
    /// RFC 7644 §3.10 (<c>attrPath</c> of §3.4.2.2); also the form of <c>sortBy</c> (§3.4.2.3). The schema URN is
    /// everything before the last ':', since URNs contain dots (<c>2.0</c>). Names may contain <c>$</c> (<c>$ref</c>).
    /// </remarks>
    /// <exception cref="ScimException">The text is not an attribute path (<c>invalidPath</c>).</exception>
    public static AttributePath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return FilterParser.ParseAttributePath(text, out var error) ?? throw new ScimException(error!);
    }

    /// <summary>Parses an attribute path without throwing.</summary>
    /// <param name="text">The path text.</param>
    /// <param name="path">The path, when the text is valid.</param>
    /// <param name="error">The <c>invalidPath</c> error with its position, when it is not.</param>
    /// <returns><see langword="true"/> when the text is an attribute path.</returns>
    /// <remarks>RFC 7644 §3.10.</remarks>
    public static bool TryParse(
        string text,
        [NotNullWhen(true)] out AttributePath? path,
        [NotNullWhen(false)] out ScimError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        path = FilterParser.ParseAttributePath(text, out error);
        if (path is null)
        {
            error ??= ScimError.InvalidPath("the attribute path is invalid", 0);
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>
    /// Parses a comma-separated list of attribute paths, as in the <c>attributes</c> and <c>excludedAttributes</c>
    /// query parameters. Spaces around the commas are ignored; an empty text gives an empty list.
    /// </summary>
    /// <param name="commaSeparated">The list, for example <c>userName, name.familyName,emails</c>.</param>
    /// <returns>The paths, in order.</returns>
    /// <remarks>RFC 7644 §3.4.2.5 and §3.9.</remarks>
    /// <exception cref="ScimException">An entry is not an attribute path (<c>invalidPath</c>).</exception>
    public static IReadOnlyList<AttributePath> ParseList(string commaSeparated)
    {
        ArgumentNullException.ThrowIfNull(commaSeparated);
        return FilterParser.ParseAttributePathList(commaSeparated, out var error) ?? throw new ScimException(error!);
    }

    /// <summary>Parses a comma-separated list of attribute paths without throwing.</summary>
    /// <param name="commaSeparated">The list.</param>
    /// <param name="paths">The paths, when every entry is valid.</param>
    /// <param name="error">The <c>invalidPath</c> error with its position, when one is not.</param>
    /// <returns><see langword="true"/> when every entry is an attribute path.</returns>
    /// <remarks>RFC 7644 §3.4.2.5 and §3.9.</remarks>
    public static bool TryParseList(
        string commaSeparated,
        [NotNullWhen(true)] out IReadOnlyList<AttributePath>? paths,
        [NotNullWhen(false)] out ScimError? error)
    {
        ArgumentNullException.ThrowIfNull(commaSeparated);
        paths = FilterParser.ParseAttributePathList(commaSeparated, out error);
        if (paths is null)
        {
            error ??= ScimError.InvalidPath("the attribute list is invalid", 0);
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Returns whether this path names the same attribute as <paramref name="other"/>, ignoring case.</summary>
    /// <param name="other">The other path.</param>
    /// <returns><see langword="true"/> when schema, attribute and sub-attribute all match.</returns>
    public bool Matches(AttributePath other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(SchemaUri, other.SchemaUri, StringComparison.OrdinalIgnoreCase) &&
               string.Equals(AttributeName, other.AttributeName, StringComparison.OrdinalIgnoreCase) &&
               string.Equals(SubAttributeName, other.SubAttributeName, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Gets this path without its sub-attribute.</summary>
    public AttributePath Parent => SubAttributeName is null ? this : this with { SubAttributeName = null };

    /// <summary>Formats the path as SCIM text, for example <c>urn:...:User:manager.value</c>.</summary>
    /// <returns>The path text.</returns>
    public override string ToString()
    {
        var name = SubAttributeName is null ? AttributeName : string.Concat(AttributeName, ".", SubAttributeName);
        return SchemaUri is null ? name : string.Concat(SchemaUri, ":", name);
    }
}
