// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace ScimSync.Ldap;

/// <summary>
/// A parsed LDAP distinguished name (RFC 4514), immutable. Servers spell the same DN in different ways (OpenLDAP
/// returns <c>uid=back\5Cslash</c> for <c>uid=back\\slash</c>, attribute types vary in case), so compare DNs with this
/// type rather than as strings.
/// </summary>
/// <remarks>
/// Equality compares attribute types case-insensitively and values case-insensitively after unescaping, RDN by RDN; the
/// attribute-value pairs of a multi-valued RDN compare in any order. Values ignore case because the naming attributes
/// used by Active Directory and OpenLDAP (<c>cn</c>, <c>uid</c>, <c>ou</c>, <c>dc</c>, ...) have case-insensitive
/// matching rules; whitespace inside values is compared as is.
/// </remarks>
public sealed class LdapDistinguishedName : IEquatable<LdapDistinguishedName>
{
    private const string Special = "\"+,;<>\\";

    private LdapDistinguishedName(IReadOnlyList<LdapRelativeDistinguishedName> rdns) => Rdns = rdns;

    /// <summary>Gets the empty DN (the root DSE).</summary>
    public static LdapDistinguishedName Empty { get; } = new([]);

    /// <summary>Gets the RDNs, the entry's own first (leftmost) and the root-most last.</summary>
    public IReadOnlyList<LdapRelativeDistinguishedName> Rdns { get; }

    /// <summary>Gets the DN of the parent entry (this DN without its first RDN), or <see langword="null"/> for the empty DN.</summary>
    public LdapDistinguishedName? Parent => Rdns.Count == 0 ? null : new LdapDistinguishedName([.. Rdns.Skip(1)]);

    /// <summary>Compares two DNs as <see cref="Equals(LdapDistinguishedName?)"/> does.</summary>
    /// <param name="left">The first DN.</param>
    /// <param name="right">The second DN.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(LdapDistinguishedName? left, LdapDistinguishedName? right) =>
        left is null ? right is null : left.Equals(right);

    /// <summary>Compares two DNs as <see cref="Equals(LdapDistinguishedName?)"/> does.</summary>
    /// <param name="left">The first DN.</param>
    /// <param name="right">The second DN.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(LdapDistinguishedName? left, LdapDistinguishedName? right) => !(left == right);

    /// <summary>Parses an RFC 4514 DN string.</summary>
    /// <param name="value">The DN, for example <c>cn=Sales &amp; Marketing\2C EMEA,ou=groups,dc=example,dc=org</c>.</param>
    /// <returns>The DN.</returns>
    /// <exception cref="FormatException"><paramref name="value"/> is not a valid DN.</exception>
    public static LdapDistinguishedName Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var dn, out var error) ? dn : throw new FormatException($"Invalid distinguished name: {error}.");
    }

    /// <summary>Parses an RFC 4514 DN string, without throwing.</summary>
    /// <param name="value">The DN.</param>
    /// <param name="result">The DN when the string is valid.</param>
    /// <returns>Whether the string is a valid DN.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out LdapDistinguishedName? result) =>
        TryParse(value, out result, out _);

    /// <summary>
    /// Escapes an attribute value for a DN string (RFC 4514 §2.4): <c>"</c> <c>+</c> <c>,</c> <c>;</c> <c>&lt;</c>
    /// <c>&gt;</c> <c>\</c> get a backslash, as do a leading space or <c>#</c> and a trailing space; NUL becomes <c>\00</c>.
    /// </summary>
    /// <param name="value">The raw value.</param>
    /// <returns>The escaped value.</returns>
    public static string EscapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 4);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                builder.Append(@"\00");
            }
            else if (Special.Contains(c, StringComparison.Ordinal)
                || (i == 0 && (c == ' ' || c == '#'))
                || (i == value.Length - 1 && c == ' '))
            {
                builder.Append('\\').Append(c);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Tells whether this DN is <paramref name="ancestor"/> or lies below it.</summary>
    /// <param name="ancestor">The possible ancestor, for example a search base.</param>
    /// <returns>Whether this DN ends with every RDN of <paramref name="ancestor"/>.</returns>
    public bool IsWithin(LdapDistinguishedName ancestor)
    {
        ArgumentNullException.ThrowIfNull(ancestor);
        var offset = Rdns.Count - ancestor.Rdns.Count;
        if (offset < 0)
        {
            return false;
        }

        for (var i = 0; i < ancestor.Rdns.Count; i++)
        {
            if (!Rdns[offset + i].Equals(ancestor.Rdns[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Compares attribute types and values case-insensitively, after unescaping.</summary>
    /// <param name="other">The other DN.</param>
    /// <returns>Whether the DNs name the same entry.</returns>
    public bool Equals(LdapDistinguishedName? other)
    {
        if (other is null || other.Rdns.Count != Rdns.Count)
        {
            return false;
        }

        for (var i = 0; i < Rdns.Count; i++)
        {
            if (!Rdns[i].Equals(other.Rdns[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as LdapDistinguishedName);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var rdn in Rdns)
        {
            hash.Add(rdn);
        }

        return hash.ToHashCode();
    }

    /// <summary>Writes the DN as an RFC 4514 string, escaping values with <see cref="EscapeValue"/>.</summary>
    /// <returns>The DN string.</returns>
    public override string ToString() => string.Join(",", Rdns);

    private static bool TryParse(string? value, [NotNullWhen(true)] out LdapDistinguishedName? result, out string error)
    {
        result = null;
        if (value is null)
        {
            error = "null";
            return false;
        }

        var parser = new Parser(value);
        if (!parser.Parse(out var rdns, out error))
        {
            return false;
        }

        result = rdns.Count == 0 ? Empty : new LdapDistinguishedName(rdns);
        return true;
    }

    private ref struct Parser(string text)
    {
        private readonly string text = text;
        private int position;

        public bool Parse(out List<LdapRelativeDistinguishedName> rdns, out string error)
        {
            rdns = [];
            SkipSpaces();
            if (position == text.Length)
            {
                error = string.Empty;
                return true;
            }

            var components = new List<LdapAttributeTypeAndValue>();
            while (true)
            {
                if (!ParseAttributeTypeAndValue(out var component, out error))
                {
                    return false;
                }

                components.Add(component);
                SkipSpaces();
                if (position == text.Length)
                {
                    rdns.Add(new LdapRelativeDistinguishedName([.. components]));
                    return true;
                }

                var separator = text[position++];
                if (separator == ',')
                {
                    rdns.Add(new LdapRelativeDistinguishedName([.. components]));
                    components.Clear();
                }
                else if (separator != '+')
                {
                    error = $"unexpected '{separator}' at position {position - 1}";
                    return false;
                }

                SkipSpaces();
            }
        }

        private bool ParseAttributeTypeAndValue([NotNullWhen(true)] out LdapAttributeTypeAndValue? component, out string error)
        {
            component = null;
            var start = position;
            while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] is '-' or '.'))
            {
                position++;
            }

            var type = text[start..position];
            if (!IsValidType(type))
            {
                error = $"invalid attribute type at position {start}";
                return false;
            }

            SkipSpaces();
            if (position == text.Length || text[position] != '=')
            {
                error = $"expected '=' after the attribute type at position {position}";
                return false;
            }

            position++;
            SkipSpaces();
            if (position < text.Length && text[position] == '#')
            {
                return ParseHexString(type, out component, out error);
            }

            return ParseString(type, out component, out error);
        }

        private bool ParseHexString(string type, [NotNullWhen(true)] out LdapAttributeTypeAndValue? component, out string error)
        {
            component = null;
            var start = position++;
            while (position < text.Length && char.IsAsciiHexDigit(text[position]))
            {
                position++;
            }

            var digits = position - start - 1;
            if (digits == 0 || digits % 2 != 0)
            {
                error = $"invalid hex-string value at position {start}";
                return false;
            }

            component = new LdapAttributeTypeAndValue(type, text[start..position].ToLowerInvariant(), isHexString: true);
            error = string.Empty;
            return true;
        }

        private bool ParseString(string type, [NotNullWhen(true)] out LdapAttributeTypeAndValue? component, out string error)
        {
            component = null;
            var value = new StringBuilder();
            var bytes = new List<byte>();
            var significantLength = 0; // length of value up to its last escaped or non-space character
            while (position < text.Length)
            {
                var c = text[position];
                if (c is ',' or '+')
                {
                    break;
                }

                if (c == '\\')
                {
                    if (position + 1 >= text.Length)
                    {
                        error = $"dangling '\\' at position {position}";
                        return false;
                    }

                    var next = text[position + 1];
                    if (char.IsAsciiHexDigit(next))
                    {
                        if (position + 2 >= text.Length || !char.IsAsciiHexDigit(text[position + 2]))
                        {
                            error = $"invalid hex escape at position {position}";
                            return false;
                        }

                        bytes.Add(byte.Parse(text.AsSpan(position + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        position += 3;
                        continue;
                    }

                    if (!FlushBytes(bytes, value, ref significantLength, out error))
                    {
                        return false;
                    }

                    if (!"\"+,;<>\\ #=".Contains(next, StringComparison.Ordinal))
                    {
                        error = $"invalid escape '\\{next}' at position {position}";
                        return false;
                    }

                    value.Append(next);
                    significantLength = value.Length;
                    position += 2;
                    continue;
                }

                if (!FlushBytes(bytes, value, ref significantLength, out error))
                {
                    return false;
                }

                if (c is '"' or ';' or '<' or '>' or '\0')
                {
                    error = $"unescaped '{c}' at position {position}";
                    return false;
                }

                value.Append(c);
                if (c != ' ')
                {
                    significantLength = value.Length;
                }

                position++;
            }

            if (!FlushBytes(bytes, value, ref significantLength, out error))
            {
                return false;
            }

            value.Length = significantLength; // unescaped spaces before a separator are not part of the value

            component = new LdapAttributeTypeAndValue(type, value.ToString(), isHexString: false);
            return true;
        }

        private static bool FlushBytes(List<byte> bytes, StringBuilder value, ref int significantLength, out string error)
        {
            error = string.Empty;
            if (bytes.Count == 0)
            {
                return true;
            }

            try
            {
                value.Append(new UTF8Encoding(false, true).GetString([.. bytes]));
            }
            catch (DecoderFallbackException)
            {
                error = "hex escapes that are not UTF-8";
                return false;
            }

            bytes.Clear();
            significantLength = value.Length; // escaped characters, spaces included, are significant
            return true;
        }

        private static bool IsValidType(string type)
        {
            if (type.Length == 0)
            {
                return false;
            }

            if (char.IsAsciiLetter(type[0]))
            {
                return type.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
            }

            // numericoid: number *( DOT number ), number = DIGIT / LDIGIT 1*DIGIT
            foreach (var part in type.Split('.'))
            {
                if (part.Length == 0 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0'))
                {
                    return false;
                }
            }

            return true;
        }

        private void SkipSpaces()
        {
            while (position < text.Length && text[position] == ' ')
            {
                position++;
            }
        }
    }
}

/// <summary>One RDN of a <see cref="LdapDistinguishedName"/>: one or more attribute-value pairs (<c>cn=a+uid=b</c>).</summary>
public sealed class LdapRelativeDistinguishedName : IEquatable<LdapRelativeDistinguishedName>
{
    internal LdapRelativeDistinguishedName(IReadOnlyList<LdapAttributeTypeAndValue> components) => Components = components;

    /// <summary>Gets the attribute-value pairs, in the order written (at least one).</summary>
    public IReadOnlyList<LdapAttributeTypeAndValue> Components { get; }

    /// <summary>Gets the attribute type of the first pair, for example <c>cn</c>.</summary>
    public string Type => Components[0].Type;

    /// <summary>Gets the unescaped value of the first pair.</summary>
    public string Value => Components[0].Value;

    /// <summary>Compares as <see cref="LdapDistinguishedName"/> does; the pairs of a multi-valued RDN in any order.</summary>
    /// <param name="other">The other RDN.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(LdapRelativeDistinguishedName? other)
    {
        if (other is null || other.Components.Count != Components.Count)
        {
            return false;
        }

        if (Components.Count == 1)
        {
            return Components[0].Equals(other.Components[0]);
        }

        var remaining = other.Components.ToList();
        foreach (var component in Components)
        {
            var index = remaining.FindIndex(component.Equals);
            if (index < 0)
            {
                return false;
            }

            remaining.RemoveAt(index);
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as LdapRelativeDistinguishedName);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = 0;
        foreach (var component in Components)
        {
            hash ^= component.GetHashCode(); // order-independent
        }

        return hash;
    }

    /// <summary>Writes the RDN as in RFC 4514 (<c>cn=a+uid=b</c>).</summary>
    /// <returns>The RDN string.</returns>
    public override string ToString() => string.Join("+", Components);
}

/// <summary>One attribute-value pair of an RDN.</summary>
public sealed class LdapAttributeTypeAndValue : IEquatable<LdapAttributeTypeAndValue>
{
    internal LdapAttributeTypeAndValue(string type, string value, bool isHexString)
    {
        Type = type;
        Value = value;
        IsHexString = isHexString;
    }

    /// <summary>Gets the attribute type as written, for example <c>cn</c> or <c>2.5.4.3</c>.</summary>
    public string Type { get; }

    /// <summary>
    /// Gets the value, unescaped; for a <see cref="IsHexString"/> value, the <c>#</c> and the hex digits (lower case) of
    /// its BER encoding.
    /// </summary>
    public string Value { get; }

    /// <summary>Gets a value indicating whether the value was written as <c>#</c> followed by BER-encoded hex (RFC 4514 §2.4).</summary>
    public bool IsHexString { get; }

    /// <summary>Compares the type and the value case-insensitively.</summary>
    /// <param name="other">The other pair.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(LdapAttributeTypeAndValue? other) =>
        other is not null
        && IsHexString == other.IsHexString
        && string.Equals(Type, other.Type, StringComparison.OrdinalIgnoreCase)
        && string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as LdapAttributeTypeAndValue);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(
        StringComparer.OrdinalIgnoreCase.GetHashCode(Type),
        StringComparer.OrdinalIgnoreCase.GetHashCode(Value),
        IsHexString);

    /// <summary>Writes the pair as in RFC 4514, escaping the value with <see cref="LdapDistinguishedName.EscapeValue"/>.</summary>
    /// <returns>The pair string.</returns>
    public override string ToString() => Type + "=" + (IsHexString ? Value : LdapDistinguishedName.EscapeValue(Value));
}
