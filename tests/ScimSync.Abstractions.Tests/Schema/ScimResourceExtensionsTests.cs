// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Schema;

namespace ScimSync.Abstractions.Tests.Schema;

public sealed class ScimResourceExtensionsTests
{
    private const string Core = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string Custom = "urn:example:params:scim:schemas:extension:custom:2.0:User";
    private const string CustomUpper = "URN:EXAMPLE:PARAMS:SCIM:SCHEMAS:EXTENSION:CUSTOM:2.0:USER";

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static JsonObject Extension(string value) => new() { ["value"] = value };

    private static void AssertJson(string expected, JsonObject actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual.ToJsonString());

    private static JsonObject EnterpriseUser() => Parse($$"""
        {
          "schemas": ["{{Core}}", "{{Enterprise}}"],
          "userName": "ada",
          "{{Enterprise}}": { "employeeNumber": "701984" }
        }
        """);

    [Fact]
    public void Set_OnResourceWithoutSchemas_AddsTheObjectAndTheSchemas()
    {
        var resource = Parse("""{ "userName": "ada" }""");

        resource.SetExtension(Custom, Extension("a"));

        AssertJson($$"""{ "userName": "ada", "schemas": ["{{Custom}}"], "{{Custom}}": { "value": "a" } }""", resource);
    }

    [Fact]
    public void Set_ListsTheUrnAfterTheOthersAndLeavesOtherExtensionsAlone()
    {
        var resource = EnterpriseUser();

        resource.SetExtension(Custom, Extension("a"));

        AssertJson(
            $$"""
            {
              "schemas": ["{{Core}}", "{{Enterprise}}", "{{Custom}}"],
              "userName": "ada",
              "{{Enterprise}}": { "employeeNumber": "701984" },
              "{{Custom}}": { "value": "a" }
            }
            """,
            resource);
    }

    [Fact]
    public void Set_WhenSchemasListsTheUrnInOtherCase_DoesNotListItAgain()
    {
        var resource = EnterpriseUser();
        resource["schemas"]!.AsArray().Add(CustomUpper);

        resource.SetExtension(Custom, Extension("a"));

        Assert.Equal([Core, Enterprise, CustomUpper], resource["schemas"]!.AsArray().Select(s => (string?)s));
        AssertJson("""{ "value": "a" }""", resource[Custom]!.AsObject());
    }

    [Fact]
    public void Set_WhenTheUrnIsTheFirstSchema_DoesNotListItAgain()
    {
        var resource = Parse($$"""{ "schemas": ["{{Custom}}", "{{Core}}"] }""");

        resource.SetExtension(Custom, Extension("a"));

        AssertJson($$"""{ "schemas": ["{{Custom}}", "{{Core}}"], "{{Custom}}": { "value": "a" } }""", resource);
    }

    [Theory]
    [InlineData(Custom)]
    [InlineData(CustomUpper)]
    [InlineData("urn:example:params:scim:schemas:extension:custom:2.0:user")]
    public void Set_ReplacesTheEarlierObjectWhateverItsCase(string earlierKey)
    {
        var resource = EnterpriseUser();
        resource[earlierKey] = Parse("""{ "value": "old", "other": 1 }""");
        resource["schemas"]!.AsArray().Add(earlierKey);

        resource.SetExtension(Custom, Extension("new"));

        var keys = resource.Select(p => p.Key).Where(k => string.Equals(k, Custom, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal([Custom], keys);
        AssertJson("""{ "value": "new" }""", resource[Custom]!.AsObject());
        Assert.Single(resource["schemas"]!.AsArray(), s => string.Equals((string?)s, Custom, StringComparison.OrdinalIgnoreCase));
        AssertJson("""{ "employeeNumber": "701984" }""", resource[Enterprise]!.AsObject());
        Assert.Equal("ada", (string?)resource["userName"]);
    }

    [Fact]
    public void Set_TheSameObjectAgain_KeepsIt()
    {
        var resource = EnterpriseUser();
        var extension = Extension("a");
        resource.SetExtension(Custom, extension);

        resource.SetExtension(Custom, extension);

        Assert.Same(extension, resource[Custom]);
        Assert.Equal([Core, Enterprise, Custom], resource["schemas"]!.AsArray().Select(s => (string?)s));
    }

    [Theory]
    [InlineData(Custom, Custom)]
    [InlineData(Custom, CustomUpper)]
    [InlineData(CustomUpper, Custom)]
    public void Remove_RemovesTheObjectAndTheUrnOnly(string listedAs, string removeAs)
    {
        var resource = EnterpriseUser();
        resource["schemas"]!.AsArray().Add(listedAs);
        resource[listedAs] = Extension("a");

        resource.SetExtension(removeAs, null);

        AssertJson(
            $$"""
            {
              "schemas": ["{{Core}}", "{{Enterprise}}"],
              "userName": "ada",
              "{{Enterprise}}": { "employeeNumber": "701984" }
            }
            """,
            resource);
    }

    [Fact]
    public void Remove_WhenAbsent_ChangesNothing()
    {
        var resource = EnterpriseUser();
        var bare = Parse("""{ "userName": "ada" }""");

        resource.SetExtension(Custom, null);
        bare.SetExtension(Custom, null);

        AssertJson(EnterpriseUser().ToJsonString(), resource);
        AssertJson("""{ "userName": "ada" }""", bare);
    }

    [Fact]
    public void Remove_TheLastSchema_LeavesAnEmptyList()
    {
        var resource = Parse($$"""{ "schemas": ["{{Custom}}"], "{{Custom}}": { "value": "a" } }""");

        resource.SetExtension(Custom, null);

        AssertJson("""{ "schemas": [] }""", resource);
    }

    [Fact]
    public void Remove_UrnListedTwiceInDifferentCase_RemovesBoth()
    {
        var resource = Parse($$"""{ "schemas": ["{{Core}}", "{{Custom}}", "{{CustomUpper}}"], "{{Custom}}": { "value": "a" } }""");

        resource.SetExtension(Custom, null);

        AssertJson($$"""{ "schemas": ["{{Core}}"] }""", resource);
    }

    [Fact]
    public void Set_ObjectPresentUnderTwoSpellings_KeepsOnlyTheNewOne()
    {
        var resource = Parse($$"""{ "schemas": ["{{Core}}"], "{{CustomUpper}}": { "value": "old1" }, "{{Custom.ToLowerInvariant()}}": { "value": "old2" } }""");

        resource.SetExtension(Custom, Extension("new"));

        AssertJson($$"""{ "schemas": ["{{Core}}", "{{Custom}}"], "{{Custom}}": { "value": "new" } }""", resource);
    }

    [Fact]
    public void SchemasEntriesThatAreNotStrings_AreKept()
    {
        var resource = Parse($$"""{ "schemas": ["{{Core}}", 5, null, { "x": 1 }] }""");

        resource.SetExtension(Custom, Extension("a"));
        resource.SetExtension(Enterprise, null);

        AssertJson($$"""{ "schemas": ["{{Core}}", 5, null, { "x": 1 }, "{{Custom}}"], "{{Custom}}": { "value": "a" } }""", resource);
    }

    [Fact]
    public void ArgumentChecks()
    {
        var resource = new JsonObject();

        Assert.Throws<ArgumentNullException>(() => ScimResourceExtensions.SetExtension(null!, Custom, Extension("a")));
        Assert.Throws<ArgumentNullException>(() => resource.SetExtension(null!, Extension("a")));
        Assert.Throws<ArgumentException>(() => resource.SetExtension("", Extension("a")));
        Assert.Throws<ArgumentException>(() => resource.SetExtension("   ", null));
        Assert.Empty(resource);
    }
}
