// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text;
using CsCheck;
using ScimSync.Internal;

namespace ScimSync.Abstractions.Tests.Robustness;

/// <summary>The invalid-text scan every JSON body goes through: examples, and agreement with a byte-by-byte reference.</summary>
public sealed class JsonTextTests
{
    private static readonly byte[] s_escapeParts = "ud8cf0"u8.ToArray();

    private static readonly Gen<byte> s_byte = Gen.Frequency(
        (6, Gen.Byte[0x20, 0x7E]),
        (2, Gen.Const((byte)'\\')),
        (2, Gen.Byte[0x80, 0xFF]),
        (1, Gen.Int[0, 5].Select(i => s_escapeParts[i])));

    [Theory]
    [InlineData("{\"a\":\"plain\"}", -1)]
    [InlineData("{\"a\":\"caf\u00e9 \u6f22 \U0001F600\"}", -1)]
    [InlineData("{\"a\":\"\\ud83d\\ude00\"}", -1)]
    [InlineData("{\"a\":\"\\\\ud800\"}", -1)]
    [InlineData("{\"a\":\"\\ud800\"}", 6)]
    [InlineData("{\"a\":\"\\udc00x\"}", 6)]
    [InlineData("{\"a\":\"\\ud800\\u0041\"}", 6)]
    public void FindInvalidText_Examples(string json, int expected) =>
        Assert.Equal(expected, JsonText.FindInvalidText(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void FindInvalidText_InvalidUtf8Byte_IsFoundAtItsOffset()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('a', 100) + "@" + new string('b', 100));
        bytes[100] = 0xFF;

        Assert.Equal(100, JsonText.FindInvalidText(bytes));
    }

    [Fact]
    public void FindInvalidText_AgreesWithTheByteByByteReference() =>
        s_byte.Array[0, 200].Sample(bytes => JsonText.FindInvalidText(bytes) == Reference(bytes), iter: 20_000);

    // The scan as first written (one byte at a time), kept as the reference for the vectorised one.
    private static int Reference(ReadOnlySpan<byte> text)
    {
        var offset = 0;
        while (offset < text.Length)
        {
            var b = text[offset];
            if (b == (byte)'\\')
            {
                var length = EscapeLength(text, offset);
                if (length < 0)
                {
                    return offset;
                }

                offset += length;
            }
            else if (b < 0x80)
            {
                offset++;
            }
            else
            {
                if (Rune.DecodeFromUtf8(text[offset..], out _, out var consumed) != OperationStatus.Done)
                {
                    return offset;
                }

                offset += consumed;
            }
        }

        return -1;
    }

    private static int EscapeLength(ReadOnlySpan<byte> text, int offset)
    {
        if (!TryEscape(text, offset, out var unit))
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

        return TryEscape(text, offset + 6, out var low) && char.IsLowSurrogate(low) ? 12 : -1;
    }

    private static bool TryEscape(ReadOnlySpan<byte> text, int offset, out char unit)
    {
        unit = '\0';
        if (offset + 6 > text.Length || text[offset] != (byte)'\\' || text[offset + 1] != (byte)'u')
        {
            return false;
        }

        var hex = Encoding.ASCII.GetString(text.Slice(offset + 2, 4));
        if (!ushort.TryParse(hex, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        unit = (char)value;
        return true;
    }
}
