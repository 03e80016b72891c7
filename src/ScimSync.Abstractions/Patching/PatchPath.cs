// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;
using System.Text;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Filtering.Internal;

namespace ScimSync.Patching;

/// <summary>
/// The target of a PATCH operation: an attribute path, optionally with a value filter that selects elements of a
/// multi-valued attribute. <c>emails[type eq "work"].value</c> is <see cref="Attribute"/> <c>emails.value</c> with
/// <see cref="ValueFilter"/> <c>type eq "work"</c>; <c>members[value eq "x"]</c> is <c>members</c> with a filter;
/// <c>name.familyName</c> has no filter.
/// </summary>
/// <remarks>
/// RFC 7644 §3.5.2: <c>PATH = attrPath / valuePath [subAttr]</c>. The paths inside <see cref="ValueFilter"/> are
/// relative to the attribute; evaluate them with <see cref="ScimFilterEvaluator.MatchesValue"/>.
/// </remarks>
/// <param name="Attribute">
/// The attribute; its <see cref="AttributePath.SubAttributeName"/> is the one after <c>]</c> when there is a filter.
/// </param>
/// <param name="ValueFilter">The filter inside the brackets, or <see langword="null"/>.</param>
public sealed record PatchPath(AttributePath Attribute, FilterNode? ValueFilter)
{
    /// <summary>Parses a PATCH path.</summary>
    /// <param name="text">The path, for example <c>emails[type eq "work"].value</c>.</param>
    /// <returns>The path.</returns>
    /// <remarks>RFC 7644 §3.5.2.</remarks>
    /// <exception cref="ScimException">The text is not a valid path (<c>invalidPath</c>, also for a bad filter).</exception>
    public static PatchPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return FilterParser.ParsePatchPath(text, out var error) ?? throw new ScimException(error!);
    }

    /// <summary>Parses a PATCH path without throwing.</summary>
    /// <param name="text">The path text.</param>
    /// <param name="path">The path, when the text is valid.</param>
    /// <param name="error">The <c>invalidPath</c> error with its position, when it is not.</param>
    /// <returns><see langword="true"/> when the text is a valid path.</returns>
    /// <remarks>RFC 7644 §3.5.2.</remarks>
    public static bool TryParse(
        string text,
        [NotNullWhen(true)] out PatchPath? path,
        [NotNullWhen(false)] out ScimError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        path = FilterParser.ParsePatchPath(text, out error);
        if (path is null)
        {
            error ??= ScimError.InvalidPath("the path is invalid", 0);
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Formats the path as SCIM text, for example <c>emails[type eq "work"].value</c>.</summary>
    /// <returns>The path text.</returns>
    public override string ToString()
    {
        if (ValueFilter is null)
        {
            return Attribute.ToString();
        }

        var builder = new StringBuilder();
        FilterFormatter.WritePath(builder, Attribute.Parent);
        builder.Append('[');
        FilterFormatter.Write(builder, ValueFilter);
        builder.Append(']');
        if (Attribute.SubAttributeName is not null)
        {
            builder.Append('.').Append(Attribute.SubAttributeName);
        }

        return builder.ToString();
    }
}
