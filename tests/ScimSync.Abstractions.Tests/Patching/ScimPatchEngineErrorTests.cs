// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Patching;
using static ScimSync.Abstractions.Tests.Patching.PatchFixtures;

namespace ScimSync.Abstractions.Tests.Patching;

/// <summary>Each failure maps to its RFC 7644 §3.12 <c>scimType</c>, and a failed request changes nothing.</summary>
public sealed class ScimPatchEngineErrorTests
{
    public static TheoryData<string, string, ScimErrorType> Failures => new()
    {
        // RFC 7644 §3.5.2 / RFC 7643 §7: read-only and immutable attributes.
        { FullUser, """{"op":"replace","path":"id","value":"x"}""", ScimErrorType.Mutability },
        { FullUser, """{"op":"replace","path":"meta.version","value":"W/\"1\""}""", ScimErrorType.Mutability },
        { FullUser, """{"op":"remove","path":"meta"}""", ScimErrorType.Mutability },
        { FullUser, """{"op":"add","path":"groups","value":[{"value":"g2"}]}""", ScimErrorType.Mutability },
        { FullUser, """{"op":"remove","path":"groups[value eq \"e9e30dba-f08f-4109-8486-d5c6a331660a\"]"}""", ScimErrorType.Mutability },
        { FullUser, """{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName","value":"Jane"}""", ScimErrorType.Mutability },
        { FullUser, """{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"x","displayName":"Jane"}}""", ScimErrorType.Mutability },
        { Group, """{"op":"replace","path":"members[value eq \"2819c223-7f76-453a-919d-413861904646\"].value","value":"other"}""", ScimErrorType.Mutability },
        { Group, """{"op":"remove","path":"members[value eq \"2819c223-7f76-453a-919d-413861904646\"].display"}""", ScimErrorType.Mutability },

        // RFC 7644 §3.5.2.2: removing a required attribute.
        { FullUser, """{"op":"remove","path":"userName"}""", ScimErrorType.Mutability },
        { Group, """{"op":"remove","path":"displayName"}""", ScimErrorType.Mutability },
        { FullUser, """{"op":"replace","value":{"userName":null}}""", ScimErrorType.Mutability },

        // Unknown attributes and malformed targets.
        { FullUser, """{"op":"add","path":"shoeSize","value":"9"}""", ScimErrorType.InvalidPath },
        { FullUser, """{"op":"replace","path":"name.nickname","value":"x"}""", ScimErrorType.InvalidPath },
        { FullUser, """{"op":"replace","path":"emails[shoe eq \"x\"].value","value":"x"}""", ScimErrorType.InvalidPath },
        { FullUser, """{"op":"replace","path":"displayName[type eq \"x\"]","value":"x"}""", ScimErrorType.InvalidPath },
        { FullUser, """{"op":"add","value":{"shoeSize":"9"}}""", ScimErrorType.InvalidPath },
        { FullUser, """{"op":"add","path":"urn:example:unknown:2.0:User:x","value":"9"}""", ScimErrorType.InvalidPath },
        { FullUser, """{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"shoeSize":"9"}}}""", ScimErrorType.InvalidPath },

        // RFC 7643 §2.3: values must fit the attribute type.
        { FullUser, """{"op":"replace","path":"active","value":"yes"}""", ScimErrorType.InvalidValue },
        { FullUser, """{"op":"replace","path":"active","value":1}""", ScimErrorType.InvalidValue },
        { FullUser, """{"op":"replace","path":"userName","value":42}""", ScimErrorType.InvalidValue },
        { FullUser, """{"op":"replace","path":"displayName","value":["a"]}""", ScimErrorType.InvalidValue },
        { FullUser, """{"op":"replace","path":"emails","value":{"value":"a@b.c"}}""", ScimErrorType.InvalidValue },
        { FullUser, """{"op":"replace","path":"name","value":"Barbara Jensen"}""", ScimErrorType.InvalidValue },
        { FullUser, """{"op":"add","path":"name","value":{"nickname":"x"}}""", ScimErrorType.InvalidValue },
        { FullUser, """{"op":"replace","path":"emails[type eq \"work\"].value","value":5}""", ScimErrorType.InvalidValue },
        { FullUser, """{"op":"add","path":"x509Certificates","value":[{"value":"not base64!"}]}""", ScimErrorType.InvalidValue },
        { FullUser, """{"op":"add","value":"Babs"}""", ScimErrorType.InvalidValue },

        // RFC 7643 §2.4: at most one primary value.
        { FullUser, """{"op":"add","path":"emails","value":[{"value":"a@b.c","primary":true},{"value":"d@e.f","primary":true}]}""", ScimErrorType.InvalidValue },
        { FullUser, """{"op":"replace","path":"phoneNumbers[type ne \"x\"].primary","value":true}""", ScimErrorType.InvalidValue },

        // RFC 7644 §3.5.2.3: a value filter that matches nothing.
        { FullUser, """{"op":"replace","path":"addresses[type eq \"other\"]","value":{"locality":"Paris"}}""", ScimErrorType.NoTarget },
        { FullUser, """{"op":"add","path":"addresses[type eq \"other\"]","value":{"locality":"Paris"}}""", ScimErrorType.NoTarget },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Apply_InvalidOperation_ReturnsErrorTypeAndLeavesResource(string resourceJson, string operation, ScimErrorType expected)
    {
        var (resource, result) = Apply(resourceJson, "[" + operation + "]", ScimCompatibility.Strict);

        Assert.False(result.Succeeded);
        Assert.Equal(expected, result.Error!.Type);
        Assert.False(result.Changed);
        Assert.Empty(result.ChangedAttributes);
        AssertJsonEqual(resourceJson, resource);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void Apply_InvalidOperationAsThirdOperation_RollsBackFirstTwoExactly(string resourceJson, string operation, ScimErrorType expected)
    {
        var resource = Parse(resourceJson);
        var original = resource.ToJsonString();
        var type = resourceJson == Group ? GroupType : UserType;
        var first = resourceJson == Group
            ? """{"op":"add","path":"members","value":[{"value":"new-1"},{"value":"new-2"}]},{"op":"remove","path":"members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"]"}"""
            : """{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter","value":"1"},{"op":"remove","path":"emails[type eq \"home\"]"}""";
        var request = Request("[" + first + "," + operation + "]", ScimCompatibility.Strict);

        var result = new ScimPatchEngine(type, Options(ScimCompatibility.Strict)).Apply(resource, request);

        Assert.Equal(expected, result.Error?.Type);
        Assert.Equal(original, resource.ToJsonString()); // member order too, not just deep equality
    }

    [Fact]
    public void Apply_FailureAfterExtensionCreatedAndMembersRenamed_RestoresOriginal()
    {
        var resource = Parse("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","DisplayName":"x","Emails":[{"Value":"a@b.c","type":"work","primary":true},{"value":"d@e.f","type":"home"}]}""");
        var original = JsonNode.Parse(resource.ToJsonString());
        var request = Request("""
            [{"op":"replace","path":"displayName","value":"y"},
             {"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m"},
             {"op":"replace","path":"emails[type eq \"home\"].primary","value":true},
             {"op":"remove","path":"emails[type eq \"work\" or type eq \"home\"]"},
             {"op":"replace","path":"emails","value":[{"value":"z@z.z"}]},
             {"op":"replace","path":"id","value":"nope"}]
            """);

        var result = new ScimPatchEngine(UserType).Apply(resource, request);

        Assert.Equal(ScimErrorType.Mutability, result.Error?.Type);
        Assert.True(JsonNode.DeepEquals(original, resource));
        Assert.Equal(original!.ToJsonString(), resource.ToJsonString());
    }

    [Fact]
    public void ApplyOrThrow_Failure_ThrowsScimExceptionWithError()
    {
        var resource = Parse(FullUser);
        var engine = new ScimPatchEngine(UserType);

        var ex = Assert.Throws<ScimException>(() => engine.ApplyOrThrow(resource, Request("""[{"op":"replace","path":"id","value":"x"}]""")));

        Assert.Equal(ScimErrorType.Mutability, ex.Error.Type);
        Assert.Contains("Operation 0 (replace)", ex.Error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyOrThrow_Success_ReturnsChanges()
    {
        var resource = Parse(FullUser);

        var result = new ScimPatchEngine(UserType).ApplyOrThrow(resource, Request("""[{"op":"replace","path":"title","value":"Boss"}]"""));

        Assert.Equal(["title"], result.ChangedAttributes);
    }

    [Theory]
    [InlineData("""{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter","value":"1"}""")]
    [InlineData("""{"op":"replace","path":"emails[type eq \"home\"].value","value":"x@y.z"}""")]
    public void Apply_ImmutableAttributeWithValue_RejectsChangeButAcceptsFirstValue(string operation)
    {
        // A custom extension whose attributes are immutable: set once, never changed (RFC 7643 §7).
        var registry = new ScimSync.Schema.ScimSchemaRegistry();
        var type = registry.User;
        var immutable = new ScimSync.Schema.ScimSchemaDefinition(
            "urn:example:params:scim:schemas:extension:badge:2.0:User",
            "Badge",
            null,
            [new ScimSync.Schema.ScimAttributeDefinition { Name = "badgeId", Mutability = ScimSync.Schema.ScimMutability.Immutable }]);
        registry.AddExtension("User", immutable);
        type = registry.User;
        var engine = new ScimPatchEngine(type);
        var resource = Parse(MinimalUser);

        var first = engine.Apply(resource, Request("""[{"op":"add","path":"urn:example:params:scim:schemas:extension:badge:2.0:User:badgeId","value":"b1"}]"""));
        var same = engine.Apply(resource, Request("""[{"op":"replace","path":"urn:example:params:scim:schemas:extension:badge:2.0:User:badgeId","value":"b1"}]"""));
        var changed = engine.Apply(resource, Request("[" + operation + """,{"op":"replace","path":"urn:example:params:scim:schemas:extension:badge:2.0:User:badgeId","value":"b2"}]"""));

        Assert.True(first.Succeeded, first.Error?.ToString());
        Assert.True(same.Succeeded);
        Assert.False(same.Changed);
        Assert.Equal(ScimErrorType.Mutability, changed.Error?.Type);
        Assert.Equal("b1", (string?)resource["urn:example:params:scim:schemas:extension:badge:2.0:User"]!["badgeId"]);
    }
}
