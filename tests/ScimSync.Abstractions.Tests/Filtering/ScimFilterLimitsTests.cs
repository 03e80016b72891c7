// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using ScimSync.Errors;
using ScimSync.Filtering;

namespace ScimSync.Abstractions.Tests.Filtering;

public sealed class ScimFilterLimitsTests
{
    [Fact]
    public void TryParse_100000NestedParens_ReturnsInvalidFilterAtDepthLimit()
    {
        var text = new string('(', 100_000) + "title pr" + new string(')', 100_000);

        Assert.False(ScimFilter.TryParse(text, out _, out var error, new ScimFilterOptions { MaxLength = 1_000_000 }));

        Assert.Equal(ScimErrorType.InvalidFilter, error.Type);
        Assert.Equal(32, error.Position);
        Assert.Contains("maximum of 32 levels", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_100000NestedNots_ReturnsInvalidFilter()
    {
        var text = string.Concat(Enumerable.Repeat("not (", 100_000)) + "title pr" + new string(')', 100_000);

        Assert.False(ScimFilter.TryParse(text, out _, out var error, new ScimFilterOptions { MaxLength = 1_000_000 }));

        Assert.Equal(ScimErrorType.InvalidFilter, error.Type);
        Assert.Equal(32 * 5 + 4, error.Position);
    }

    [Fact]
    public void TryParse_100000NestedParensWithDefaultOptions_ReturnsLengthError()
    {
        var text = new string('(', 100_000) + "title pr" + new string(')', 100_000);

        Assert.False(ScimFilter.TryParse(text, out _, out var error));

        Assert.Equal(ScimErrorType.InvalidFilter, error.Type);
        Assert.Equal(16384, error.Position);
        Assert.Contains("longer than the maximum of 16384", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(32, true)]
    [InlineData(33, false)]
    public void TryParse_NestingAtDefaultLimit_AcceptsUpTo32(int depth, bool valid)
    {
        var text = new string('(', depth) + "title pr" + new string(')', depth);

        Assert.Equal(valid, ScimFilter.TryParse(text, out _, out _));
    }

    [Fact]
    public void TryParse_MaxDepthOption_IsHonoured()
    {
        var options = new ScimFilterOptions { MaxDepth = 2 };

        Assert.True(ScimFilter.TryParse("((a pr))", out _, out _, options));
        Assert.False(ScimFilter.TryParse("(((a pr)))", out _, out var error, options));
        Assert.Equal(2, error.Position);
        Assert.True(ScimFilter.TryParse("not ((a pr))", out _, out _, options));
        Assert.False(ScimFilter.TryParse("not (((a pr)))", out _, out _, options));
        Assert.False(ScimFilter.TryParse("(emails[type pr])", out _, out _, new ScimFilterOptions { MaxDepth = 1 }));
    }

    [Fact]
    public void Parse_OrChainOf200Terms_ReturnsLeftDeepTree()
    {
        var filter = ScimFilter.Parse(OrChain(200));

        var count = 1;
        while (filter is LogicalNode { Operator: LogicalOperator.Or } or)
        {
            Assert.IsType<ComparisonNode>(or.Right);
            filter = or.Left;
            count++;
        }

        Assert.Equal(200, count);
    }

    [Fact]
    public void TryParse_OrChainOf300Terms_RejectedByDefault()
    {
        var text = OrChain(300);

        Assert.False(ScimFilter.TryParse(text, out _, out var error));

        Assert.Equal(ScimErrorType.InvalidFilter, error.Type);
        Assert.Contains("maximum of 256 attribute expressions", error.Detail, StringComparison.Ordinal);
        Assert.Equal(text.IndexOf("userName eq \"u256\"", StringComparison.Ordinal), error.Position);
    }

    [Fact]
    public void TryParse_OrChainOf300TermsWithHigherMaxTerms_Succeeds()
    {
        Assert.True(ScimFilter.TryParse(OrChain(300), out _, out _, new ScimFilterOptions { MaxTerms = 300 }));
    }

    [Fact]
    public void TryParse_TermsInsideValueFilters_CountTowardMaxTerms()
    {
        var options = new ScimFilterOptions { MaxTerms = 2 };

        Assert.True(ScimFilter.TryParse("emails[type eq \"a\" and value pr]", out _, out _, options));
        Assert.False(ScimFilter.TryParse("emails[type eq \"a\" and value pr] or title pr", out _, out _, options));
    }

    [Fact]
    public void TryParse_AndChainOf256Terms_DoesNotCountTowardDepth()
    {
        var text = string.Join(" and ", Enumerable.Range(0, 256).Select(i => $"(x{i} pr)"));

        Assert.True(ScimFilter.TryParse(text, out _, out var error), error?.ToString());
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(101, false)]
    public void TryParse_MaxLengthOption_IsHonoured(int length, bool valid)
    {
        var text = "displayName eq \"" + new string('x', length - 17) + "\"";
        Assert.Equal(length, text.Length);

        Assert.Equal(valid, ScimFilter.TryParse(text, out _, out _, new ScimFilterOptions { MaxLength = 100 }));
    }

    [Fact]
    public void ScimFilterOptions_Defaults_MatchDocumentedValues()
    {
        var options = new ScimFilterOptions();

        Assert.Equal(16384, options.MaxLength);
        Assert.Equal(32, options.MaxDepth);
        Assert.Equal(256, options.MaxTerms);
    }

    [Fact]
    public void TryParse_NullOptions_UsesDefaultTermLimit()
    {
        Assert.True(ScimFilter.TryParse(OrChain(256), out _, out _, options: null));
        Assert.False(ScimFilter.TryParse(OrChain(257), out _, out _, options: null));
    }

    private static string OrChain(int terms)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < terms; i++)
        {
            if (i > 0)
            {
                builder.Append(" or ");
            }

            builder.Append("userName eq \"u").Append(i).Append('"');
        }

        return builder.ToString();
    }
}
