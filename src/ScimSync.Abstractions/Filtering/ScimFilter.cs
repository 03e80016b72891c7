// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;
using ScimSync.Errors;
using ScimSync.Filtering.Internal;

namespace ScimSync.Filtering;

/// <summary>Parses and formats SCIM filter expressions such as <c>userName eq "bjensen"</c>.</summary>
/// <remarks>
/// RFC 7644 §3.4.2.2. Attribute names, comparison operators and <c>and</c>/<c>or</c>/<c>not</c> are
/// case-insensitive; <c>and</c> binds tighter than <c>or</c> and both associate to the left. Comparison values are
/// JSON strings, numbers, <c>true</c>, <c>false</c> or <c>null</c>. Paths inside a value filter
/// (<c>emails[type eq "work"]</c>) are relative to the attribute before the bracket and cannot nest another one.
/// Spaces and tabs are accepted wherever the ABNF has a space, and around parentheses and brackets.
/// Every error is <c>invalidFilter</c> with the character offset of the problem.
/// </remarks>
public static class ScimFilter
{
    /// <summary>Parses a filter.</summary>
    /// <param name="text">The filter text, for example <c>emails[type eq "work" and value co "@example.com"]</c>.</param>
    /// <param name="options">Limits to enforce, or <see langword="null"/> for the defaults.</param>
    /// <returns>The filter tree.</returns>
    /// <remarks>RFC 7644 §3.4.2.2.</remarks>
    /// <exception cref="ScimException">The text is not a valid filter or exceeds a limit (<c>invalidFilter</c>).</exception>
    public static FilterNode Parse(string text, ScimFilterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return FilterParser.ParseFilter(text, options ?? ScimFilterOptions.Default, out var error) ??
               throw new ScimException(error!);
    }

    /// <summary>Parses a filter without throwing.</summary>
    /// <param name="text">The filter text.</param>
    /// <param name="filter">The filter tree, when the text is valid.</param>
    /// <param name="error">The <c>invalidFilter</c> error with its position, when it is not.</param>
    /// <param name="options">Limits to enforce, or <see langword="null"/> for the defaults.</param>
    /// <returns><see langword="true"/> when the text is a valid filter.</returns>
    /// <remarks>RFC 7644 §3.4.2.2.</remarks>
    public static bool TryParse(
        string text,
        [NotNullWhen(true)] out FilterNode? filter,
        [NotNullWhen(false)] out ScimError? error,
        ScimFilterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        filter = FilterParser.ParseFilter(text, options ?? ScimFilterOptions.Default, out error);
        if (filter is null)
        {
            error ??= ScimError.InvalidFilter("the filter is invalid", 0);
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>
    /// Formats a filter as canonical text: lower-case operators, JSON-escaped strings, <c>not (...)</c>, and only
    /// the parentheses needed to parse back to an equal tree.
    /// </summary>
    /// <param name="filter">The filter.</param>
    /// <returns>The filter text.</returns>
    /// <remarks>RFC 7644 §3.4.2.2. <see cref="FilterNode.ToString"/> returns the same text.</remarks>
    public static string Format(FilterNode filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return FilterFormatter.Format(filter);
    }
}
