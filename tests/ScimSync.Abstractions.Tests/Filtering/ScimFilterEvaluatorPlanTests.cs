// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using CsCheck;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Filtering.Internal;
using ScimSync.Schema;

namespace ScimSync.Abstractions.Tests.Filtering;

// Covers what the evaluator's compiled plans, allocation-free string reads and fast dateTime parsing must keep.
public sealed class ScimFilterEvaluatorPlanTests
{
    private static readonly string s_longName = new('x', 300);

    private readonly ScimFilterEvaluator _evaluator = new(new ScimSchemaRegistry().User);

    public static TheoryData<string, bool> EscapedAndLongStringCases => new()
    {
        { "userName eq \"BJENSEN@example.com\"", true },
        { "userName co \"jens\"", true },
        { "userName sw \"bJ\"", true },
        { "userName ew \"\\\"quoted\\\"@example.com\"", false },
        { "userName gt \"a\"", true },
        { "userName lt \"b\"", false },
        { "displayName eq \"Babs \\\"B\\\" Jensen\"", true },
        { "displayName co \"\\\"b\\\"\"", true },
        { "nickName pr", false },
        { "title pr", true },
        { $"title eq \"{s_longName}\"", true },
        { $"title co \"{s_longName[1..]}\"", true },
        { "title sw \"X\"", true },
        { "title ew \"y\"", false },
        { "externalId eq \"caf\u00e9\"", true },
        { "externalId eq \"CAF\u00c9\"", false },
        { "name.givenName eq \"CAF\u00c9\"", true },
        { "name.givenName co \"\u00e9\"", true },
    };

    public static TheoryData<string> DateTimeTexts => new()
    {
        "2011-05-13T04:42:34Z",
        "2011-05-13T04:42:34.1Z",
        "2011-05-13T04:42:34.1234567Z",
        "2011-05-13T04:42:34.12345678Z",
        "2011-05-13T04:42:34.Z",
        "2011-05-13T04:42:34+02:00",
        "2011-05-13T04:42:34-14:00",
        "2011-05-13T04:42:34+14:01",
        "2011-05-13T04:42:34+0200",
        "2011-05-13T04:42:34",
        "2011-05-13T04:42:34z",
        "2012-02-29T23:59:59Z",
        "2011-02-29T00:00:00Z",
        "2011-05-13T24:00:00Z",
        "2011-05-13T04:42:60Z",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "2011-5-13T04:42:34Z",
        "2011-05-13 04:42:34Z",
    };

    [Theory]
    [MemberData(nameof(EscapedAndLongStringCases))]
    public void Matches_EscapedLongAndNonAsciiStrings_CompareDecodedText(string filter, bool expected)
    {
        // Parsed from text, so values are JsonElement-backed and take the no-allocation path.
        var user = JsonNode.Parse($$"""
            {
              "userName": "bj\u0065nsen@example.com",
              "displayName": "Babs \"B\" Jensen",
              "nickName": "",
              "title": "{{s_longName}}",
              "externalId": "café",
              "name": { "givenName": "caf\u00e9" }
            }
            """)!.AsObject();

        Assert.Equal(expected, _evaluator.Matches(ScimFilter.Parse(filter), user));
    }

    [Theory]
    [MemberData(nameof(EscapedAndLongStringCases))]
    public void Matches_SameValuesBuiltInCode_AgreeWithParsedValues(string filter, bool expected)
    {
        var user = new JsonObject
        {
            ["userName"] = "bjensen@example.com",
            ["displayName"] = "Babs \"B\" Jensen",
            ["nickName"] = string.Empty,
            ["title"] = s_longName,
            ["externalId"] = "café",
            ["name"] = new JsonObject { ["givenName"] = "café" },
        };

        Assert.Equal(expected, _evaluator.Matches(ScimFilter.Parse(filter), user));
    }

    [Theory]
    [InlineData("2011-05-13T04:42:34Z", true)]
    [InlineData("2011-05-13T06:42:34.0000000+02:00", true)]
    [InlineData("2011-05-13T04:42:34.5Z", false)]
    public void Matches_SameFilterInstanceRepeatedly_ReturnsSameResult(string instant, bool expected)
    {
        var filter = ScimFilter.Parse($"meta.lastModified eq \"{instant}\"");
        var user = JsonNode.Parse("""{ "meta": { "lastModified": "2011-05-13T04:42:34Z" } }""")!.AsObject();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected, _evaluator.Matches(filter, user));
        }
    }

    [Fact]
    public void Matches_InvalidComparisonReached_ThrowsEveryTime()
    {
        var filter = ScimFilter.Parse("userName eq \"bjensen\" and active gt true");
        var match = JsonNode.Parse("""{ "userName": "bjensen", "active": true }""")!.AsObject();
        var miss = JsonNode.Parse("""{ "userName": "other", "active": true }""")!.AsObject();

        Assert.False(_evaluator.Matches(filter, miss));
        Assert.Equal(ScimErrorType.InvalidFilter, Assert.Throws<ScimException>(() => _evaluator.Matches(filter, match)).Error.Type);
        Assert.Equal(ScimErrorType.InvalidFilter, Assert.Throws<ScimException>(() => _evaluator.Matches(filter, match)).Error.Type);
    }

    [Fact]
    public void MatchesValue_SameFilterForTwoAttributes_ResolvesAgainstEach()
    {
        var filter = ScimFilter.Parse("type eq \"work\" and display pr");
        var emails = ScimCoreSchemas.User.FindAttribute("emails")!;
        var groups = ScimCoreSchemas.User.FindAttribute("groups")!;
        var element = JsonNode.Parse("""{ "value": "x", "type": "work", "display": "X" }""")!;

        for (var i = 0; i < 2; i++)
        {
            Assert.True(_evaluator.MatchesValue(filter, element, emails));
            Assert.True(_evaluator.MatchesValue(filter, element, groups));
        }

        var primary = ScimFilter.Parse("primary eq true");
        var withPrimary = JsonNode.Parse("""{ "value": "x", "primary": true }""")!;
        Assert.True(_evaluator.MatchesValue(primary, withPrimary, emails));
        Assert.False(_evaluator.MatchesValue(primary, withPrimary, groups));
        Assert.True(_evaluator.MatchesValue(primary, withPrimary, emails));
    }

    [Theory]
    [MemberData(nameof(DateTimeTexts))]
    public void FilterDateTimeTryParse_Text_AgreesWithTryParseExact(string text) => AssertAgrees(text);

    [Fact]
    public void FilterDateTimeTryParse_RandomText_AgreesWithTryParseExact()
    {
        var digits2 = Gen.Int[0, 99].Select(i => i.ToString("00", CultureInfo.InvariantCulture));
        var date = Gen.Select(Gen.Int[0, 9999], Gen.Int[0, 13], Gen.Int[0, 32], (y, m, d) =>
            string.Create(CultureInfo.InvariantCulture, $"{y:0000}-{m:00}-{d:00}"));
        var time = Gen.Select(Gen.Int[0, 25], Gen.Int[0, 61], Gen.Int[0, 61], (h, m, s) =>
            string.Create(CultureInfo.InvariantCulture, $"{h:00}:{m:00}:{s:00}"));
        var fraction = Gen.OneOf(Gen.Const(string.Empty), Gen.String[Gen.Char["0123456789"], 0, 9].Select(f => "." + f));
        var zone = Gen.OneOf(
            Gen.OneOf("Z", "z", string.Empty, "+00:00", "-00:00", "+0530"),
            Gen.Select(Gen.OneOf("+", "-"), Gen.Int[0, 15], digits2, (sign, h, m) =>
                string.Create(CultureInfo.InvariantCulture, $"{sign}{h:00}:{m}")));
        Gen.Select(date, time, fraction, zone, (d, t, f, z) => $"{d}T{t}{f}{z}").Sample(AssertAgrees, iter: 5000);
    }

    private static void AssertAgrees(string text)
    {
        var exact = FilterDateTime.TryParseExact(text, out var expected);
        Assert.Equal(exact, FilterDateTime.TryParse(text, out var actual));
        if (FilterDateTime.TryParseFast(text, out var fast))
        {
            Assert.True(exact, text);
            Assert.Equal(expected, fast);
            Assert.Equal(expected.Offset, fast.Offset);
        }

        if (exact)
        {
            Assert.Equal(expected, actual);
            Assert.Equal(expected.Offset, actual.Offset);
        }
    }
}
