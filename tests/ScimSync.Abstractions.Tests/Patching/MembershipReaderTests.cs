// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using ScimSync.Patching;
using static ScimSync.Abstractions.Tests.Patching.PatchFixtures;

namespace ScimSync.Abstractions.Tests.Patching;

/// <summary>
/// <see cref="ScimPatch.TryReadMembershipChange(ReadOnlySpan{byte}, out MembershipChange?, ScimPatchOptions?)"/>
/// is a shortcut for TryParse then TryGetMembershipChange: when it says yes, it must give their answer exactly.
/// </summary>
public sealed class MembershipReaderTests
{
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private static readonly ScimCompatibility s_caseSensitiveOps = ScimCompatibility.Lenient with { CaseInsensitivePatchOperations = false };

    public static TheoryData<string, bool, string[], string[]> Qualifying => new()
    {
        // Entra ID: add and remove by value, capitalised op names.
        { """[{"op":"Add","path":"members","value":[{"$ref":null,"value":"a"},{"value":"b","display":"B"}]}]""", false, ["a", "b"], [] },
        { """[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"a"}]}]""", false, [], ["a"] },
        // Okta and RFC 7644 §3.5.2.2: remove by filter, also or-joined.
        { """[{"op":"remove","path":"members[value eq \"a\"]"}]""", false, [], ["a"] },
        { """[{"op":"remove","path":"members[value eq \"a\" or value eq \"b\" or value eq \"c\"]"}]""", false, [], ["a", "b", "c"] },
        { """[{"op":"remove","path":"members[value eq \"a\"]","value":{"ignored":[1,2]}}]""", false, [], ["a"] },
        // Replace all, remove all (also with a null value).
        { """[{"op":"replace","path":"members","value":[{"value":"a"},{"value":"a"}]}]""", true, ["a"], [] },
        { """[{"op":"remove","path":"members"}]""", true, [], [] },
        { """[{"op":"remove","path":"members","value":null}]""", true, [], [] },
        { """[{"op":"remove","path":"members"},{"op":"add","path":"members","value":[{"value":"c"}]}]""", true, ["c"], [] },
        // The Group schema URN on the path; later operations win.
        { """[{"op":"remove","path":"members[value eq \"a\"]"},{"op":"add","path":"urn:ietf:params:scim:schemas:core:2.0:Group:members","value":[{"value":"a"}]}]""", false, ["a"], [] },
        { """[{"op":"add","path":"members","value":[{"value":"a"},{"value":"b"}]},{"op":"remove","path":"members[value eq \"a\"]"}]""", false, ["b"], ["a"] },
        // Names in any case and escaped; properties in any order; extra properties are ignored.
        { """[{"value":[{"VALUE":"a","display":{"x":[1]}},{"v\u0061lue":"b"},{"Value":"x","value":"c"}],"PATH":"Members","OP":"ADD","extra":{"op":"remove"}}]""", false, ["a", "b", "c"], [] },
        { """[{"\u006fp":"\u0061dd","path":"members","value":[{"value":"\u00e9"}]}]""", false, ["\u00e9"], [] },
    };

    public static TheoryData<string> NotQualifying => new()
    {
        // Other attributes, alone or mixed in.
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"x"}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"a"}]},{"op":"replace","path":"displayName","value":"x"}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","value":{"members":[{"value":"a"}]}}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[display eq \"a\"]"}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"urn:ietf:params:scim:schemas:core:2.0:User:members","value":[{"value":"a"}]}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"display":"no value"}]}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":1}]}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":{"value":"a"}}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":null}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members"}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":null,"value":[{"value":"a"}]}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"move","path":"members","value":[{"value":"a"}]}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq"}]}""",
        // Duplicate names (after unescaping), anywhere in the body.
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","op":"remove","path":"members"}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"a","value":"b"}]}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"a","\u0076alue":"b"}]}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members","x":[{"a":1,"a":2}]}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}],"meta":{"a":{"b":1,"b":2}}}""",
        // Invalid JSON.
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}]""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"},]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}]} x""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}]}{}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],/* c */"Operations":[{"op":"remove","path":"members"}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}],"x":"\q"}""",
        "",
        "[]",
        "null",
        // Not a PATCH request.
        """{"Operations":[{"op":"remove","path":"members"}]}""",
        """{"schemas":"urn:ietf:params:scim:api:messages:2.0:PatchOp","Operations":[{"op":"remove","path":"members"}]}""",
        """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"Operations":[{"op":"remove","path":"members"}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":{"op":"remove","path":"members"}}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"},"remove"]}""",
        // Ambiguous: two names for one member in different cases (the full path decides).
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}],"operations":[]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","Op":"add","path":"members"}]}""",
    };

    [Theory]
    [MemberData(nameof(Qualifying))]
    public void TryReadMembershipChange_MembersOnly_ReturnsNetChangeOfFullPath(string operations, bool replacesAll, string[] added, string[] removed)
    {
        var body = Body(operations);

        Assert.True(ScimPatch.TryReadMembershipChange(body, out var change));

        Assert.Equal(replacesAll, change.ReplacesAll);
        Assert.Equal(added, change.Added);
        Assert.Equal(removed, change.Removed);
        Assert.True(FullPath(body, OptionsFor(null), out var expected));
        Assert.True(Same(expected, change));
    }

    [Theory]
    [MemberData(nameof(NotQualifying))]
    public void TryReadMembershipChange_OtherBodies_ReturnsFalse(string json)
    {
        Assert.False(ScimPatch.TryReadMembershipChange(Encoding.UTF8.GetBytes(json), out var change));
        Assert.Null(change);
    }

    [Fact]
    public void TryReadMembershipChange_SchemaUrnInAnotherCase_ReturnsTrue()
    {
        var body = Encoding.UTF8.GetBytes("""{"SCHEMAS":[1,{"a":null},"URN:IETF:PARAMS:SCIM:API:MESSAGES:2.0:PATCHOP"],"operations":[{"op":"remove","path":"members"}]}""");

        Assert.True(ScimPatch.TryReadMembershipChange(body, out var change));
        Assert.True(change.ReplacesAll);
    }

    [Fact]
    public void TryReadMembershipChange_CapitalisedOpWithCaseSensitiveOps_ReturnsFalse()
    {
        var options = new ScimPatchOptions { Compatibility = s_caseSensitiveOps };

        Assert.False(ScimPatch.TryReadMembershipChange(Body("""[{"op":"Add","path":"members","value":[{"value":"a"}]}]"""), out _, options));
        Assert.True(ScimPatch.TryReadMembershipChange(Body("""[{"op":"add","path":"members","value":[{"value":"a"}]}]"""), out var change, options));
        Assert.Equal(["a"], change.Added);
    }

    [Fact]
    public void TryReadMembershipChange_RemovalByValueWhenStrict_ReturnsFalse()
    {
        var body = Body("""[{"op":"remove","path":"members","value":[{"value":"a"}]}]""");

        Assert.False(ScimPatch.TryReadMembershipChange(body, out _, new ScimPatchOptions { Compatibility = ScimCompatibility.Strict }));
        Assert.True(ScimPatch.TryReadMembershipChange(body, out var change));
        Assert.Equal(["a"], change.Removed);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void TryReadMembershipChange_OperationCount_HonoursMaxOperations(int count, bool expected)
    {
        var operations = "[" + string.Join(",", Enumerable.Repeat("""{"op":"remove","path":"members[value eq \"a\"]"}""", count)) + "]";

        Assert.Equal(expected, ScimPatch.TryReadMembershipChange(Body(operations), out _, new ScimPatchOptions { MaxOperations = 3 }));
    }

    [Theory]
    [InlineData(62)]
    [InlineData(63)]
    [InlineData(64)]
    public void TryReadMembershipChange_Nesting_AgreesWithFullPath(int depth)
    {
        var body = Encoding.UTF8.GetBytes(
            "{\"schemas\":[\"" + PatchOp + "\"],\"Operations\":[{\"op\":\"remove\",\"path\":\"members\"}],\"x\":" +
            new string('[', depth) + new string(']', depth) + "}");

        Assert.Equal(FullPath(body, OptionsFor(null), out _), ScimPatch.TryReadMembershipChange(body, out _));
    }

    [Fact]
    public void TryReadMembershipChange_Displays_AsMembersToAddReadsThem()
    {
        var body = Body("""
            [{"op":"add","path":"members","value":[{"value":"a","display":"A"},{"Value":"b","display":"B"},{"value":"c","Display":"C"},{"value":"d","display":1}]},
             {"op":"add","path":"members","value":[{"display":"A2","value":"a"}]}]
            """);

        Assert.True(ScimPatch.TryReadMembershipChange(body, out var change, out var displays));

        Assert.Equal(["a", "b", "c", "d"], change.Added);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "A2" }, displays);
        Assert.Equal(ReferenceDisplays(ScimPatch.Parse(body)), displays);
    }

    [Fact]
    public void TryReadMembershipChange_NoDisplays_ReturnsEmpty()
    {
        Assert.True(ScimPatch.TryReadMembershipChange(Body("""[{"op":"remove","path":"members"}]"""), out _, out var displays));
        Assert.Empty(displays);
        Assert.False(ScimPatch.TryReadMembershipChange("{}"u8, out _, out var none));
        Assert.Null(none);
    }

    [Theory]
    [InlineData("display")]
    [InlineData("value")]
    public void TryReadMembershipChange_InvalidUtf8_NeverDisagreesWithFullPath(string where)
    {
        var text = Encoding.UTF8.GetString(Body("""[{"op":"add","path":"members","value":[{"value":"VALUE","display":"DISPLAY"}]}]"""));
        var body = Encoding.UTF8.GetBytes(text.Replace(where.ToUpperInvariant(), "\u00e9-@", StringComparison.Ordinal));
        body[Array.IndexOf(body, (byte)'@')] = 0xFF;

        if (ScimPatch.TryReadMembershipChange(body, out var change))
        {
            Assert.True(FullPath(body, OptionsFor(null), out var expected));
            Assert.True(Same(expected, change));
        }
    }

    [Fact]
    public void TryReadMembershipChange_BenchmarkInput_MatchesFullPath()
    {
        var body = Encoding.UTF8.GetBytes(ReadInput("patch_entra_group_add100.json")["patch"]!.ToJsonString());

        Assert.True(ScimPatch.TryReadMembershipChange(body, out var change));
        Assert.Equal(100, change.Added.Count);
        Assert.True(FullPath(body, OptionsFor(null), out var expected));
        Assert.True(Same(expected, change));
    }

    [Fact]
    public void TryReadMembershipChange_MutatedBodies_TrueOnlyWithTheFullPathsAnswer()
    {
        var agreed = 0;
        var missed = 0;
        Gen.Select(MutatedBody, Gen.Int[0, 3], (json, optionsIndex) => (json, optionsIndex)).Sample(sample =>
        {
            var (json, optionsIndex) = sample;
            var body = Encoding.UTF8.GetBytes(json);
            var options = OptionsFor(optionsIndex);
            if (!ScimPatch.TryReadMembershipChange(body, out var change, out var displays, options))
            {
                if (FullPath(body, options, out _))
                {
                    Interlocked.Increment(ref missed);
                }

                return true;
            }

            Interlocked.Increment(ref agreed);
            if (!FullPath(body, options, out var expected) || !Same(expected, change))
            {
                return false;
            }

            var reference = ReferenceDisplays(ScimPatch.Parse(body, options));
            return change.Added.All(id => displays.GetValueOrDefault(id) == reference.GetValueOrDefault(id));
        }, iter: 20_000);

        // Guards the generator: mutations keep enough bodies valid for the property to say something.
        Assert.True(agreed > 500, $"only {agreed} bodies read as membership changes; {missed} left to the full path");
    }

    [Fact]
    public void TryReadMembershipChange_WellFormedBodies_ReturnsTheFullPathsAnswer()
    {
        WellFormedBody.Sample(json =>
        {
            var body = Encoding.UTF8.GetBytes(json);
            var options = OptionsFor(null);
            return ScimPatch.TryReadMembershipChange(body, out var change, options) &&
                FullPath(body, options, out var expected) && Same(expected, change);
        }, iter: 3000);
    }

    private static ScimPatchOptions OptionsFor(int? index) => index switch
    {
        1 => new ScimPatchOptions { Compatibility = ScimCompatibility.Strict },
        2 => new ScimPatchOptions { Compatibility = s_caseSensitiveOps },
        3 => new ScimPatchOptions { MaxOperations = 2 },
        _ => new ScimPatchOptions(),
    };

    private static bool FullPath(byte[] body, ScimPatchOptions options, out MembershipChange? change)
    {
        change = null;
        return ScimPatch.TryParse(body, out var request, out _, options) &&
            ScimPatch.TryGetMembershipChange(request, out change, options.Compatibility);
    }

    private static bool Same(MembershipChange? expected, MembershipChange actual) =>
        expected is not null && expected.ReplacesAll == actual.ReplacesAll &&
        expected.Added.SequenceEqual(actual.Added) && expected.Removed.SequenceEqual(actual.Removed);

    // The server's MembersToAdd rule (ScimResourceOperations): exact "value" and "display" strings of add values.
    private static Dictionary<string, string> ReferenceDisplays(PatchRequest request)
    {
        var displays = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var operation in request.Operations)
        {
            if (operation.Type == PatchOperationType.Add && operation.Value is JsonArray values)
            {
                foreach (var value in values.OfType<JsonObject>())
                {
                    if (value["value"] is JsonValue id && id.TryGetValue<string>(out var memberId) &&
                        value["display"] is JsonValue display && display.TryGetValue<string>(out var text))
                    {
                        displays[memberId] = text;
                    }
                }
            }
        }

        return displays;
    }

    private static JsonObject ReadInput(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "inputs", name)))!.AsObject();

    private static Gen<string> Pick(params string[] items) => Gen.Int[0, items.Length - 1].Select(i => items[i]);

    // Properties in a random order, sometimes one of them twice.
    private static Gen<string> ObjectOf(Gen<string[]> properties) =>
        Gen.Select(properties, Gen.Int.Array[8], Gen.Int[0, 19]).Select((props, order, duplicate) =>
        {
            var list = props.Select((p, i) => (p, order[i % order.Length])).OrderBy(x => x.Item2).Select(x => x.p).ToList();
            if (duplicate == 0 && list.Count > 0)
            {
                list.Add(list[(order[0] & 0x7FFFFFFF) % list.Count]);
            }

            return "{" + string.Join(",", list) + "}";
        });

    private static Gen<string> Optional(Gen<string> property, int percent) =>
        Gen.Select(Gen.Int[0, 99], property).Select((p, text) => p < percent ? text : "");

    private static Gen<string[]> Properties(params Gen<string>[] properties) =>
        properties.Aggregate(
            Gen.Const(Array.Empty<string>()),
            (all, one) => Gen.Select(all, one, (a, b) => b.Length == 0 ? a : (string[])[.. a, b]));

    private static readonly Gen<string> MemberElement = Gen.Frequency(
        (8, Gen.Select(Gen.Int[1, 4], Pick("", ",\"display\":\"D\"", ",\"$ref\":null")).Select((id, extra) => "{\"value\":\"id-" + id + "\"" + extra + "}")),
        (8, ObjectOf(Gen.Select(
                Pick("\"value\"", "\"Value\"", "\"VALUE\"", "\"v\\u0061lue\"", "\"display\"", "\"Display\"", "\"$ref\"", "\"type\""),
                Pick("\"id-1\"", "\"id-2\"", "\"ID-1\"", "\"i\\u0064-3\"", "\"\u00e9\"", "\"Disp\"", "null", "1", "{\"value\":\"n\"}", "[1,{\"a\":1,\"a\":2}]"))
            .Select((name, value) => name + ":" + value).Array[0, 4])),
        (1, Pick("1", "null", "\"id-1\"", "[]", "[{\"value\":\"x\"}]")));

    private static readonly Gen<string> OperationValue = Gen.Frequency(
        (6, MemberElement.Array[0, 5].Select(e => "[" + string.Join(",", e) + "]")),
        (1, Pick("null", "\"x\"", "{}", "[]", "{\"value\":\"id-1\"}")));

    private static readonly Gen<string> Operation = Gen.Frequency(
        (20, ObjectOf(Properties(
            Optional(Gen.Select(Pick("\"op\"", "\"Op\"", "\"OP\"", "\"\\u006fp\""), Gen.Frequency(
                    (8, Pick("\"add\"", "\"Add\"", "\"ADD\"", "\"remove\"", "\"Remove\"", "\"replace\"", "\"REPLACE\"", "\"\\u0061dd\"")),
                    (1, Pick("\"move\"", "1", "null"))))
                .Select((k, v) => k + ":" + v), 92),
            Optional(Gen.Select(
                Pick("\"path\"", "\"Path\"", "\"p\\u0061th\""),
Gen.Frequency(
                    (8, Pick("\"members\"", "\"Members\"", "\"urn:ietf:params:scim:schemas:core:2.0:Group:members\"",
                        "\"members[value eq \\\"id-1\\\"]\"", "\"members[value eq \\\"id-1\\\" or value eq \\\"id-2\\\"]\"")),
                    (1, Pick("\"urn:ietf:params:scim:schemas:core:2.0:User:members\"", "\"members[display eq \\\"a\\\"]\"", "\"displayName\"", "\"members[\"", "null", "1")))).Select((k, v) => k + ":" + v), 92),
            Optional(Gen.Select(Pick("\"value\"", "\"Value\"", "\"VALUE\"", "\"v\\u0061lue\""), OperationValue).Select((k, v) => k + ":" + v), 75),
            Optional(Pick("\"display\":\"x\"", "\"x\":{\"a\":[{\"b\":1,\"B\":2}]}", "\"y\":{\"a\":1,\"a\":2}", "\"z\":[[[]]]"), 20)))),
        (1, Pick("1", "null", "\"remove\"", "[]")));

    private static readonly Gen<string> MutatedBody = Gen.Select(
        ObjectOf(Properties(
            Optional(Gen.Select(
                Pick("\"schemas\"", "\"Schemas\"", "\"SCHEMAS\"", "\"sch\\u0065mas\""),
                Gen.Frequency(
                    (8, Pick("[\"" + PatchOp + "\"]", "[\"URN:IETF:params:scim:api:messages:2.0:patchop\"]", "[1,{\"a\":[]},\"" + PatchOp + "\"]")),
                    (1, Pick("[]", "\"" + PatchOp + "\"", "null", "[\"urn:ietf:params:scim:schemas:core:2.0:Group\"]")))).Select((k, v) => k + ":" + v), 95),
            Optional(Gen.Select(
                Pick("\"Operations\"", "\"operations\"", "\"OPERATIONS\"", "\"Oper\\u0061tions\""),
                Gen.Frequency((12, Operation.Array[1, 2]), (1, Operation.Array[0, 5])).Select(ops => "[" + string.Join(",", ops) + "]")).Select((k, v) => k + ":" + v), 97),
            Optional(Pick("\"id\":1", "\"meta\":{\"a\":[1,{\"b\":2}]}", "\"x\":{\"a\":1,\"a\":2}", "\"deep\":" + new string('[', 70) + new string(']', 70)), 20))),
        Gen.Frequency((20, Gen.Const("")), (1, Pick(" x", "{}", ",", "\n"))),
        Gen.Frequency((40, Gen.Const("")), (1, Gen.Const("\uFEFF"))))
        .Select((body, suffix, prefix) => prefix + body + suffix);

    private static readonly Gen<string> WellFormedMember = Gen.Select(Gen.Int[1, 30], Pick("", ",\"display\":\"D\"", ",\"$ref\":null", ",\"type\":\"User\""))
        .Select((id, extra) => "{\"value\":\"id-" + id + "\"" + extra + "}");

    private static readonly Gen<string> WellFormedOperation = Gen.OneOf(
        Gen.Select(Pick("add", "Add", "replace", "Replace", "remove", "Remove"), Pick("members", "Members", "urn:ietf:params:scim:schemas:core:2.0:Group:members"), WellFormedMember.Array[0, 6])
            .Select((op, path, members) => "{\"op\":\"" + op + "\",\"path\":\"" + path + "\",\"value\":[" + string.Join(",", members) + "]}"),
        Gen.Int[1, 30].Array[1, 3].Select(ids =>
            "{\"op\":\"remove\",\"path\":\"members[" + string.Join(" or ", ids.Select(i => "value eq \\\"id-" + i + "\\\"")) + "]\"}"),
        Gen.Const("{\"op\":\"remove\",\"path\":\"members\"}"));

    private static readonly Gen<string> WellFormedBody = WellFormedOperation.Array[1, 4]
        .Select(ops => "{\"schemas\":[\"" + PatchOp + "\"],\"Operations\":[" + string.Join(",", ops) + "]}");
}
