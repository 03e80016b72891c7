// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using ScimSync.Patching;
using static ScimSync.Abstractions.Tests.Patching.PatchFixtures;

namespace ScimSync.Abstractions.Tests.Patching;

/// <summary>
/// The add of multi-valued attributes looks existing values up without decoding each one to a string; these
/// properties hold it to the plain rule (append the values whose key is not yet present, each once) for values
/// still in the parsed document, values built in memory, escaped, non-ASCII, long and non-string keys.
/// </summary>
public sealed class ScimPatchAddValuesPropertyTests
{
    // JSON string literals (as they appear in the document) and their values; "b\u0041" is "bA" escaped.
    private static readonly string[] s_keys =
    [
        "\"a\"", "\"A\"", "\"bA\"", "\"b\\u0041\"", "\"ba\"", "\"\u00e9t\u00e9\"", "\"\u00c9T\u00c9\"", "\"q\\\"uote\"",
        "\"" + new string('x', 300) + "\"", "\"" + new string('X', 300) + "\"", "\"" + new string('y', 127) + "\u00e9\"",
        "7", "true", "null",
    ];

    private static readonly ScimPatchEngine s_engine = new(GroupType);

    [Fact]
    public void Apply_AddMembers_MatchesReferenceModel()
    {
        Gen.Select(Gen.Int[0, s_keys.Length - 1].Array[0, 12], Gen.Int[0, s_keys.Length - 1].Array[1, 12], Gen.Bool, Gen.Bool)
            .Sample((existing, incoming, materialize, noValue) =>
            {
                var members = string.Join(",", existing.Select((k, i) => noValue && i == 0 ? "{\"display\":\"d\"}" : "{\"value\":" + s_keys[k] + "}"));
                var group = Parse("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"g","members":[""" + members + "]}");
                if (materialize)
                {
                    // Values built in memory rather than left in the parsed document.
                    foreach (var member in group["members"]!.AsArray())
                    {
                        if (member!["value"] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                        {
                            member["value"] = JsonValue.Create(v.GetValue<string>());
                        }
                    }
                }

                var stringIncoming = incoming.Where(k => s_keys[k].StartsWith('"')).ToArray();
                if (stringIncoming.Length == 0)
                {
                    return true;
                }

                var value = "[" + string.Join(",", stringIncoming.Select(k => "{\"value\":" + s_keys[k] + "}")) + "]";
                var expected = Expected(group, stringIncoming);

                var result = s_engine.Apply(group, Request("""[{"op":"add","path":"members","value":""" + value + "}]"));

                return result.Succeeded && JsonNode.DeepEquals(expected, group["members"]) &&
                       result.Changed == (expected.Count != existing.Length);
            }, iter: 500);
    }

    private static JsonArray Expected(JsonObject group, int[] incoming)
    {
        var expected = (JsonArray)group["members"]!.DeepClone();
        var keys = new HashSet<string>(expected.Select(Key), StringComparer.OrdinalIgnoreCase);
        foreach (var k in incoming)
        {
            var element = new JsonObject { ["value"] = JsonNode.Parse(s_keys[k]) };
            if (keys.Add(Key(element)))
            {
                expected.Add(element);
            }
        }

        return expected;
    }

    private static string Key(JsonNode? element) =>
        element is JsonObject obj && obj["value"] is JsonValue v
            ? v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()
            : element?.ToJsonString() ?? "null";
}
