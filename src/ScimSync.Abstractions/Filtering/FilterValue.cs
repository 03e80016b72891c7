// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;

namespace ScimSync.Filtering;

/// <summary>The kind of a filter comparison value.</summary>
public enum FilterValueKind
{
    /// <summary>A JSON string (also used for dateTime, binary and reference values).</summary>
    String,

    /// <summary>A JSON number.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary><c>null</c>.</summary>
    Null,
}

/// <summary>A comparison value in a filter (<c>compValue</c> of RFC 7644 §3.4.2.2): a string, number, boolean or null.</summary>
public readonly record struct FilterValue
{
    private FilterValue(FilterValueKind kind, string? text, decimal number, bool boolean)
    {
        Kind = kind;
        Text = text;
        Number = number;
        Boolean = boolean;
    }

    /// <summary>Gets the <c>null</c> value.</summary>
    public static FilterValue Null => new(FilterValueKind.Null, null, 0, false);

    /// <summary>Gets the <c>true</c> value.</summary>
    public static FilterValue True => new(FilterValueKind.Boolean, null, 0, true);

    /// <summary>Gets the <c>false</c> value.</summary>
    public static FilterValue False => new(FilterValueKind.Boolean, null, 0, false);

    /// <summary>Gets the value's kind.</summary>
    public FilterValueKind Kind { get; }

    /// <summary>Gets the unescaped string, for <see cref="FilterValueKind.String"/>.</summary>
    public string? Text { get; }

    /// <summary>Gets the number, for <see cref="FilterValueKind.Number"/>.</summary>
    public decimal Number { get; }

    /// <summary>Gets the boolean, for <see cref="FilterValueKind.Boolean"/>.</summary>
    public bool Boolean { get; }

    /// <summary>Creates a string value.</summary>
    /// <param name="text">The unescaped string.</param>
    /// <returns>The value.</returns>
    public static FilterValue FromString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(FilterValueKind.String, text, 0, false);
    }

    /// <summary>Creates a number value.</summary>
    /// <param name="number">The number.</param>
    /// <returns>The value.</returns>
    public static FilterValue FromNumber(decimal number) => new(FilterValueKind.Number, null, number, false);

    /// <summary>Creates a boolean value.</summary>
    /// <param name="value">The boolean.</param>
    /// <returns>The value.</returns>
    public static FilterValue FromBoolean(bool value) => value ? True : False;

    /// <summary>Formats the value as filter text (strings quoted and escaped as JSON).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind switch
    {
        FilterValueKind.String => System.Text.Json.JsonSerializer.Serialize(Text, Serialization.ScimCoreJsonContext.Default.String),
        FilterValueKind.Number => Number.ToString(CultureInfo.InvariantCulture),
        FilterValueKind.Boolean => Boolean ? "true" : "false",
        _ => "null",
    };
}
