// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text;

namespace ScimSync.Internal;

/// <summary>
/// Checks that JSON text holds only text System.Text.Json can turn into strings. Its reader accepts invalid UTF-8
/// inside string literals and unpaired surrogate escapes (<c>"\ud800"</c>) and only fails, with an
/// <see cref="InvalidOperationException"/>, when the string is read; found by fuzzing (docs/security.md).
/// </summary>
internal static class JsonText
{
    // A backslash starts an escape; a byte from 0x80 up starts a multi-byte UTF-8 sequence (or is invalid).
    private static readonly SearchValues<byte> s_special = SearchValues.Create(
        [(byte)'\\', .. Enumerable.Range(0x80, 0x80).Select(b => (byte)b)]);

    /// <summary>Finds the first byte that is not valid UTF-8 or starts an unpaired surrogate escape.</summary>
    /// <param name="utf8Json">JSON text. Outside strings a backslash is a syntax error anyway, so escapes are
    /// recognised without tracking whether the scan is inside a string.</param>
    /// <returns>The byte offset, or -1 when the text is clean.</returns>
    public static int FindInvalidText(ReadOnlySpan<byte> utf8Json)
    {
        var offset = 0;
        while (offset < utf8Json.Length)
        {
            // Plain ASCII without escapes is most of any body: skip it with a vectorised search.
            var skip = utf8Json[offset..].IndexOfAny(s_special);
            if (skip < 0)
            {
                return -1;
            }

            offset += skip;
            var b = utf8Json[offset];
            if (b == (byte)'\\')
            {
                var escape = EscapeLength(utf8Json, offset);
                if (escape < 0)
                {
                    return offset;
                }

                offset += escape;
            }
            else
            {
                if (Rune.DecodeFromUtf8(utf8Json[offset..], out _, out var consumed) != OperationStatus.Done)
                {
                    return offset;
                }

                offset += consumed;
            }
        }

        return -1;
    }

    // The length of the escape at offset, or -1 when it is an unpaired surrogate. Malformed escapes are left to the
    // JSON reader, which reports them with their position.
    private static int EscapeLength(ReadOnlySpan<byte> text, int offset)
    {
        if (!TryReadUnicodeEscape(text, offset, out var unit))
        {
            return Math.Min(2, text.Length - offset);
        }

        if (char.IsLowSurrogate(unit))
        {
            return -1;
        }

        if (!char.IsHighSurrogate(unit))
        {
            return 6;
        }

        return TryReadUnicodeEscape(text, offset + 6, out var low) && char.IsLowSurrogate(low) ? 12 : -1;
    }

    private static bool TryReadUnicodeEscape(ReadOnlySpan<byte> text, int offset, out char unit)
    {
        unit = '\0';
        if (offset + 6 > text.Length || text[offset] != (byte)'\\' || text[offset + 1] != (byte)'u')
        {
            return false;
        }

        var value = 0;
        foreach (var digit in text.Slice(offset + 2, 4))
        {
            var nibble = digit switch
            {
                >= (byte)'0' and <= (byte)'9' => digit - '0',
                >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
                _ => -1,
            };
            if (nibble < 0)
            {
                return false;
            }

            value = (value << 4) | nibble;
        }

        unit = (char)value;
        return true;
    }
}
