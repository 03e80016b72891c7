// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;

namespace ScimSync.Filtering.Internal;

/// <summary>
/// Parses the <c>xsd:dateTime</c> (RFC 3339) values that filters compare: <c>yyyy-MM-dd'T'HH:mm:ss[.fffffff]K</c>,
/// with an unqualified time taken as UTC.
/// </summary>
/// <remarks>
/// <see cref="DateTimeOffset.TryParseExact(ReadOnlySpan{char}, string[], IFormatProvider, DateTimeStyles, out DateTimeOffset)"/>
/// defines the accepted language; it costs about a microsecond per call, and evaluating a dateTime comparison
/// parses every resource value, so the shape servers actually store (<c>Z</c> or <c>±hh:mm</c>, in-range fields) is
/// decoded directly and anything else falls back to it.
/// </remarks>
internal static class FilterDateTime
{
    private static readonly string[] s_formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset instant) =>
        TryParseFast(text, out instant) || TryParseExact(text, out instant);

    public static bool TryParseExact(ReadOnlySpan<char> text, out DateTimeOffset instant) =>
        DateTimeOffset.TryParseExact(text, s_formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant);

    // Only accepts text that TryParseExact accepts with the same result; returns false for anything else, including
    // text TryParseExact would accept, so the caller falls back to it.
    internal static bool TryParseFast(ReadOnlySpan<char> s, out DateTimeOffset instant)
    {
        instant = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!TryDigits(s, 0, 4, out var year) || !TryDigits(s, 5, 2, out var month) || !TryDigits(s, 8, 2, out var day) ||
            !TryDigits(s, 11, 2, out var hour) || !TryDigits(s, 14, 2, out var minute) ||
            !TryDigits(s, 17, 2, out var second))
        {
            return false;
        }

        // Years at the edges could overflow once the offset is applied; leave them to the exact parser.
        if (year is < 2 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var i = 19;
        long fraction = 0;
        if (s[i] == '.')
        {
            var start = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (i - start == 7)
                {
                    return false;
                }

                fraction = (fraction * 10) + (s[i] - '0');
                i++;
            }

            var digits = i - start;
            if (digits == 0)
            {
                return false;
            }

            for (var d = digits; d < 7; d++)
            {
                fraction *= 10;
            }
        }

        TimeSpan offset;
        var rest = s[i..];
        if (rest is ['Z'])
        {
            offset = TimeSpan.Zero;
        }
        else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':' &&
                 TryDigits(rest, 1, 2, out var offsetHours) && TryDigits(rest, 4, 2, out var offsetMinutes) &&
                 offsetMinutes <= 59 && (offsetHours < 14 || (offsetHours == 14 && offsetMinutes == 0)))
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (rest[0] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fraction);
        instant = new DateTimeOffset(local, offset);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = s[i] - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }
}
