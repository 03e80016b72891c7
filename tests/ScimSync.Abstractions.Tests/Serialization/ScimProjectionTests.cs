// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Patching;
using ScimSync.Schema;
using ScimSync.Serialization;

namespace ScimSync.Abstractions.Tests.Serialization;

public sealed class ScimProjectionTests
{
    private const string Enterprise = ScimSchemas.EnterpriseUser;

    private const string Acme = "urn:example:params:scim:schemas:extension:acme:2.0:User";

    private static readonly ScimResourceTypeDefinition s_user = new ScimSchemaRegistry().User;

    public static TheoryData<string?, string?, string> Cases => new()
    {
        // attributes: only what is named, plus returned:always (id, schemas); meta is returned:default.
        { "userName", null, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","userName":"bjensen@example.com"}""" },
        { "USERNAME", null, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","userName":"bjensen@example.com"}""" },
        { "name.givenName", null, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","name":{"givenName":"Barbara"}}""" },
        { "emails.value,ims", null, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","emails":[{"value":"bjensen@example.com"},{"value":"babs@jensen.org"}],"ims":[{"value":"someaimhandle","type":"aim"}]}""" },
        { "emails.primary", null, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","emails":[{"primary":true}]}""" },
        { "password,id", null, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646"}""" },
        { "meta.version", null, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","meta":{"version":"W/\"3694e05e9dff591\""}}""" },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", null, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Tour Operations"}}""" },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName", null, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"displayName":"John Smith"}}}""" },
        { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", null, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984","costCenter":"4130","organization":"Universal Studios","division":"Theme Park","department":"Tour Operations","manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d","$ref":"../Users/26118915-6090-4610-87e4-49d8ca9f808d","displayName":"John Smith"}}}""" },
        // excludedAttributes: everything returned by default minus what is named; always attributes stay.
        { null, "emails,phoneNumbers,ims,photos,addresses,groups,x509Certificates,name,meta,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","externalId":"701984","userName":"bjensen@example.com","displayName":"Babs Jensen","nickName":"Babs","profileUrl":"https://login.example.com/bjensen","userType":"Employee","title":"Tour Guide","preferredLanguage":"en-US","locale":"en-US","timezone":"America/Los_Angeles","active":true}""" },
        { null, "id,schemas,userName,externalId,name,displayName,nickName,profileUrl,userType,title,preferredLanguage,locale,timezone,active,emails.type,emails.primary,phoneNumbers,ims,photos,addresses,groups,x509Certificates,meta,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","emails":[{"value":"bjensen@example.com"},{"value":"babs@jensen.org"}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Tour Operations"}}""" },
        // attributes wins when both are given.
        { "userName", "userName", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","userName":"bjensen@example.com"}""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WriteTo_AttributeLists_WritesExpectedProjection(string? attributes, string? excluded, string expected)
    {
        var resource = StoredEnterpriseUser();

        var projected = JsonNode.Parse(Write(resource, s_user, Paths(attributes), Paths(excluded)));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), projected), projected!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WriteTo_AttributeListsOnResourceAsStoresReturnIt_WritesExpectedProjection(string? attributes, string? excluded, string expected)
    {
        // Stores parse stored UTF-8 lazily (JsonNode.Parse): values written whole come straight from that document.
        var resource = JsonNode.Parse(StoredEnterpriseUser().ToJsonString())!.AsObject();

        var projected = JsonNode.Parse(Write(resource, s_user, Paths(attributes), Paths(excluded)));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), projected), projected!.ToJsonString());
    }

    [Fact]
    public void WriteTo_NeverReturnedSubAttributeOnResourceAsStoresReturnIt_IsLeftOut()
    {
        var registry = WithAcmeExtension(new ScimAttributeDefinition
        {
            Name = "keys",
            Type = ScimAttributeType.Complex,
            MultiValued = true,
            SubAttributes = [new() { Name = "label" }, new() { Name = "secret", Returned = ScimReturned.Never }],
        });
        var resource = JsonNode.Parse(
            $$$"""{"schemas":["{{{ScimSchemas.User}}}","{{{Acme}}}"],"id":"1","userName":"b","{{{Acme}}}":{"badge":"7","keys":[{"label":"a","secret":"s1"},{"label":"b","secret":"s2"}]}}""")!.AsObject();

        var json = Write(resource, registry.User, null, null);

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse($$$"""{"schemas":["{{{ScimSchemas.User}}}","{{{Acme}}}"],"id":"1","userName":"b","{{{Acme}}}":{"badge":"7","keys":[{"label":"a"},{"label":"b"}]}}"""),
            JsonNode.Parse(json)), json);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("password", null)]
    [InlineData(null, "userName")]
    public void WriteTo_AnyLists_NeverWritesPassword(string? attributes, string? excluded)
    {
        var json = Write(StoredEnterpriseUser(), s_user, Paths(attributes), Paths(excluded));

        Assert.DoesNotContain("password", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("t1meMa$heen", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8.1")]
    [InlineData("8.2")]
    [InlineData("8.3")]
    [InlineData("8.4")]
    public void WriteTo_NoLists_WritesExampleWithoutPassword(string section)
    {
        var text = Rfc7643Examples.Text(section switch
        {
            "8.1" => Rfc7643Examples.MinimalUser,
            "8.2" => Rfc7643Examples.FullUser,
            "8.3" => Rfc7643Examples.EnterpriseUser,
            _ => Rfc7643Examples.Group,
        });
        var registry = new ScimSchemaRegistry();
        var type = section == "8.4" ? registry.Group : registry.User;
        var resource = new ScimResourceReader(type).Read(Encoding.UTF8.GetBytes(text), ScimReadMode.Stored);
        var expected = JsonNode.Parse(text)!.AsObject();
        expected.Remove("password");

        var projected = ScimProjection.Project(resource, type);

        Assert.True(JsonNode.DeepEquals(expected, projected), projected.ToJsonString());
    }

    [Fact]
    public void WriteTo_ReturnedRequestAttribute_OnlyWhenNamed()
    {
        var registry = WithAcmeExtension(new ScimAttributeDefinition { Name = "secretQuestion", Returned = ScimReturned.Request });
        var resource = new ScimResourceReader(registry.User).Read(
            Encoding.UTF8.GetBytes($$$"""{"schemas":["{{{ScimSchemas.User}}}"],"id":"1","userName":"b","{{{Acme}}}":{"badge":"7","secretQuestion":"pet?","extra":1}}"""),
            ScimReadMode.Stored);

        var byDefault = Write(resource, registry.User, null, null);
        var excluded = Write(resource, registry.User, null, Paths(Acme + ":badge"));
        var requested = Write(resource, registry.User, Paths(Acme + ":secretQuestion"), null);

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse($$$"""{"schemas":["{{{ScimSchemas.User}}}","{{{Acme}}}"],"id":"1","userName":"b","{{{Acme}}}":{"badge":"7","extra":1}}"""),
            JsonNode.Parse(byDefault)), byDefault);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse($$$"""{"schemas":["{{{ScimSchemas.User}}}","{{{Acme}}}"],"id":"1","userName":"b","{{{Acme}}}":{"extra":1}}"""),
            JsonNode.Parse(excluded)), excluded);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse($$$"""{"schemas":["{{{ScimSchemas.User}}}","{{{Acme}}}"],"id":"1","{{{Acme}}}":{"secretQuestion":"pet?"}}"""),
            JsonNode.Parse(requested)), requested);
    }

    [Fact]
    public void WriteTo_ExcludedWholeExtensionSplitAtLastColon_DropsExtensionAndUrn()
    {
        // A path parser may split a bare URN at its last colon: schema "...:2.0", attribute "User".
        var excluded = new[] { new AttributePath("urn:ietf:params:scim:schemas:extension:enterprise:2.0", "User") };

        var projected = JsonNode.Parse(Write(StoredEnterpriseUser(), s_user, null, excluded))!.AsObject();

        Assert.False(projected.ContainsKey(Enterprise));
        Assert.Equal([ScimSchemas.User], projected["schemas"]!.AsArray().Select(n => (string)n!));
        Assert.True(projected.ContainsKey("emails"));
    }

    [Fact]
    public void RemoveNeverReturned_StoredUser_RemovesPasswordOnly()
    {
        var resource = StoredEnterpriseUser();
        var before = resource.Count;

        ScimProjection.RemoveNeverReturned(resource, s_user);

        Assert.False(resource.ContainsKey("password"));
        Assert.Equal(before - 1, resource.Count);
    }

    [Fact]
    public void Project_DoesNotModifyResource()
    {
        var resource = StoredEnterpriseUser();
        var before = resource.ToJsonString();

        ScimProjection.Project(resource, s_user, Paths("userName"));

        Assert.Equal(before, resource.ToJsonString());
    }

    // A registry whose User has the extension Acme: a "badge" string and the given attribute.
    private static ScimSchemaRegistry WithAcmeExtension(ScimAttributeDefinition attribute)
    {
        var registry = new ScimSchemaRegistry();
        registry.AddExtension(ScimResourceTypeNames.User, new ScimSchemaDefinition(Acme, "Acme", null, [new ScimAttributeDefinition { Name = "badge" }, attribute]));
        return registry;
    }

    private static JsonObject StoredEnterpriseUser() =>
        new ScimResourceReader(s_user).Read(Encoding.UTF8.GetBytes(Rfc7643Examples.Text(Rfc7643Examples.EnterpriseUser)), ScimReadMode.Stored);

    private static string Write(JsonObject resource, ScimResourceTypeDefinition type, IReadOnlyList<AttributePath>? attributes, IReadOnlyList<AttributePath>? excluded)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ScimProjection.WriteTo(writer, resource, type, attributes, excluded);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // A minimal stand-in for the attributes-parameter parser (built elsewhere): URN prefix up to the last colon
    // before the attribute name, then an optional ".sub".
    private static AttributePath[]? Paths(string? list) => list?.Split(',').Select(Path).ToArray();

    internal static AttributePath Path(string text)
    {
        string? schema = null;
        if (text.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            var colon = text.LastIndexOf(':');
            schema = text[..colon];
            text = text[(colon + 1)..];
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? new AttributePath(schema, text) : new AttributePath(schema, text[..dot], text[(dot + 1)..]);
    }
}
