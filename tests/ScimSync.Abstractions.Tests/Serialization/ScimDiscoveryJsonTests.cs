// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Schema;
using ScimSync.Serialization;

namespace ScimSync.Abstractions.Tests.Serialization;

public sealed class ScimDiscoveryJsonTests
{
    // Attribute definitions as printed in RFC 7643 §8.7.1, without their descriptions (ScimSync words them shorter).
    public static TheoryData<string, string?, string> Rfc7643UserAttributes => new()
    {
        { "userName", null, """{"name":"userName","type":"string","multiValued":false,"required":true,"caseExact":false,"mutability":"readWrite","returned":"default","uniqueness":"server"}""" },
        { "name", "givenName", """{"name":"givenName","type":"string","multiValued":false,"required":false,"caseExact":false,"mutability":"readWrite","returned":"default","uniqueness":"none"}""" },
        { "profileUrl", null, """{"name":"profileUrl","type":"reference","referenceTypes":["external"],"multiValued":false,"required":false,"caseExact":false,"mutability":"readWrite","returned":"default","uniqueness":"none"}""" },
        { "active", null, """{"name":"active","type":"boolean","multiValued":false,"required":false,"mutability":"readWrite","returned":"default"}""" },
        { "password", null, """{"name":"password","type":"string","multiValued":false,"required":false,"caseExact":false,"mutability":"writeOnly","returned":"never","uniqueness":"none"}""" },
        { "emails", "type", """{"name":"type","type":"string","multiValued":false,"required":false,"caseExact":false,"canonicalValues":["work","home","other"],"mutability":"readWrite","returned":"default","uniqueness":"none"}""" },
        { "emails", "primary", """{"name":"primary","type":"boolean","multiValued":false,"required":false,"mutability":"readWrite","returned":"default"}""" },
        { "phoneNumbers", "type", """{"name":"type","type":"string","multiValued":false,"required":false,"caseExact":false,"canonicalValues":["work","home","mobile","fax","pager","other"],"mutability":"readWrite","returned":"default","uniqueness":"none"}""" },
        { "photos", "value", """{"name":"value","type":"reference","referenceTypes":["external"],"multiValued":false,"required":false,"caseExact":false,"mutability":"readWrite","returned":"default","uniqueness":"none"}""" },
        { "groups", "$ref", """{"name":"$ref","type":"reference","referenceTypes":["User","Group"],"multiValued":false,"required":false,"caseExact":false,"mutability":"readOnly","returned":"default","uniqueness":"none"}""" },
        { "groups", "type", """{"name":"type","type":"string","multiValued":false,"required":false,"caseExact":false,"canonicalValues":["direct","indirect"],"mutability":"readOnly","returned":"default","uniqueness":"none"}""" },
        { "ims", "type", """{"name":"type","type":"string","multiValued":false,"required":false,"caseExact":false,"canonicalValues":["aim","gtalk","icq","xmpp","msn","skype","qq","yahoo"],"mutability":"readWrite","returned":"default","uniqueness":"none"}""" },
        { "groups", "value", """{"name":"value","type":"string","multiValued":false,"required":false,"caseExact":false,"mutability":"readOnly","returned":"default","uniqueness":"none"}""" },
        { "x509Certificates", "value", """{"name":"value","type":"binary","multiValued":false,"required":false,"caseExact":false,"mutability":"readWrite","returned":"default","uniqueness":"none"}""" },
    };

    [Theory]
    [MemberData(nameof(Rfc7643UserAttributes))]
    public void ToSchemaRepresentation_UserAttribute_MatchesRfc7643(string attribute, string? sub, string expected)
    {
        var schema = ScimDiscoveryJson.ToSchemaRepresentation(ScimCoreSchemas.User, "https://example.com/v2");

        var top = schema["attributes"]!.AsArray().Single(a => (string?)a!["name"] == attribute)!.AsObject();
        var actual = (sub is null ? top : top["subAttributes"]!.AsArray().Single(a => (string?)a!["name"] == sub)!.AsObject()).DeepClone().AsObject();
        actual.Remove("description");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual.ToJsonString());
    }

    [Theory]
    [InlineData("value", """{"name":"value","type":"string","multiValued":false,"required":false,"caseExact":false,"mutability":"immutable","returned":"default","uniqueness":"none"}""")]
    [InlineData("$ref", """{"name":"$ref","type":"reference","referenceTypes":["User","Group"],"multiValued":false,"required":false,"caseExact":false,"mutability":"immutable","returned":"default","uniqueness":"none"}""")]
    [InlineData("type", """{"name":"type","type":"string","multiValued":false,"required":false,"caseExact":false,"canonicalValues":["User","Group"],"mutability":"immutable","returned":"default","uniqueness":"none"}""")]
    public void ToSchemaRepresentation_GroupMembersSubAttribute_MatchesRfc7643(string sub, string expected)
    {
        var schema = ScimDiscoveryJson.ToSchemaRepresentation(ScimCoreSchemas.Group);

        var members = schema["attributes"]!.AsArray().Single(a => (string?)a!["name"] == "members")!;
        var actual = members["subAttributes"]!.AsArray().Single(a => (string?)a!["name"] == sub)!.DeepClone().AsObject();
        actual.Remove("description");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual.ToJsonString());
    }

    [Fact]
    public void ToSchemaRepresentation_ComplexAttribute_HasSubAttributesAndNoCaseExact()
    {
        var schema = ScimDiscoveryJson.ToSchemaRepresentation(ScimCoreSchemas.User);

        var groups = schema["attributes"]!.AsArray().Single(a => (string?)a!["name"] == "groups")!.AsObject();

        Assert.Equal("complex", (string?)groups["type"]);
        Assert.True((bool)groups["multiValued"]!);
        Assert.Equal("readOnly", (string?)groups["mutability"]);
        Assert.False(groups.ContainsKey("caseExact"));
        Assert.Equal(["value", "$ref", "display", "type"], groups["subAttributes"]!.AsArray().Select(a => (string)a!["name"]!));
    }

    [Fact]
    public void ToSchemaRepresentation_User_HasIdNameAndMeta()
    {
        var schema = ScimDiscoveryJson.ToSchemaRepresentation(ScimCoreSchemas.User, "https://example.com/v2/");

        Assert.Equal(ScimSchemas.User, (string?)schema["id"]);
        Assert.Equal("User", (string?)schema["name"]);
        Assert.Equal("User Account", (string?)schema["description"]);
        Assert.Equal(ScimCoreSchemas.User.Attributes.Count, schema["attributes"]!.AsArray().Count);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"resourceType":"Schema","location":"https://example.com/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User"}"""),
            schema["meta"]));
    }

    [Fact]
    public void ToResourceTypeRepresentation_Group_MatchesRfc7643Section86()
    {
        var expected = """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
              "id": "Group",
              "name": "Group",
              "endpoint": "/Groups",
              "description": "Group",
              "schema": "urn:ietf:params:scim:schemas:core:2.0:Group",
              "meta": {
                "location": "https://example.com/v2/ResourceTypes/Group",
                "resourceType": "ResourceType"
              }
            }
            """;

        var actual = ScimDiscoveryJson.ToResourceTypeRepresentation(new ScimSchemaRegistry().Group, "https://example.com/v2");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual.ToJsonString());
    }

    [Fact]
    public void ToResourceTypeRepresentation_UserWithRequiredExtension_ListsSchemaExtensions()
    {
        var type = new ScimResourceTypeDefinition(
            "User",
            "/Users",
            "User Account",
            ScimCoreSchemas.User,
            [new ScimSchemaExtension(ScimCoreSchemas.EnterpriseUser, Required: true)]);
        var expected = """
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
              "id": "User",
              "name": "User",
              "endpoint": "/Users",
              "description": "User Account",
              "schema": "urn:ietf:params:scim:schemas:core:2.0:User",
              "schemaExtensions": [
                {
                  "schema": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                  "required": true
                }
              ],
              "meta": {
                "location": "https://example.com/v2/ResourceTypes/User",
                "resourceType": "ResourceType"
              }
            }
            """;

        var actual = ScimDiscoveryJson.ToResourceTypeRepresentation(type, "https://example.com/v2");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual.ToJsonString());
    }
}
