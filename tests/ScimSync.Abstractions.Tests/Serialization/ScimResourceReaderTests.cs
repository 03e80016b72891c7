// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Schema;
using ScimSync.Serialization;

namespace ScimSync.Abstractions.Tests.Serialization;

public sealed class ScimResourceReaderTests
{
    private const string User = ScimSchemas.User;
    private const string Enterprise = ScimSchemas.EnterpriseUser;
    private const string Custom = "urn:example:params:scim:schemas:extension:acme:2.0:User";

    public static TheoryData<string, string> ResourceExamples => new()
    {
        { "8.1", Rfc7643Examples.MinimalUser },
        { "8.2", Rfc7643Examples.FullUser },
        { "8.3", Rfc7643Examples.EnterpriseUser },
        { "8.4", Rfc7643Examples.Group },
    };

    [Theory]
    [MemberData(nameof(ResourceExamples))]
    public void TryRead_Rfc7643ExampleStored_RoundTripsDeepEqual(string section, string example)
    {
        var text = Rfc7643Examples.Text(example);
        var original = JsonNode.Parse(text)!;
        var reader = ReaderFor(original);

        var ok = reader.TryRead(Encoding.UTF8.GetBytes(text), ScimReadMode.Stored, out var resource, out var error);

        Assert.True(ok, $"§{section}: {error}");
        Assert.True(JsonNode.DeepEquals(original, JsonNode.Parse(resource!.ToJsonString())), $"§{section}: {resource!.ToJsonString()}");
    }

    [Fact]
    public void Read_CreateMode_DropsReadOnlyAttributes()
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);

        var resource = reader.Read(Bytes(Rfc7643Examples.Text(Rfc7643Examples.EnterpriseUser)), ScimReadMode.Create);

        Assert.False(resource.ContainsKey("id"));
        Assert.False(resource.ContainsKey("meta"));
        Assert.False(resource.ContainsKey("groups"));
        Assert.Equal("bjensen@example.com", (string?)resource["userName"]);
        Assert.Equal("t1meMa$heen", (string?)resource["password"]);
        var manager = resource[Enterprise]!["manager"]!.AsObject();
        Assert.False(manager.ContainsKey("displayName"));
        Assert.Equal("26118915-6090-4610-87e4-49d8ca9f808d", (string?)manager["value"]);
    }

    [Fact]
    public void Read_MixedCaseNames_ComeOutCanonical()
    {
        var json = """
            {
              "SCHEMAS": ["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"],
              "USERNAME": "bjensen",
              "Name": { "GIVENNAME": "Barbara" },
              "Emails": [ { "VALUE": "b@example.com", "Primary": true, "TYPE": "work" } ],
              "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER": { "Department": "Tours", "MANAGER": { "Value": "42" } }
            }
            """;
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);

        var resource = reader.Read(Bytes(json), ScimReadMode.Create);

        var expected = JsonNode.Parse($$"""
            {
              "schemas": ["{{User}}", "{{Enterprise}}"],
              "userName": "bjensen",
              "name": { "givenName": "Barbara" },
              "emails": [ { "value": "b@example.com", "primary": true, "type": "work" } ],
              "{{Enterprise}}": { "department": "Tours", "manager": { "value": "42" } }
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, resource), resource.ToJsonString());
    }

    [Fact]
    public void Read_GroupWithMixedCaseMembers_ComesOutCanonical()
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().Group);
        var json = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:group"],"DISPLAYNAME":"Tour Guides","Members":[{"VALUE":"1","$REF":"../Users/1","Type":"User"}]}""";

        var resource = reader.Read(Bytes(json), ScimReadMode.Create);

        var expected = JsonNode.Parse("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Tour Guides","members":[{"value":"1","$ref":"../Users/1","type":"User"}]}""");
        Assert.True(JsonNode.DeepEquals(expected, resource), resource.ToJsonString());
    }

    [Fact]
    public void Read_UnknownAttributesInRegisteredExtension_SurviveRoundTrip()
    {
        var registry = new ScimSchemaRegistry();
        registry.AddExtension(ScimResourceTypeNames.User, new ScimSchemaDefinition(Custom, "AcmeUser", null, [new ScimAttributeDefinition { Name = "badge" }]));
        var reader = new ScimResourceReader(registry.User);
        var json = $$"""
            {
              "schemas": ["{{User}}"],
              "userName": "bjensen",
              "{{Custom.ToUpperInvariant()}}": { "BADGE": "B-7", "shoeSize": 42, "tags": ["a", { "x": null }] }
            }
            """;

        var first = reader.Read(Bytes(json), ScimReadMode.Create);
        var second = reader.Read(Bytes(first.ToJsonString()), ScimReadMode.Stored);

        var expected = JsonNode.Parse($$"""
            {
              "schemas": ["{{User}}", "{{Custom}}"],
              "userName": "bjensen",
              "{{Custom}}": { "badge": "B-7", "shoeSize": 42, "tags": ["a", { "x": null }] }
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, first), first.ToJsonString());
        Assert.True(JsonNode.DeepEquals(first, second), second.ToJsonString());
    }

    [Theory]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","nickName":null,"emails":[],"name":{},"phoneNumbers":[null]}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":null}}""")]
    public void Read_NullsAndEmptyValues_AreUnassigned(string json)
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);

        var resource = reader.Read(Bytes(json), ScimReadMode.Create);

        var expected = JsonNode.Parse($$"""{"schemas":["{{User}}"],"userName":"b"}""");
        Assert.True(JsonNode.DeepEquals(expected, resource), resource.ToJsonString());
    }

    [Theory]
    [InlineData("True", true)]
    [InlineData("false", false)]
    public void Read_BooleanStringLenient_BecomesBoolean(string text, bool expected)
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);

        var resource = reader.Read(Bytes($$"""{"schemas":["{{User}}"],"userName":"b","active":"{{text}}"}"""), ScimReadMode.Create);

        Assert.Equal(expected, resource["active"]!.GetValue<bool>());
    }

    [Fact]
    public void Read_ManagerAsStringLenient_BecomesComplex()
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);

        var resource = reader.Read(Bytes($$$"""{"schemas":["{{{User}}}"],"userName":"b","{{{Enterprise}}}":{"manager":"42"}}"""), ScimReadMode.Create);

        Assert.Equal("42", (string?)resource[Enterprise]!["manager"]!["value"]);
    }

    [Fact]
    public void Read_ExtensionWithoutSchemasEntry_AddsUrn()
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);

        var resource = reader.Read(Bytes($$$"""{"schemas":["{{{User}}}"],"userName":"b","{{{Enterprise}}}":{"department":"x"}}"""), ScimReadMode.Create);

        Assert.Equal([User, Enterprise], resource["schemas"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public void Read_UnknownAttributesLenient_AreDropped()
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);

        var resource = reader.Read(
            Bytes($$$"""{"schemas":["{{{User}}}","urn:x:unknown"],"userName":"b","shoe":1,"name":{"nick":"x"},"urn:x:unknown":{"a":1}}"""),
            ScimReadMode.Create);

        var expected = JsonNode.Parse($$"""{"schemas":["{{User}}"],"userName":"b"}""");
        Assert.True(JsonNode.DeepEquals(expected, resource), resource.ToJsonString());
    }

    [Fact]
    public void Read_StoredMode_KeepsReadOnlyAndSkipsRequiredCheck()
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);

        var resource = reader.Read(Bytes("""{"id":"1","groups":[{"value":"g","display":"G"}]}"""), ScimReadMode.Stored);

        Assert.Equal("1", (string?)resource["id"]);
        Assert.Equal("G", (string?)resource["groups"]![0]!["display"]);
        Assert.Equal(User, (string?)resource["schemas"]![0]);
    }

    [Theory]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b",}""", ScimErrorType.InvalidSyntax)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":""", ScimErrorType.InvalidSyntax)]
    [InlineData("""[1,2]""", ScimErrorType.InvalidSyntax)]
    [InlineData("""42""", ScimErrorType.InvalidSyntax)]
    [InlineData("""{"schemas":"urn:ietf:params:scim:schemas:core:2.0:User","userName":"b"}""", ScimErrorType.InvalidSyntax)]
    [InlineData("""{"schemas":[1],"userName":"b"}""", ScimErrorType.InvalidSyntax)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","USERNAME":"c"}""", ScimErrorType.InvalidSyntax)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","userName":"c"}""", ScimErrorType.InvalidSyntax)]
    [InlineData("""{"userName":"b"}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"b"}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":null}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":42}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","active":"yes"}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","active":1}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","name":"Babs"}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","emails":{"value":"x"}}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","emails":["x"]}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","nickName":["x"]}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","emails":[{"value":"a","primary":true},{"value":"b","primary":true}]}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","emails":[{"value":"a","primary":"True"},{"value":"b","primary":"true"}]}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","x509Certificates":[{"value":"not base64!"}]}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":"x"}""", ScimErrorType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":7}}}""", ScimErrorType.InvalidValue)]
    public void TryRead_InvalidUser_ReturnsError(string json, ScimErrorType expected)
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);

        var ok = reader.TryRead(Bytes(json), ScimReadMode.Create, out var resource, out var error);

        Assert.False(ok);
        Assert.Null(resource);
        Assert.Equal(expected, error!.Type);
        Assert.Equal(400, error.Status);
    }

    [Theory]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","shoe":1}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","name":{"nick":"x"}}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","urn:x:unknown":{"a":1}}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:x:unknown"],"userName":"b"}""")]
    public void TryRead_UnknownAttributeStrict_ReturnsInvalidValue(string json)
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User, new ScimReaderOptions { RejectUnknownAttributes = true });

        var ok = reader.TryRead(Bytes(json), ScimReadMode.Create, out _, out var error);

        Assert.False(ok);
        Assert.Equal(ScimErrorType.InvalidValue, error!.Type);
    }

    [Theory]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","active":"True"}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"42"}}""")]
    public void TryRead_CompatibilityShapeStrict_ReturnsInvalidValue(string json)
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User, new ScimReaderOptions { Compatibility = ScimCompatibility.Strict });

        var ok = reader.TryRead(Bytes(json), ScimReadMode.Create, out _, out var error);

        Assert.False(ok);
        Assert.Equal(ScimErrorType.InvalidValue, error!.Type);
    }

    [Theory]
    [InlineData("2008-01-23T04:56:22Z", true)]
    [InlineData("2008-01-23T04:56:22.123+02:00", true)]
    [InlineData("2008-01-23T04:56:22", true)]
    [InlineData("2008-01-23", false)]
    [InlineData("23/01/2008 04:56", false)]
    [InlineData("2008-02-30T04:56:22Z", false)]
    public void TryRead_DateTimeValue_AcceptsOnlyXsdDateTime(string value, bool valid)
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);
        var json = $$$"""{"id":"1","userName":"b","meta":{"created":"{{{value}}}"}}""";

        var ok = reader.TryRead(Bytes(json), ScimReadMode.Stored, out _, out var error);

        Assert.Equal(valid, ok);
        if (!valid)
        {
            Assert.Contains("meta.created", error!.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TryRead_InvalidValue_NamesAttributePath()
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);
        var json = $$"""{"schemas":["{{User}}"],"userName":"b","emails":[{"value":"a"},{"value":false}]}""";

        reader.TryRead(Bytes(json), ScimReadMode.Create, out _, out var error);

        Assert.Contains("emails[1].value", error!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_MalformedJson_ReportsBytePosition()
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);
        var json = "{\n  \"userName\": \"b\",\n  \"active\": tru\n}";

        reader.TryRead(Bytes(json), ScimReadMode.Create, out _, out var error);

        Assert.Equal(ScimErrorType.InvalidSyntax, error!.Type);
        // The reader stops where the literal "tru" turns out not to be "true": on the third line, at its end.
        var start = json.IndexOf("tru", StringComparison.Ordinal);
        Assert.InRange(error.Position!.Value, start, start + "tru".Length);
    }

    [Fact]
    public void TryRead_DeeperThanMaxDepth_ReturnsInvalidSyntax()
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User, new ScimReaderOptions { MaxDepth = 4 });
        var json = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","x":{"a":{"b":{"c":{"d":1}}}}}""";

        var ok = reader.TryRead(Bytes(json), ScimReadMode.Create, out _, out var error);

        Assert.False(ok);
        Assert.Equal(ScimErrorType.InvalidSyntax, error!.Type);
    }

    [Fact]
    public void TryRead_GroupWithoutDisplayName_ReturnsInvalidValue()
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().Group);

        var ok = reader.TryRead(Bytes($$"""{"schemas":["{{ScimSchemas.Group}}"],"members":[{"value":"1"}]}"""), ScimReadMode.Create, out _, out var error);

        Assert.False(ok);
        Assert.Equal(ScimErrorType.InvalidValue, error!.Type);
        Assert.Contains("displayName", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ParsedObject_LeavesInputUntouched()
    {
        var input = JsonNode.Parse($$"""{"schemas":["{{User}}"],"USERNAME":"b","id":"x"}""")!.AsObject();
        var before = input.ToJsonString();
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);

        var resource = reader.Read(input, ScimReadMode.Replace);

        Assert.Equal(before, input.ToJsonString());
        Assert.Equal("b", (string?)resource["userName"]);
        Assert.False(resource.ContainsKey("id"));
    }

    [Fact]
    public void Read_InvalidInput_ThrowsScimException()
    {
        var reader = new ScimResourceReader(new ScimSchemaRegistry().User);

        var ex = Assert.Throws<ScimException>(() => reader.Read("{}"u8, ScimReadMode.Create));

        Assert.Equal(ScimErrorType.InvalidValue, ex.Error.Type);
    }

    private static ScimResourceReader ReaderFor(JsonNode example)
    {
        var registry = new ScimSchemaRegistry();
        var isGroup = example["schemas"]!.AsArray().Any(s => (string?)s == ScimSchemas.Group);
        return new ScimResourceReader(isGroup ? registry.Group : registry.User);
    }

    private static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);
}
