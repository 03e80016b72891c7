// Copyright (c) ScimSync contributors. Licensed under the MIT License.

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
