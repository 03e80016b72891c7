// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;

namespace ScimSync.Ldap.Internal;

/// <summary>
/// The range option of an attribute description in Active Directory's ranged retrieval: the server answers a request for
/// <c>member</c> with <c>member;range=0-1499</c>, and the last chunk with <c>member;range=1500-*</c>.
/// </summary>
/// <param name="BaseName">The attribute description without the range option, for example <c>member</c>.</param>
/// <param name="Start">The index of the first value in this chunk.</param>
/// <param name="End">The index of the last value in this chunk, or <see langword="null"/> for <c>*</c> (the last chunk).</param>
internal readonly record struct LdapAttributeRange(string BaseName, int Start, int? End)
{
    /// <summary>Gets a value indicating whether this is the last chunk.</summary>
    public bool IsLast => End is null;

    /// <summary>Gets the attribute description to request the chunk after this one (<c>member;range=1500-*</c>).</summary>
    public string NextRequest => string.Create(CultureInfo.InvariantCulture, $"{BaseName};range={End + 1}-*");

    /// <summary>Parses the range option out of an attribute description.</summary>
    /// <param name="attributeDescription">The description the server returned, for example <c>member;range=0-1499</c>.</param>
    /// <param name="range">The range, when the description has a well-formed one.</param>
    /// <returns>Whether the description has a well-formed range option.</returns>
    public static bool TryParse(string attributeDescription, out LdapAttributeRange range)
    {
        range = default;
        var parts = attributeDescription.Split(';');
        var rangeIndex = Array.FindIndex(parts, p => p.StartsWith("range=", StringComparison.OrdinalIgnoreCase));
        if (rangeIndex <= 0 || parts[0].Length == 0 || Array.FindLastIndex(parts, p => p.StartsWith("range=", StringComparison.OrdinalIgnoreCase)) != rangeIndex)
        {
            return false;
        }

        var bounds = parts[rangeIndex]["range=".Length..];
        var dash = bounds.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !TryParseIndex(bounds[..dash], out var start))
        {
            return false;
        }

        var endText = bounds[(dash + 1)..];
        int? end = null;
        if (endText != "*")
        {
            if (!TryParseIndex(endText, out var last) || last < start)
            {
                return false;
            }

            end = last;
        }

        var baseName = string.Join(';', parts.Where((_, i) => i != rangeIndex));
        range = new LdapAttributeRange(baseName, start, end);
        return true;
    }

    /// <summary>Tells whether an attribute description names the attribute <paramref name="baseName"/> with a range option.</summary>
    /// <param name="attributeDescription">The description the server returned.</param>
    /// <param name="baseName">The attribute asked for.</param>
    /// <param name="range">The range, when it matches.</param>
    /// <returns>Whether it matches.</returns>
    public static bool TryParseFor(string attributeDescription, string baseName, out LdapAttributeRange range) =>
        TryParse(attributeDescription, out range) && string.Equals(range.BaseName, baseName, StringComparison.OrdinalIgnoreCase);

    private static bool TryParseIndex(string text, out int value)
    {
        value = 0;
        return text.Length > 0 && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
