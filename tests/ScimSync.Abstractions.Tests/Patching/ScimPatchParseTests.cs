// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Patching;
using static ScimSync.Abstractions.Tests.Patching.PatchFixtures;

namespace ScimSync.Abstractions.Tests.Patching;

/// <summary>Table tests for <see cref="ScimPatch.Parse(ReadOnlySpan{byte}, ScimPatchOptions?)"/> (RFC 7644 §3.5.2).</summary>
public sealed class ScimPatchParseTests
{
    public static TheoryData<string, ScimErrorType> BadBodies => new()
    {
        { "{", ScimErrorType.InvalidSyntax },
        { "[]", ScimErrorType.InvalidSyntax },
        { """{"Operations":[{"op":"remove","path":"title"}]}""", ScimErrorType.InvalidSyntax },
        { """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"Operations":[{"op":"remove","path":"title"}]}""", ScimErrorType.InvalidSyntax },
        { """{"schemas":"urn:ietf:params:scim:api:messages:2.0:PatchOp","Operations":[{"op":"remove","path":"title"}]}""", ScimErrorType.InvalidSyntax },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}""", ScimErrorType.InvalidSyntax },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}""", ScimErrorType.InvalidSyntax },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":{"op":"remove","path":"title"}}""", ScimErrorType.InvalidSyntax },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":["remove"]}""", ScimErrorType.InvalidSyntax },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"path":"title"}]}""", ScimErrorType.InvalidSyntax },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"move","path":"title"}]}""", ScimErrorType.InvalidSyntax },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":1,"path":"title"}]}""", ScimErrorType.InvalidSyntax },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"title"}],"Operations":[]}""", ScimErrorType.InvalidSyntax },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"emails[type eq"}]}""", ScimErrorType.InvalidPath },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":""}]}""", ScimErrorType.InvalidPath },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":7}]}""", ScimErrorType.InvalidPath },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"title"}]}""", ScimErrorType.InvalidValue },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":null}]}""", ScimErrorType.InvalidValue },
        { """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove"}]}""", ScimErrorType.NoTarget },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public void TryParse_BadBody_ReturnsError(string body, ScimErrorType expected)
    {
        var ok = ScimPatch.TryParse(Encoding.UTF8.GetBytes(body), out var request, out var error);

        Assert.False(ok);
        Assert.Null(request);
        Assert.Equal(expected, error!.Type);
        Assert.Equal(400, error.Status);
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public void Parse_BadBody_ThrowsScimException(string body, ScimErrorType expected)
    {
        var ex = Assert.Throws<ScimException>(() => ScimPatch.Parse(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(expected, ex.Error.Type);
    }

    [Fact]
    public void TryParse_InvalidJson_ReportsBytePosition()
    {
        const string Body = "{\"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\n  \"Operations\": [}";

        Assert.False(ScimPatch.TryParse(Encoding.UTF8.GetBytes(Body), out _, out var error));
        Assert.Equal(ScimErrorType.InvalidSyntax, error!.Type);
        Assert.Equal(Body.IndexOf("[}", StringComparison.Ordinal) + 1, error.Position);
    }

    [Fact]
    public void TryParse_TooManyOperations_ReturnsTooMany()
    {
        var options = new ScimPatchOptions { MaxOperations = 2 };
        var body = Body("""[{"op":"remove","path":"title"},{"op":"remove","path":"title"},{"op":"remove","path":"title"}]""");

        Assert.False(ScimPatch.TryParse(body, out _, out var error, options));
        Assert.Equal(ScimErrorType.TooMany, error!.Type);
        Assert.True(ScimPatch.TryParse(body, out _, out _, new ScimPatchOptions { MaxOperations = 3 }));
    }

    [Fact]
    public void Options_Defaults_AreLenientAndThousandOperations()
    {
        var options = new ScimPatchOptions();

        Assert.Same(ScimCompatibility.Lenient, options.Compatibility);
        Assert.Equal(1000, options.MaxOperations);
    }

    [Fact]
    public void TryParse_ValidBody_ReadsOperationsInOrder()
    {
        var body = Encoding.UTF8.GetBytes("""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "operations":[{"OP":"add","Path":"emails[type eq \"work\"].value","VALUE":"a@b.c"},
                           {"op":"remove","path":"members[value eq \"1\"]"},
                           {"op":"replace","value":{"active":false}}]}
            """);

        Assert.True(ScimPatch.TryParse(body, out var request, out var error), error?.ToString());
        Assert.Equal([PatchOperationType.Add, PatchOperationType.Remove, PatchOperationType.Replace], request.Operations.Select(o => o.Type));
        Assert.Equal(new AttributePath(null, "emails", "value"), request.Operations[0].Path!.Attribute);
        Assert.NotNull(request.Operations[0].Path!.ValueFilter);
        Assert.Equal("a@b.c", (string?)request.Operations[0].Value);
        Assert.Null(request.Operations[1].Value);
        Assert.Null(request.Operations[2].Path);
    }

    [Fact]
    public void Parse_JsonObjectBody_MatchesByteParse()
    {
        var bytes = Body("""[{"op":"Replace","path":"name.familyName","value":"x"}]""");
        var fromBytes = ScimPatch.Parse(bytes);
        var fromObject = ScimPatch.Parse(JsonNode.Parse(bytes)!.AsObject());

        Assert.Equal(fromBytes.Operations[0].Type, fromObject.Operations[0].Type);
        Assert.Equal(fromBytes.Operations[0].Path, fromObject.Operations[0].Path);
        Assert.True(JsonNode.DeepEquals(fromBytes.Operations[0].Value, fromObject.Operations[0].Value));
    }

    [Fact]
    public void TryParse_JsonObjectWithoutOperations_ReturnsInvalidSyntax()
    {
        Assert.False(ScimPatch.TryParse(new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp") }, out _, out var error));
        Assert.Equal(ScimErrorType.InvalidSyntax, error!.Type);
    }
}
