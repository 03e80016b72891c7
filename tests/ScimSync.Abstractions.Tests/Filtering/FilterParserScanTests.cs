// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Filtering;
using ScimSync.Patching;

namespace ScimSync.Abstractions.Tests.Filtering;

// Edges of the vectorized string scan, the character-class table and the shared unqualified paths.
public sealed class FilterParserScanTests
{
    public static TheoryData<string, string> StringValues => new()
    {
        { "x eq \"\"", string.Empty },
        { "x eq \"a\u007fb\"", "a\u007fb" },
        { "x eq \"\u00e9\u20ac \ud83d\ude00\"", "\u00e9\u20ac \ud83d\ude00" },
        { "x eq \"" + new string('a', 100) + "\\n\"", new string('a', 100) + "\n" },
    };

    [Theory]
    [MemberData(nameof(StringValues))]
    public void Parse_StringValue_ReturnsUnescapedText(string text, string expected)
    {
        var node = Assert.IsType<ComparisonNode>(ScimFilter.Parse(text));

        Assert.Equal(expected, node.Value.Text);
    }

    [Theory]
    [InlineData("x eq \"\u001f\"", 6)]
    [InlineData("x eq \"abc\u0000\"", 9)]
    [InlineData("x eq \"" + "abcdefghijklmnopqrstuvwxyz0123456789" + "\u0001\"", 42)]
    public void TryParse_ControlCharacterInString_ReportsItsPosition(string text, int position)
    {
        Assert.False(ScimFilter.TryParse(text, out _, out var error));
        Assert.Contains("unescaped control character", error.Detail, StringComparison.Ordinal);
        Assert.Contains($"at {position}", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a-b_c$9 pr", "a-b_c$9")]
    [InlineData("$ref pr", "$ref")]
    [InlineData("Z pr", "Z")]
    public void Parse_NameCharacters_AreAccepted(string text, string name) =>
        Assert.Equal(new AttributePath(null, name), Assert.IsType<PresentNode>(ScimFilter.Parse(text)).Path);

    [Theory]
    [InlineData("a@b pr")]
    [InlineData("a/b pr")]
    [InlineData("a`b pr")]
    [InlineData("a{b pr")]
    [InlineData("\u00e9 pr")]
    [InlineData("a\u00e9 pr")]
    public void TryParse_NonNameCharacter_Fails(string text) => Assert.False(ScimFilter.TryParse(text, out _, out _));

    [Fact]
    public void Parse_KnownUnqualifiedName_SharesPathButKeepsValueSemantics()
    {
        var first = Assert.IsType<ComparisonNode>(ScimFilter.Parse("userName eq \"a\"")).Path;
        var second = Assert.IsType<ComparisonNode>(ScimFilter.Parse("userName eq \"b\"")).Path;
        var upper = Assert.IsType<ComparisonNode>(ScimFilter.Parse("USERNAME eq \"b\"")).Path;

        Assert.Equal(new AttributePath(null, "userName"), first);
        Assert.Same(first, second);
        Assert.Equal("USERNAME", upper.AttributeName);
        Assert.Equal(new AttributePath(null, "userName", "x"), first with { SubAttributeName = "x" });
        Assert.Null(first.SubAttributeName);
    }
}
