// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Patching;
using static ScimSync.Abstractions.Tests.Patching.PatchFixtures;

namespace ScimSync.Abstractions.Tests.Patching;

/// <summary>Which requests <see cref="ScimPatch.TryGetMembershipChange"/> recognises, and their net effect.</summary>
public sealed class MembershipChangeTests
{
    public static TheoryData<string, bool, string[], string[]> Qualifying => new()
    {
        // Entra "Develop and plan", Update Group [Add Members]; Okta "Add a member to a Group".
        { """[{"op":"Add","path":"members","value":[{"$ref":null,"value":"a"},{"value":"b","display":"B"}]}]""", false, ["a", "b"], [] },
        // RFC 7644 §3.5.2.2 and Okta: remove by filter, also or-joined.
        { """[{"op":"remove","path":"members[value eq \"a\"]"}]""", false, [], ["a"] },
        { """[{"op":"remove","path":"members[value eq \"a\" or value eq \"b\"]"}]""", false, [], ["a", "b"] },
        // Entra "Develop and plan", Update Group [Remove Members].
        { """[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"a"}]}]""", false, [], ["a"] },
        // RFC 7644 §3.5.2.2: remove all; §3.5.2.3: replace all.
        { """[{"op":"remove","path":"members"}]""", true, [], [] },
        { """[{"op":"replace","path":"members","value":[{"value":"a"},{"value":"a"}]}]""", true, ["a"], [] },
        { """[{"op":"remove","path":"members"},{"op":"add","path":"members","value":[{"value":"c"}]}]""", true, ["c"], [] },
        // Later operations win for the same id; the URN-qualified name counts.
        { """[{"op":"add","path":"members","value":[{"value":"a"},{"value":"b"}]},{"op":"remove","path":"members[value eq \"a\"]"}]""", false, ["b"], ["a"] },
        { """[{"op":"remove","path":"members[value eq \"a\"]"},{"op":"add","path":"urn:ietf:params:scim:schemas:core:2.0:Group:members","value":[{"value":"a"}]}]""", false, ["a"], [] },
        { """[{"op":"replace","path":"members","value":[{"value":"a"}]},{"op":"remove","path":"members[value eq \"x\"]"}]""", true, ["a"], [] },
    };

    [Theory]
    [MemberData(nameof(Qualifying))]
    public void TryGetMembershipChange_MembersOnly_ReturnsNetChange(string operations, bool replacesAll, string[] added, string[] removed)
    {
        Assert.True(ScimPatch.TryGetMembershipChange(Request(operations), out var change));

        Assert.Equal(replacesAll, change.ReplacesAll);
        Assert.Equal(added, change.Added);
        Assert.Equal(removed, change.Removed);
    }

    [Theory]
    [InlineData("""[{"op":"replace","path":"displayName","value":"x"}]""")]
    [InlineData("""[{"op":"add","path":"members","value":[{"value":"a"}]},{"op":"replace","path":"displayName","value":"x"}]""")]
    [InlineData("""[{"op":"add","value":{"members":[{"value":"a"}]}}]""")]
    [InlineData("""[{"op":"remove","path":"members[display eq \"a\"]"}]""")]
    [InlineData("""[{"op":"remove","path":"members[value eq \"a\" and display eq \"b\"]"}]""")]
    [InlineData("""[{"op":"remove","path":"members[value eq \"a\"].display"}]""")]
    [InlineData("""[{"op":"replace","path":"members[value eq \"a\"].display","value":"x"}]""")]
    [InlineData("""[{"op":"add","path":"members","value":[{"display":"no value"}]}]""")]
    [InlineData("""[{"op":"add","path":"members","value":{"value":"a"}}]""")]
    public void TryGetMembershipChange_OtherShapes_ReturnsFalse(string operations)
    {
        Assert.False(ScimPatch.TryGetMembershipChange(Request(operations), out var change));
        Assert.Null(change);
    }

    [Fact]
    public void TryGetMembershipChange_RemovalByValueWhenStrict_ReturnsFalse()
    {
        var request = Request("""[{"op":"remove","path":"members","value":[{"value":"a"}]}]""");

        Assert.False(ScimPatch.TryGetMembershipChange(request, out _, ScimCompatibility.Strict));
        Assert.True(ScimPatch.TryGetMembershipChange(request, out _, ScimCompatibility.Lenient));
    }

    [Theory]
    [MemberData(nameof(Qualifying))]
    public void TryGetMembershipChange_AppliedToGroup_AgreesWithEngine(string operations, bool replacesAll, string[] added, string[] removed)
    {
        _ = replacesAll;
        _ = added;
        _ = removed;
        var group = Parse("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"g","members":[{"value":"a"},{"value":"x"},{"value":"y"}]}""");
        var request = Request(operations);
        Assert.True(ScimPatch.TryGetMembershipChange(request, out var change));

        var engine = new ScimPatchEngine(GroupType).Apply(group, request);
        var expected = change.ReplacesAll ? new List<string>() : new List<string> { "a", "x", "y" };
        expected.RemoveAll(change.Removed.Contains);
        foreach (var id in change.Added)
        {
            if (!expected.Contains(id))
            {
                expected.Add(id);
            }
        }

        Assert.True(engine.Succeeded, engine.Error?.ToString());
        var actual = group["members"]?.AsArray().Select(m => (string)m!["value"]!).Order().ToList() ?? [];
        Assert.Equal(expected.Order(), actual);
    }
}
