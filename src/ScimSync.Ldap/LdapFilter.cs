// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Ldap;

/// <summary>Builds LDAP search filters (RFC 4515) safely.</summary>
public static class LdapFilter
{
    /// <summary>
    /// Escapes a value for use inside a filter's assertion value (RFC 4515 §3): <c>*</c>, <c>(</c>, <c>)</c>,
    /// <c>\</c> and NUL become <c>\2a</c>, <c>\28</c>, <c>\29</c>, <c>\5c</c> and <c>\00</c>.
    /// </summary>
    /// <param name="value">The raw value, for example a login typed by an operator.</param>
    /// <returns>The escaped value.</returns>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new System.Text.StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = c switch
            {
                '*' => builder.Append(@"\2a"),
                '(' => builder.Append(@"\28"),
                ')' => builder.Append(@"\29"),
                '\\' => builder.Append(@"\5c"),
                '\0' => builder.Append(@"\00"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    /// <summary>Escapes raw bytes (an <c>objectGUID</c>) as <c>\hh</c> pairs for a filter.</summary>
    /// <param name="value">The bytes.</param>
    /// <returns>The escaped value.</returns>
    public static string EscapeBytes(ReadOnlySpan<byte> value)
    {
        var builder = new System.Text.StringBuilder(value.Length * 3);
        foreach (var b in value)
        {
            builder.Append('\\').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
