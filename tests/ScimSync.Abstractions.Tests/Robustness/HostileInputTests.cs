// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Schema;
using ScimSync.Serialization;

namespace ScimSync.Abstractions.Tests.Robustness;

/// <summary>
/// Whatever arrives, the core answers with a <see cref="ScimError"/>: the Try methods never throw and the engine
/// never lets anything but <see cref="ScimException"/> out. Inputs are random splices of real request fragments,
/// so most of them get deep into the parsers before going wrong.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly string[] s_fragments =
    [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u00", "null", "true", "false", "\"False\"", "0", "-1", "1e999",
        "\"schemas\"", "\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"", "\"urn:ietf:params:scim:schemas:core:2.0:User\"",
        "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"", "\"Operations\"", "\"op\"", "\"Add\"",
        "\"replace\"", "\"remove\"", "\"path\"", "\"value\"", "\"members\"", "\"members[value eq \\\"x\\\"]\"",
        "\"emails[type eq \\\"work\\\"].value\"", "\"userName\"", "\"name\"", "\"givenName\"", "\"emails\"",
        "\"primary\"", "\"active\"", "\"id\"", "\"meta\"", "\"groups\"", "\"manager\"", "\"x509Certificates\"",
        "\"2011-05-13T04:42:34Z\"", "\"not-a-date\"", " ", "\u00e9", "\ud83d\ude00",
    ];

    private static readonly Gen<string> s_text =
        Gen.OneOf(Gen.OneOf(s_fragments), Gen.String[0, 4]).Array[0, 60].Select(parts => string.Concat(parts));

    private static readonly Gen<string> s_wellFormedPatch =
        Gen.Select(
            Gen.OneOf("add", "Replace", "remove", "copy"),
            Gen.OneOf(s_fragments[19..45]),
            Gen.OneOf(s_fragments),
            (op, path, value) =>
                $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"{{op}}","path":{{path}},"value":{{value}}}]}""");

    private static readonly JsonObject s_user = JsonNode.Parse("""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "id":"2819c223","userName":"bjensen","name":{"givenName":"Barbara"},"active":true,
         "emails":[{"value":"b@example.com","type":"work","primary":true}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"26118915"}}}
        """)!.AsObject();

    [Fact]
    public void ReaderAndPatch_RandomFragments_NeverThrow()
    {
        var registry = new ScimSchemaRegistry();
        var reader = new ScimResourceReader(registry.User);
        var engine = new ScimPatchEngine(registry.User);

        s_text.Sample(text =>
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            _ = reader.TryRead(bytes, ScimReadMode.Create, out _, out _);
            _ = reader.TryRead(bytes, ScimReadMode.Replace, out _, out _);
            if (ScimPatch.TryParse(bytes, out var request, out _))
            {
                ApplyToCopy(engine, request);
            }

            _ = AttributePath.TryParseList(text, out _, out _);
            _ = PatchPath.TryParse(text, out _, out _);
        }, iter: 3_000);
    }

    [Fact]
    public void PatchEngine_WellFormedRequestsWithRandomPathsAndValues_FailOnlyWithScimErrors()
    {
        var engine = new ScimPatchEngine(new ScimSchemaRegistry().User);
        var applied = 0;

        s_wellFormedPatch.Sample(body =>
        {
            if (ScimPatch.TryParse(Encoding.UTF8.GetBytes(body), out var request, out _))
            {
                ApplyToCopy(engine, request);
                Interlocked.Increment(ref applied);
            }
        }, iter: 3_000);

        // The generator must reach the engine, or this test would prove nothing.
        Assert.True(applied > 300, $"only {applied} of 3000 requests parsed");
    }

    private static void ApplyToCopy(ScimPatchEngine engine, PatchRequest request)
    {
        var copy = s_user.DeepClone().AsObject();
        var result = engine.Apply(copy, request);
        if (!result.Succeeded)
        {
            // A failed PATCH leaves the resource exactly as it was.
            Assert.True(JsonNode.DeepEquals(s_user, copy), $"half-applied: {copy.ToJsonString()}");
        }
    }
}
