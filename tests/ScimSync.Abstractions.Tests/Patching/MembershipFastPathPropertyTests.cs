// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using ScimSync.Patching;
using static ScimSync.Abstractions.Tests.Patching.PatchFixtures;

namespace ScimSync.Abstractions.Tests.Patching;

/// <summary>
/// TryGetMembershipChange reads member ids from the JSON text instead of building nodes; these properties hold the
/// text reader to the node walk it replaced, on every shape of element the walk accepts or rejects.
/// </summary>
public sealed class MembershipFastPathPropertyTests
{
    private static readonly string[] s_names =
    [
        "value", "Value", "VALUE", "v\\u0061lue", "V\\u0061LUE", "display", "valuex", "$ref", "type", "valu",
    ];

    private static readonly string[] s_values =
    [
        "\"id-1\"", "\"ID-1\"", "\"i\\u0064-2\"", "\"\u00e9\"", "\"\"", "null", "1", "true", "{\"value\":\"n\"}", "[\"x\",{\"a\":1}]",
    ];

    private static readonly string[] s_nonObjects = ["1", "null", "\"s\"", "[]", "[{\"value\":\"x\"}]", "false"];

    private static readonly Gen<string> s_member =
        Gen.Frequency(
            (6, Gen.Int[0, s_names.Length - 1].Array[0, 4].Select(Gen.Int[0, s_values.Length - 1].Array[4])
                .Select((names, values) => "{" + string.Join(",", names.DistinctBy(n => s_names[n].Replace("\\u0061", "a", StringComparison.Ordinal)).Select((n, i) => "\"" + s_names[n] + "\":" + s_values[values[i]])) + "}")),
            (1, Gen.Int[0, s_nonObjects.Length - 1].Select(i => s_nonObjects[i])));

    [Fact]
    public void TryReadIds_RandomArrays_AgreesWithNodeWalk()
    {
        s_member.Array[0, 6].Sample(members =>
        {
            var json = "[" + string.Join(",", members) + "]";
            var fast = new List<string>();
            var slow = new List<string>();

            var fastOk = ScimPatch.TryReadIds(Encoding.UTF8.GetBytes(json), fast);
            var slowOk = ScimPatch.TryReadIdsFromNodes(JsonNode.Parse(json), slow);

            return fastOk == slowOk && (!fastOk || fast.SequenceEqual(slow));
        }, iter: 2000);
    }

    [Fact]
    public void TryGetMembershipChange_RandomAddValues_AgreesWithNodeWalk()
    {
        s_member.Array[0, 6].Sample(members =>
        {
            var json = "[" + string.Join(",", members) + "]";
            var request = Request("""[{"op":"add","path":"members","value":""" + json + "}]");
            var ids = new List<string>();
            var expectedOk = ScimPatch.TryReadIdsFromNodes(JsonNode.Parse(json), ids);

            var ok = ScimPatch.TryGetMembershipChange(request, out var change);

            return ok == expectedOk && (!ok || change!.Added.SequenceEqual(ids.Distinct()));
        }, iter: 1000);
    }

    [Fact]
    public void TryGetMembershipChange_ValuesBuiltInMemory_AgreesWithNodeWalk()
    {
        var value = new JsonArray(
            new JsonObject { ["value"] = "a", ["display"] = 1.5 },
            new JsonObject { ["Value"] = "b" },
            new JsonObject { ["value"] = JsonValue.Create("c"), ["VALUE"] = "d" });
        var request = new PatchRequest([new PatchOperation(PatchOperationType.Add, PatchPath.Parse("members"), value)]);

        Assert.True(ScimPatch.TryGetMembershipChange(request, out var change));
        Assert.Equal(["a", "b", "c"], change.Added);
    }
}
