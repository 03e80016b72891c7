// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using ScimSync.Patching;

namespace ScimSync.Abstractions.Tests.Patching;

/// <summary>The engine's equality agrees with JsonNode.DeepEquals on parsed, built and mixed nodes.</summary>
public sealed class JsonEqualityPropertyTests
{
    private static readonly string[] s_scalars =
    [
        "\"a\"", "\"A\"", "\"\\u0061\"", "\"\u00e9\"", "\"e\\u0301\"", "\"\"", "1", "1.0", "2", "true", "false", "null",
    ];

    private static readonly Gen<string> s_json = Gen.Recursive<string>((depth, self) =>
        depth >= 3
            ? Gen.Int[0, s_scalars.Length - 1].Select(i => s_scalars[i])
            : Gen.Frequency(
                (4, Gen.Int[0, s_scalars.Length - 1].Select(i => s_scalars[i])),
                (1, self.Array[0, 3].Select(items => "[" + string.Join(",", items) + "]")),
                (1, Gen.Select(Gen.Int[0, 3].Array[0, 3], self.Array[3])
                    .Select((names, values) => "{" + string.Join(",", names.Distinct().Select((n, i) => "\"" + "abAB"[n] + "\":" + values[i])) + "}"))));

    [Fact]
    public void DeepEquals_RandomNodes_AgreesWithJsonNodeDeepEquals()
    {
        Gen.Select(s_json, s_json, Gen.Bool, Gen.Bool, Gen.Bool).Sample((left, right, same, buildLeft, buildRight) =>
        {
            right = same ? left : right;
            var a = buildLeft ? Built(JsonNode.Parse(left)) : JsonNode.Parse(left);
            var b = buildRight ? Built(JsonNode.Parse(right)) : JsonNode.Parse(right);
            return JsonEquality.DeepEquals(a, b) == JsonNode.DeepEquals(a, b);
        }, iter: 3000);
    }

    [Fact]
    public void IsParsed_TellsParsedValuesFromBuiltOnes()
    {
        // The engine's fast paths rely on this: values of JsonNode.Parse are recognised by their type.
        Assert.True(JsonEquality.IsParsed(JsonNode.Parse("\"a\"")!.AsValue()));
        Assert.True(JsonEquality.IsParsed(JsonNode.Parse("{\"n\":1}")!["n"]!.AsValue()));
        Assert.True(JsonEquality.IsParsed(JsonNode.Parse("[true]")![0]!.DeepClone().AsValue()));
        Assert.False(JsonEquality.IsParsed(JsonValue.Create("a")));
        Assert.False(JsonEquality.IsParsed(JsonValue.Create(1)));
    }

    // The same JSON held as values built in memory (strings and booleans), as the engine builds them.
    private static JsonNode? Built(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Built(p.Value?.DeepClone())))),
        JsonArray array => new JsonArray(array.Select(i => Built(i?.DeepClone())).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => JsonValue.Create(v.GetValue<bool>()),
        _ => node?.DeepClone(),
    };
}
