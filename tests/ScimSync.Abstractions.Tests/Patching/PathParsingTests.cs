// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Patching;
using static ScimSync.Abstractions.Tests.Filtering.FilterTree;

namespace ScimSync.Abstractions.Tests.Patching;

public sealed class PathParsingTests
{
    public static TheoryData<string, PatchPath> PatchPaths => new()
    {
        { "userName", new(new AttributePath(null, "userName"), null) },
        { "name.familyName", new(new AttributePath(null, "name", "familyName"), null) },
        { "emails[type eq \"work\"].value", new(new AttributePath(null, "emails", "value"), Eq("type", "work")) },
        { "members[value eq \"x\"]", new(new AttributePath(null, "members"), Eq("value", "x")) },
        {
            "members[value eq \"2819c223-7f76-453a-919d-413861904646\"].display",
            new(new AttributePath(null, "members", "display"), Eq("value", "2819c223-7f76-453a-919d-413861904646"))
        },
        {
            "addresses[type eq \"work\" and primary eq true].streetAddress",
            new(
                new AttributePath(null, "addresses", "streetAddress"),
                And(Eq("type", "work"), Cmp("primary", ComparisonOperator.Equal, FilterValue.True)))
        },
        { $"{Enterprise}:manager", new(new AttributePath(Enterprise, "manager"), null) },
        { $"{Enterprise}:manager.value", new(new AttributePath(Enterprise, "manager", "value"), null) },
        { $"{CoreUser}:emails[type eq \"work\"].value", new(new AttributePath(CoreUser, "emails", "value"), Eq("type", "work")) },
        { "emails[type eq \"work\" or (type eq \"home\" and primary pr)]", new(new AttributePath(null, "emails"), Or(Eq("type", "work"), And(Eq("type", "home"), Pr("primary")))) },
        { "EMAILS[TYPE EQ \"work\"].VALUE", new(new AttributePath(null, "EMAILS", "VALUE"), Eq("TYPE", "work")) },
        { "members[$ref pr]", new(new AttributePath(null, "members"), Pr("$ref")) },
        { "groups.$ref", new(new AttributePath(null, "groups", "$ref"), null) },
    };

    public static TheoryData<string, int, string> BadPatchPaths => new()
    {
        { "", 0, "expected an attribute path at 0" },
        { "emails[", 7, "expected an attribute path" },
        { "emails[type eq \"work\"", 21, "missing ']'" },
        { "emails[type eq \"work\"].value.x", 28, "unexpected '.'" },
        { "emails.value[type eq \"work\"]", 12, "must follow an attribute" },
        { "emails[type eq \"work\"].", 23, "expected a sub-attribute name" },
        { "emails[type eq \"work\"].1x", 23, "must start with a letter" },
        { "name..x", 5, "expected a sub-attribute name" },
        { "emails[type xx \"work\"]", 12, "unknown comparison operator 'xx'" },
        { "emails[addresses[type pr]]", 16, "cannot be nested" },
        { "userName eq \"x\"", 9, "unexpected 'e'" },
        { $"{CoreUser}:", 43, "expected an attribute name after the schema URN" },
        { "emails[type eq \"work\"]x", 22, "unexpected 'x'" },
    };

    [Theory]
    [MemberData(nameof(PatchPaths))]
    public void PatchPathParse_ValidPath_ReturnsAttributeAndFilter(string text, PatchPath expected)
    {
        Assert.True(PatchPath.TryParse(text, out var path, out var error), error?.ToString());

        Assert.Equal(expected, path);
    }

    [Theory]
    [MemberData(nameof(PatchPaths))]
    public void PatchPathToString_ParsedPath_ParsesBackToEqualPath(string text, PatchPath expected)
    {
        var formatted = PatchPath.Parse(text).ToString();

        Assert.Equal(expected, PatchPath.Parse(formatted));
    }

    [Theory]
    [InlineData("emails[type eq \"work\"].value", "emails[type eq \"work\"].value")]
    [InlineData("members[ value eq \"x\" ]", "members[value eq \"x\"]")]
    [InlineData("name.familyName", "name.familyName")]
    [InlineData("emails[TYPE Eq \"work\"]", "emails[TYPE eq \"work\"]")]
    public void PatchPathToString_Path_ReturnsCanonicalText(string text, string expected) =>
        Assert.Equal(expected, PatchPath.Parse(text).ToString());

    [Theory]
    [MemberData(nameof(BadPatchPaths))]
    public void PatchPathTryParse_BadPath_ReturnsInvalidPathAtPosition(string text, int position, string message)
    {
        Assert.False(PatchPath.TryParse(text, out var path, out var error));

        Assert.Null(path);
        Assert.Equal(ScimErrorType.InvalidPath, error.Type);
        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void PatchPathParse_BadPath_ThrowsInvalidPath()
    {
        var exception = Assert.Throws<ScimException>(() => PatchPath.Parse("emails["));

        Assert.Equal(ScimErrorType.InvalidPath, exception.Error.Type);
    }

    [Theory]
    [InlineData("userName", null, "userName", null)]
    [InlineData(" name.givenName ", null, "name", "givenName")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", Enterprise, "employeeNumber", null)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.$ref", Enterprise, "manager", "$ref")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName", CoreUser, "name", "familyName")]
    [InlineData("x-custom_1", null, "x-custom_1", null)]
    public void AttributePathParse_ValidPath_ReturnsParts(string text, string? uri, string name, string? sub)
    {
        Assert.Equal(new AttributePath(uri, name, sub), AttributePath.Parse(text));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("name.", 5)]
    [InlineData("name.givenName.x", 14)]
    [InlineData("emails[type eq \"work\"]", 6)]
    [InlineData("user name", 5)]
    [InlineData("_name", 0)]
    [InlineData("urn:x:", 6)]
    public void AttributePathTryParse_BadPath_ReturnsInvalidPathAtPosition(string text, int position)
    {
        Assert.False(AttributePath.TryParse(text, out var path, out var error));

        Assert.Null(path);
        Assert.Equal(ScimErrorType.InvalidPath, error.Type);
        Assert.Equal(position, error.Position);
    }

    [Fact]
    public void AttributePathParse_BadPath_ThrowsInvalidPath() =>
        Assert.Equal(ScimErrorType.InvalidPath, Assert.Throws<ScimException>(() => AttributePath.Parse("a.b.c")).Error.Type);

    [Theory]
    [InlineData("userName", new[] { "userName" })]
    [InlineData("userName,name.familyName", new[] { "userName", "name.familyName" })]
    [InlineData(" userName , emails.value ,\turn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager ", new[] { "userName", "emails.value", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager" })]
    [InlineData("", new string[0])]
    [InlineData("   ", new string[0])]
    public void AttributePathParseList_ValidList_ReturnsPathsInOrder(string text, string[] expected)
    {
        var paths = AttributePath.ParseList(text);

        Assert.Equal(expected.Select(Path).ToArray(), paths.ToArray());
    }

    [Theory]
    [InlineData("userName,,title", 9)]
    [InlineData("userName,", 9)]
    [InlineData(",userName", 0)]
    [InlineData("userName title", 9)]
    [InlineData("userName, name..x", 15)]
    public void AttributePathTryParseList_BadList_ReturnsInvalidPathAtPosition(string text, int position)
    {
        Assert.False(AttributePath.TryParseList(text, out var paths, out var error));

        Assert.Null(paths);
        Assert.Equal(ScimErrorType.InvalidPath, error.Type);
        Assert.Equal(position, error.Position);
    }
}
