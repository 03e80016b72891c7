// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace ScimSync.Admin.Internal;

/// <summary>
/// Markup that is already safe. Pages are built only from these: <see cref="Html.Of"/> encodes every value
/// interpolated into a template unless the value is itself <see cref="HtmlText"/>, so nothing an identity provider or
/// operator typed can become markup.
/// </summary>
internal readonly struct HtmlText(string? value)
{
    public static HtmlText Empty => default;

    public string Value => value ?? string.Empty;

    public override string ToString() => Value;
}

/// <summary>Builds <see cref="HtmlText"/> from interpolated templates.</summary>
internal static class Html
{
    /// <summary>The template's literal parts as written, every hole HTML-encoded (attribute-safe: quotes are encoded too).</summary>
    public static HtmlText Of(ref HtmlHandler template) => template.ToHtml();

    /// <summary>Joins fragments.</summary>
    public static HtmlText Join(IEnumerable<HtmlText> fragments) => new(string.Concat(fragments.Select(f => f.Value)));

    /// <summary>Joins fragments made from items.</summary>
    public static HtmlText Each<T>(IEnumerable<T> items, Func<T, HtmlText> render) => Join(items.Select(render));

    /// <summary>The fragment when the condition holds, else nothing.</summary>
    public static HtmlText If(bool condition, HtmlText fragment) => condition ? fragment : HtmlText.Empty;

    /// <summary>Encodes text.</summary>
    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);
}

/// <summary>The interpolated string handler of <see cref="Html.Of"/>.</summary>
[InterpolatedStringHandler]
internal ref struct HtmlHandler
{
    private readonly StringBuilder _builder;

    public HtmlHandler(int literalLength, int formattedCount)
    {
        _builder = new StringBuilder(literalLength + (formattedCount * 16));
    }

    public readonly void AppendLiteral(string literal) => _builder.Append(literal);

    public readonly void AppendFormatted(HtmlText fragment) => _builder.Append(fragment.Value);

    public readonly void AppendFormatted(string? value) => _builder.Append(Html.Encode(value));

    public readonly void AppendFormatted<T>(T value)
    {
        var text = value switch
        {
            null => string.Empty,
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        _builder.Append(Html.Encode(text));
    }

    public readonly void AppendFormatted<T>(T value, string? format)
        where T : IFormattable =>
        _builder.Append(Html.Encode(value.ToString(format, CultureInfo.InvariantCulture)));

    public readonly HtmlText ToHtml() => new(_builder.ToString());
}
