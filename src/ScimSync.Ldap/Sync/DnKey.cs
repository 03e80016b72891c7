// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;

namespace ScimSync.Ldap.Sync;

/// <summary>
/// A comparison key for distinguished names: attribute types and values lower-cased, hex pairs (<c>\2C</c>) and
/// backslash escapes (<c>\,</c>) decoded, spaces around <c>,</c>, <c>+</c> and <c>=</c> dropped, the parts of a
/// multi-valued RDN sorted. Two spellings of one DN get the same key (<c>uid=back\5Cslash</c> and
/// <c>UID=back\\slash</c>). Not a validator: a malformed DN still gets a key.
/// </summary>
internal static class DnKey
{
    public static string Normalize(string dn)
    {
        ArgumentNullException.ThrowIfNull(dn);
        var rdns = new List<string>();
        var parts = new List<string>();
        var type = new StringBuilder();
        var value = new StringBuilder();
        var bytes = new List<byte>();
        var inValue = false;
        var trailingSpaces = 0;

        void FlushBytes()
        {
            if (bytes.Count > 0)
            {
                value.Append(Encoding.UTF8.GetString([.. bytes]));
                bytes.Clear();
            }
        }

        void EndPart()
        {
            FlushBytes();
            var v = value.ToString(0, value.Length - trailingSpaces);
            parts.Add(type.ToString().Trim().ToLowerInvariant() + "=" + Escape(v.ToLowerInvariant()));
            type.Clear();
            value.Clear();
            inValue = false;
            trailingSpaces = 0;
        }

        void EndRdn()
        {
            EndPart();
            parts.Sort(StringComparer.Ordinal);
            rdns.Add(string.Join('+', parts));
            parts.Clear();
        }

        for (var i = 0; i < dn.Length; i++)
        {
            var c = dn[i];
            if (!inValue)
            {
                if (c == '=')
                {
                    inValue = true;
                }
                else if (c == ',' || c == ';')
                {
                    EndRdn();
                }
                else
                {
                    type.Append(c);
                }

                continue;
            }

            if (c == '\\' && i + 1 < dn.Length)
            {
                if (i + 2 < dn.Length && IsHex(dn[i + 1]) && IsHex(dn[i + 2]))
                {
                    bytes.Add(byte.Parse(dn.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                }
                else
                {
                    FlushBytes();
                    value.Append(dn[i + 1]);
                    i++;
                }

                trailingSpaces = 0;
                continue;
            }

            FlushBytes();
            if (c == ',' || c == ';')
            {
                EndRdn();
            }
            else if (c == '+')
            {
                EndPart();
            }
            else if (c == ' ' && value.Length == 0)
            {
                // A leading space that is not escaped is not part of the value.
            }
            else
            {
                value.Append(c);
                trailingSpaces = c == ' ' ? trailingSpaces + 1 : 0;
            }
        }

        if (type.Length > 0 || inValue || parts.Count > 0)
        {
            EndRdn();
        }

        return string.Join(',', rdns);
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny(",+=\\;") < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (c is ',' or '+' or '=' or '\\' or ';')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
