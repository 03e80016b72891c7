// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using CsCheck;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Patching;

namespace ScimSync.Abstractions.Tests.Filtering;

public sealed class ScimFilterPropertyTests
{
    private const string NameStart = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$";
    private const string NameRest = NameStart + "0123456789-_";

    private static readonly Gen<string> s_name = Gen.OneOf(
        Gen.OneOf("userName", "emails", "value", "type", "not", "and", "or", "pr", "eq", "$ref", "x"),
        Gen.Select(Gen.Char[NameStart], Gen.String[Gen.Char[NameRest], 0, 8], (first, rest) => first + rest));

    private static readonly Gen<string?> s_uri = Gen.Frequency(
        (4, Gen.Const((string?)null)),
        (1, Gen.OneOf<string?>(
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")),
        (1, Gen.String[Gen.Char["abcXYZ019.-_:"], 1, 12].Select(s => (string?)("urn:" + s))));

    private static readonly Gen<AttributePath> s_path = Gen.Select(
        s_uri,
        s_name,
        Gen.Frequency((2, Gen.Const((string?)null)), (1, s_name.Select(n => (string?)n))),
        (uri, name, sub) => new AttributePath(uri, name, sub));

    private static readonly Gen<AttributePath> s_relativePath = s_name.Select(n => new AttributePath(null, n));

    private static readonly Gen<FilterValue> s_value = Gen.Frequency(
        (4, Gen.String.Select(FilterValue.FromString)),
        (2, Gen.Decimal.Select(FilterValue.FromNumber)),
        (1, Gen.Bool.Select(FilterValue.FromBoolean)),
        (1, Gen.Const(FilterValue.Null)));

    private static readonly Gen<FilterNode> s_filter = Filter(depth: 4, inBrackets: false);

    [Fact]
    public void FormatThenParse_RandomTree_ReturnsEqualTree()
    {
        s_filter.Sample(
            filter =>
            {
                var text = ScimFilter.Format(filter);
                Assert.True(ScimFilter.TryParse(text, out var parsed, out var error), $"{text}: {error}");
                Assert.Equal(filter, parsed);
            },
            iter: 2000,
            print: filter => filter.ToString());
    }

    [Fact]
    public void PatchPathToStringThenParse_RandomPath_ReturnsEqualPath()
    {
        var gen = Gen.Select(
            s_path,
            Gen.Frequency((1, Gen.Const((FilterNode?)null)), (2, Filter(depth: 2, inBrackets: true).Select(f => (FilterNode?)f))),
            (path, filter) => filter is null ? new PatchPath(path, null) : new PatchPath(path, filter));

        gen.Sample(
            path => Assert.Equal(path, PatchPath.Parse(path.ToString())),
            iter: 1000,
            print: path => path.ToString());
    }

    [Fact]
    public void TryParse_RandomText_NeverThrows()
    {
        var gen = Gen.String[Gen.Char["ab ()[]\"\\.:$-019eqnotandrpwsl\tu"], 0, 40];

        gen.Sample(
            text =>
            {
                if (!ScimFilter.TryParse(text, out _, out var error))
                {
                    Assert.Equal(ScimErrorType.InvalidFilter, error.Type);
                    Assert.InRange(error.Position ?? -1, 0, text.Length);
                }

                if (!PatchPath.TryParse(text, out _, out var pathError))
                {
                    Assert.Equal(ScimErrorType.InvalidPath, pathError.Type);
                }
            },
            iter: 5000);
    }

    private static Gen<FilterNode> Filter(int depth, bool inBrackets)
    {
        var path = inBrackets ? s_relativePath : s_path;
        var leaf = Gen.Frequency(
            (4, Gen.Select(path, Gen.Enum<ComparisonOperator>(), s_value, (p, op, v) => (FilterNode)new ComparisonNode(p, op, v))),
            (1, path.Select(p => (FilterNode)new PresentNode(p))));
        if (depth == 0)
        {
            return leaf;
        }

        var inner = Filter(depth - 1, inBrackets);
        var logical = Gen.Select(
            Gen.Enum<LogicalOperator>(),
            inner,
            inner,
            (op, left, right) => (FilterNode)new LogicalNode(op, left, right));
        var not = inner.Select(operand => (FilterNode)new NotNode(operand));
        if (inBrackets)
        {
            return Gen.Frequency((3, leaf), (3, logical), (1, not));
        }

        var valuePath = Gen.Select(
            s_name,
            Filter(depth - 1, inBrackets: true),
            (name, filter) => (FilterNode)new ValuePathNode(new AttributePath(null, name), filter));
        return Gen.Frequency((3, leaf), (3, logical), (1, not), (1, valuePath));
    }
}
