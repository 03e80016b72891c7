// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Patching;
using ScimSync.Schema;

namespace ScimSync.Abstractions.Tests.Filtering;

/// <summary>
/// Microsoft Entra ID matches users by work email with <c>emails[type eq "work"].value eq "x"</c>, a shape the
/// RFC 7644 filter grammar does not have; it is read as <c>emails[type eq "work" and value eq "x"]</c>.
/// </summary>
public sealed class EntraValuePathComparisonTests
{
    private static readonly JsonObject s_user = JsonNode.Parse("""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen",
         "emails":[{"value":"b@example.com","type":"home"},{"value":"Barbara@Example.com","type":"work"}]}
        """)!.AsObject();

    [Theory]
    [InlineData("emails[type eq \"work\"].value eq \"x@example.com\"", "emails[type eq \"work\" and value eq \"x@example.com\"]")]
    [InlineData("emails[type eq \"work\"].value pr", "emails[type eq \"work\" and value pr]")]
    [InlineData("EMAILS[TYPE EQ \"work\"].VALUE CO \"example\" and userName eq \"b\"", "EMAILS[TYPE eq \"work\" and VALUE co \"example\"] and userName eq \"b\"")]
    public void Parse_SubAttributeComparisonAfterValueFilter_EqualsStandardForm(string entra, string standard)
    {
        var parsed = ScimFilter.Parse(entra);

        Assert.Equal(ScimFilter.Parse(standard), parsed);
        Assert.Equal(parsed, ScimFilter.Parse(ScimFilter.Format(parsed)));
    }

    [Fact]
    public void Parse_SubAttributeComparisonAfterValueFilter_BuildsAndInsideTheValuePath()
    {
        var parsed = ScimFilter.Parse("emails[type eq \"work\"].value eq \"x\"");

        var expected = new ValuePathNode(
            new AttributePath(null, "emails"),
            new LogicalNode(
                LogicalOperator.And,
                new ComparisonNode(new AttributePath(null, "type"), ComparisonOperator.Equal, FilterValue.FromString("work")),
                new ComparisonNode(new AttributePath(null, "value"), ComparisonOperator.Equal, FilterValue.FromString("x"))));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData("emails[type eq \"work\"].value eq \"barbara@example.com\"", true)]
    [InlineData("emails[type eq \"home\"].value eq \"barbara@example.com\"", false)]
    [InlineData("emails[type eq \"home\"].value eq \"B@EXAMPLE.COM\"", true)]
    public void Matches_EntraWorkEmailLookup_MatchesOnlyTheTypedValue(string filter, bool expected)
    {
        var evaluator = new ScimFilterEvaluator(new ScimSchemaRegistry().User);

        Assert.Equal(expected, evaluator.Matches(ScimFilter.Parse(filter), s_user));
    }

    [Fact]
    public void TryParse_ToleranceOff_ReturnsInvalidFilterAtTheDot()
    {
        var options = new ScimFilterOptions { AllowSubAttributeAfterValueFilter = false };

        Assert.False(ScimFilter.TryParse("emails[type eq \"work\"].value eq \"x\"", out _, out var error, options));
        Assert.Equal(ScimErrorType.InvalidFilter, error.Type);
        Assert.Equal(22, error.Position);
        Assert.Contains("only allowed in PATCH paths", error.Detail, StringComparison.Ordinal);
    }
}
