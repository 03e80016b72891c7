// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using ScimSync.Errors;
using ScimSync.Filtering;
using static ScimSync.Abstractions.Tests.Filtering.FilterTree;

namespace ScimSync.Abstractions.Tests.Filtering;

public sealed class ScimFilterParseTests
{
    private const ComparisonOperator Co = ComparisonOperator.Contains;

    // RFC 7644 §3.4.2.2, every example filter in the order the RFC lists them.
    public static TheoryData<string, FilterNode> RfcExamples => new()
    {
        { "userName eq \"bjensen\"", Eq("userName", "bjensen") },
        { "name.familyName co \"O'Malley\"", Cmp("name.familyName", Co, "O'Malley") },
        { "userName sw \"J\"", Cmp("userName", ComparisonOperator.StartsWith, "J") },
        { $"{CoreUser}:userName sw \"J\"", Cmp($"{CoreUser}:userName", ComparisonOperator.StartsWith, "J") },
        { "title pr", Pr("title") },
        { "meta.lastModified gt \"2011-05-13T04:42:34Z\"", Cmp("meta.lastModified", ComparisonOperator.GreaterThan, "2011-05-13T04:42:34Z") },
        { "meta.lastModified ge \"2011-05-13T04:42:34Z\"", Cmp("meta.lastModified", ComparisonOperator.GreaterThanOrEqual, "2011-05-13T04:42:34Z") },
        { "meta.lastModified lt \"2011-05-13T04:42:34Z\"", Cmp("meta.lastModified", ComparisonOperator.LessThan, "2011-05-13T04:42:34Z") },
        { "meta.lastModified le \"2011-05-13T04:42:34Z\"", Cmp("meta.lastModified", ComparisonOperator.LessThanOrEqual, "2011-05-13T04:42:34Z") },
        { "title pr and userType eq \"Employee\"", And(Pr("title"), Eq("userType", "Employee")) },
        { "title pr or userType eq \"Intern\"", Or(Pr("title"), Eq("userType", "Intern")) },
        { $"schemas eq \"{Enterprise}\"", Eq("schemas", Enterprise) },
        {
            "userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")",
            And(Eq("userType", "Employee"), Or(Cmp("emails", Co, "example.com"), Cmp("emails.value", Co, "example.org")))
        },
        {
            "userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")",
            And(
                Cmp("userType", ComparisonOperator.NotEqual, "Employee"),
                Not(Or(Cmp("emails", Co, "example.com"), Cmp("emails.value", Co, "example.org"))))
        },
        { "userType eq \"Employee\" and (emails.type eq \"work\")", And(Eq("userType", "Employee"), Eq("emails.type", "work")) },
        {
            "userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]",
            And(Eq("userType", "Employee"), Vp("emails", And(Eq("type", "work"), Cmp("value", Co, "@example.com"))))
        },
        {
            "emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]",
            Or(
                Vp("emails", And(Eq("type", "work"), Cmp("value", Co, "@example.com"))),
                Vp("ims", And(Eq("type", "xmpp"), Cmp("value", Co, "@foo.com"))))
        },
    };

    public static TheoryData<string, FilterNode> BenchmarkFilters => new()
    {
        { "F01_entra_user_lookup", Eq("userName", "perf.user000005@contoso.example") },
        { "F02_externalId", Eq("externalId", "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef") },
        { "F03_entra_group_lookup", Eq("displayName", "perf group 000001") },
        {
            "F04_entra_membership_check",
            And(Eq("id", "2819c223-7f76-453a-919d-413861904646"), Vp("members", Eq("value", "902c246b-6245-4190-8e05-00816be7344a")))
        },
        { "F05_value_path_and", Vp("emails", And(Eq("type", "work"), Cmp("value", Co, "@example.com"))) },
        { "F06_date_gt", Cmp("meta.lastModified", ComparisonOperator.GreaterThan, "2011-05-13T04:42:34Z") },
        { "F07_present_and_urn_attr", And(Pr("title"), Eq($"{Enterprise}:department", "Sales")) },
        {
            "F08_rfc_grouping_or",
            And(Eq("userType", "Employee"), Or(Cmp("emails", Co, "example.com"), Cmp("emails.value", Co, "example.org")))
        },
        {
            "F09_rfc_not_group",
            And(
                Cmp("userType", ComparisonOperator.NotEqual, "Employee"),
                Not(Or(Cmp("emails", Co, "example.com"), Cmp("emails.value", Co, "example.org"))))
        },
        {
            "F10_rfc_two_value_paths_or",
            Or(
                Vp("emails", And(Eq("type", "work"), Cmp("value", Co, "@example.com"))),
                Vp("ims", And(Eq("type", "xmpp"), Cmp("value", Co, "@foo.com"))))
        },
    };

    public static TheoryData<string, FilterNode> GrammarCases => new()
    {
        // Precedence and associativity.
        { "a pr or b pr and c pr", Or(Pr("a"), And(Pr("b"), Pr("c"))) },
        { "a pr and b pr or c pr", Or(And(Pr("a"), Pr("b")), Pr("c")) },
        { "a pr or b pr or c pr", Or(Or(Pr("a"), Pr("b")), Pr("c")) },
        { "a pr and b pr and c pr", And(And(Pr("a"), Pr("b")), Pr("c")) },
        { "a pr and (b pr and c pr)", And(Pr("a"), And(Pr("b"), Pr("c"))) },
        { "(a pr or b pr) and c pr", And(Or(Pr("a"), Pr("b")), Pr("c")) },
        { "((a pr))", Pr("a") },
        { "not (not (a pr))", Not(Not(Pr("a"))) },

        // Case-insensitive keywords and operators; tolerant whitespace.
        { "userName EQ \"x\" AND title PR", And(Eq("userName", "x"), Pr("title")) },
        { "userName Eq \"x\" Or NOT (title pR)", Or(Eq("userName", "x"), Not(Pr("title"))) },
        { "  userName \t eq   \"x\"  ", Eq("userName", "x") },
        { "not(title pr)", Not(Pr("title")) },
        { "( title pr )", Pr("title") },
        { "emails[ type eq \"work\" ]", Vp("emails", Eq("type", "work")) },
        { "userName eq\"x\"", Eq("userName", "x") },

        // Value filters: grouping and not inside brackets (errata 7322).
        { "emails[type eq \"work\" or (type eq \"home\" and value ew \"@example.com\")]", Vp("emails", Or(Eq("type", "work"), And(Eq("type", "home"), Cmp("value", ComparisonOperator.EndsWith, "@example.com")))) },
        { "emails[not (type eq \"work\")]", Vp("emails", Not(Eq("type", "work"))) },

        // $ref, URN paths with dots, sub-attributes of extension attributes.
        { "members[$ref eq \"https://example.com/v2/Users/1\"]", Vp("members", Eq("$ref", "https://example.com/v2/Users/1")) },
        { "groups.$ref pr", Pr("groups.$ref") },
        { $"{Enterprise}:manager.value eq \"26118915-6090-4610-87e4-49d8ca9f808d\"", Eq($"{Enterprise}:manager.value", "26118915-6090-4610-87e4-49d8ca9f808d") },
        { $"{Enterprise}:employeeNumber eq \"701984\"", Eq($"{Enterprise}:employeeNumber", "701984") },
        { "urn:example:ext-1_0:custom_attr-2 pr", Pr("urn:example:ext-1_0:custom_attr-2") },

        // "not" not followed by "(" is an attribute name.
        { "not eq \"x\"", Eq("not", "x") },

        // Comparison values: all JSON escapes, numbers, literals.
        { "displayName eq \"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u00e9\\u20AC\"", Eq("displayName", "a\"b\\c/d\be\ff\ng\rh\ti\u00e9\u20AC") },
        { "displayName eq \"\"", Eq("displayName", string.Empty) },
        { "displayName eq \"\\ud83d\\ude00 ok\"", Eq("displayName", "\ud83d\ude00 ok") },
        { "x eq 42", Cmp("x", ComparisonOperator.Equal, FilterValue.FromNumber(42)) },
        { "x gt -1.5", Cmp("x", ComparisonOperator.GreaterThan, FilterValue.FromNumber(-1.5m)) },
        { "x lt 2.5e3", Cmp("x", ComparisonOperator.LessThan, FilterValue.FromNumber(2500m)) },
        { "x le 1E-2", Cmp("x", ComparisonOperator.LessThanOrEqual, FilterValue.FromNumber(0.01m)) },
        { "x ge 0", Cmp("x", ComparisonOperator.GreaterThanOrEqual, FilterValue.FromNumber(0)) },
        { "active eq true", Cmp("active", ComparisonOperator.Equal, FilterValue.True) },
        { "active ne false", Cmp("active", ComparisonOperator.NotEqual, FilterValue.False) },
        { "title eq null", Cmp("title", ComparisonOperator.Equal, FilterValue.Null) },
        { "x eq 1 and y pr", And(Cmp("x", ComparisonOperator.Equal, FilterValue.FromNumber(1)), Pr("y")) },
    };

    // Bad filters: the position is the zero-based offset of the offending character.
    public static TheoryData<string, int, string> BadFilters => new()
    {
        { "", 0, "empty" },
        { "   ", 3, "empty" },
        { "userName", 8, "expected a comparison operator after 'userName' at 8" },
        { "userName xx \"a\"", 9, "unknown comparison operator 'xx' at 9" },
        { "userName equals \"a\"", 9, "unknown comparison operator 'equals'" },
        { "userName eq", 11, "expected a comparison value after 'eq' at 11" },
        { "userName eq \"abc", 12, "unterminated string starting at 12" },
        { "userName eq \"a\\qb\"", 14, "invalid escape sequence '\\q'" },
        { "userName eq \"\\u12G4\"", 13, "invalid \\u escape" },
        { "userName eq \"a\\", 12, "unterminated string starting at 12" },
        { "userName eq \"a\nb\"", 14, "unescaped control character" },
        { "(userName eq \"a\"", 16, "missing ')' for the '(' at 0" },
        { "not (title pr", 13, "missing ')' for the '(' at 4" },
        { "userName eq \"a\")", 15, "unexpected ')'" },
        { "emails[type eq \"work\"", 21, "missing ']' for the '[' at 6" },
        { "emails[type eq \"work\"]]", 22, "unexpected ']'" },
        { "emails[addresses[type eq \"x\"]]", 16, "cannot be nested" },
        { "emails[type eq \"work\"].value", 28, "expected a comparison operator" },
        { "emails[type eq \"work\"].", 23, "expected a sub-attribute name" },
        { "emails[type eq \"work\"].value[x eq 1]", 28, "expected a comparison operator" },
        { "emails.value[type eq \"work\"]", 12, "must follow an attribute" },
        { "userName eq \"a\" xor title pr", 16, "expected 'and', 'or' or the end of the filter at 16" },
        { "userName eq \"a\" and", 19, "expected an attribute path, 'not' or '(' at 19" },
        { "userName eq \"a\" and )", 20, "expected an attribute path, 'not' or '(' at 20" },
        { "userName eq bjensen", 12, "expected a comparison value" },
        { "active eq True", 10, "expected a comparison value" },
        { "x eq 1.", 7, "expected a digit after '.'" },
        { "x eq 01", 6, "unexpected '1'" },
        { "x eq -", 6, "expected a digit" },
        { "x eq 1e", 7, "exponent" },
        { "x gt 1e400", 5, "out of range" },
        { "x gt 99999999999999999999999999999999", 5, "out of range" },
        { "name.familyName.x eq \"a\"", 15, "at most one sub-attribute" },
        { "urn:ietf:params:scim:schemas:core:2.0:User: eq \"a\"", 43, "expected an attribute name after the schema URN" },
        { ":userName eq \"a\"", 0, "expected a schema URN" },
        { "1abc eq \"a\"", 0, "must start with a letter" },
        { "user@name eq \"a\"", 4, "expected a comparison operator after 'user'" },
        { "\"abc\" eq \"a\"", 0, "not a string value" },
        { "emails[urn:x:type eq \"a\"]", 7, "schema URN is not allowed" },
        { "emails[type.x eq \"a\"]", 11, "cannot have their own" },
        { "title pr and (", 14, "expected an attribute path" },
        { "()", 1, "expected an attribute path" },
        { "userName eq \"a\" and not title pr", 24, "expected '(' after 'not' at 24" },
    };

    [Theory]
    [MemberData(nameof(RfcExamples))]
    public void Parse_Rfc7644Example_ReturnsExpectedTree(string text, FilterNode expected) =>
        Assert.Equal(expected, ScimFilter.Parse(text));

    [Theory]
    [MemberData(nameof(BenchmarkFilters))]
    public void Parse_BenchmarkInput_ReturnsExpectedTree(string id, FilterNode expected)
    {
        var text = LoadBenchmarkFilters()[id];

        Assert.Equal(expected, ScimFilter.Parse(text));
    }

    [Fact]
    public void BenchmarkFilters_CoverEveryInput_NoneMissing()
    {
        var expectedIds = BenchmarkFilters.Select(row => (string)row[0]).Order().ToArray();

        Assert.Equal(expectedIds, LoadBenchmarkFilters().Keys.Order().ToArray());
    }

    [Theory]
    [MemberData(nameof(GrammarCases))]
    public void Parse_GrammarCase_ReturnsExpectedTree(string text, FilterNode expected)
    {
        Assert.True(ScimFilter.TryParse(text, out var filter, out var error), error?.ToString());
        Assert.Equal(expected, filter);
    }

    [Theory]
    [MemberData(nameof(RfcExamples))]
    [MemberData(nameof(GrammarCases))]
    public void Format_ParsedFilter_ParsesBackToEqualTree(string text, FilterNode expected)
    {
        var formatted = ScimFilter.Format(ScimFilter.Parse(text));

        Assert.Equal(expected, ScimFilter.Parse(formatted));
        Assert.Equal(formatted, expected.ToString());
    }

    [Theory]
    [MemberData(nameof(BadFilters))]
    public void TryParse_BadFilter_ReturnsInvalidFilterAtPosition(string text, int position, string message)
    {
        Assert.False(ScimFilter.TryParse(text, out var filter, out var error));

        Assert.Null(filter);
        Assert.Equal(ScimErrorType.InvalidFilter, error.Type);
        Assert.Equal(400, error.Status);
        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadFilter_ThrowsScimExceptionWithError()
    {
        var exception = Assert.Throws<ScimException>(() => ScimFilter.Parse("userName"));

        Assert.Equal(ScimErrorType.InvalidFilter, exception.Error.Type);
        Assert.Equal(8, exception.Error.Position);
    }

    [Theory]
    [InlineData("userName eq \"bjensen\"", "userName eq \"bjensen\"")]
    [InlineData("userName EQ \"x\" AND title PR", "userName eq \"x\" and title pr")]
    [InlineData("not(title pr)", "not (title pr)")]
    [InlineData("a pr and (b pr or c pr)", "a pr and (b pr or c pr)")]
    [InlineData("(a pr or b pr) and c pr", "(a pr or b pr) and c pr")]
    [InlineData("a pr or (b pr and c pr)", "a pr or b pr and c pr")]
    [InlineData("a pr and (b pr and c pr)", "a pr and (b pr and c pr)")]
    [InlineData("((a pr))", "a pr")]
    [InlineData("x eq \"q\\u0022\\u0001\\/\"", "x eq \"q\\\"\\u0001/\"")]
    [InlineData("x gt 2.50", "x gt 2.50")]
    [InlineData("emails[ type eq \"work\" ]", "emails[type eq \"work\"]")]
    public void Format_Filter_ReturnsCanonicalText(string text, string expected) =>
        Assert.Equal(expected, ScimFilter.Format(ScimFilter.Parse(text)));

    [Fact]
    public void Parse_CommonAttributeNames_ReuseCachedStrings()
    {
        var first = (ComparisonNode)ScimFilter.Parse("userName eq \"a\"");
        var second = (ComparisonNode)ScimFilter.Parse("userName eq \"b\"");

        Assert.Same(first.Path.AttributeName, second.Path.AttributeName);
    }

    [Fact]
    public void Parse_NamesInOtherCase_KeepTheirSpelling()
    {
        var node = (ComparisonNode)ScimFilter.Parse("USERNAME eq \"a\"");

        Assert.Equal("USERNAME", node.Path.AttributeName);
    }

    internal static Dictionary<string, string> LoadBenchmarkFilters()
    {
        var path = System.IO.Path.Combine(AppContext.BaseDirectory, "inputs", "filters.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in document.RootElement.GetProperty("filters").EnumerateArray())
        {
            result.Add(entry.GetProperty("id").GetString()!, entry.GetProperty("filter").GetString()!);
        }

        return result;
    }
}
