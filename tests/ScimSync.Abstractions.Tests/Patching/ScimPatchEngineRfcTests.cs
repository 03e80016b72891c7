// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Errors;
using static ScimSync.Abstractions.Tests.Patching.PatchFixtures;

namespace ScimSync.Abstractions.Tests.Patching;

/// <summary>Every PATCH example of RFC 7644 §3.5.2.1–§3.5.2.3, applied to the RFC 7643 §8 resources.</summary>
public sealed class ScimPatchEngineRfcTests
{
    // RFC 7644 §3.5.2.1: add a member to a group.
    [Fact]
    public void Apply_AddMemberToGroup_AppendsMember()
    {
        var (group, result) = Apply(Group, """
            [{"op":"add","path":"members","value":[{"display":"Babs Jensen","$ref":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","value":"2819c223-7f76-453a-919d-413861904646"},
                                                    {"display":"James Smith","$ref":"https://example.com/v2/Users/08e1d05d-121c-4561-8b96-473d93df9210","value":"08e1d05d-121c-4561-8b96-473d93df9210"}]}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        var members = group["members"]!.AsArray();
        Assert.Equal(3, members.Count); // Babs was already a member: not duplicated.
        Assert.Equal("08e1d05d-121c-4561-8b96-473d93df9210", (string?)members[2]!["value"]);
        Assert.Equal(["members"], result.ChangedAttributes);
    }

    // RFC 7644 §3.5.2.1: add without a path ("nickname" in the RFC's own spelling).
    [Fact]
    public void Apply_AddWithoutPath_MergesAttributesAndWritesSchemaSpelling()
    {
        var (user, result) = Apply(MinimalUser, """
            [{"op":"add","value":{"emails":[{"value":"babs@jensen.org","type":"home"}],"nickname":"Babs"}}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual("""[{"value":"babs@jensen.org","type":"home"}]""", user["emails"]);
        Assert.Equal("Babs", (string?)user["nickName"]);
        Assert.False(user.ContainsKey("nickname"));
        Assert.Equal(["emails", "nickName"], result.ChangedAttributes);
    }

    // RFC 7644 §3.5.2.1: an add of a value already present changes nothing.
    [Fact]
    public void Apply_AddExistingValue_ReportsNoChange()
    {
        var (user, result) = Apply(FullUser, """
            [{"op":"add","value":{"emails":[{"value":"babs@jensen.org","type":"home"}],"nickName":"Babs"}}]
            """);

        Assert.True(result.Succeeded);
        Assert.False(result.Changed);
        AssertJsonEqual(FullUser, user);
    }

    // RFC 7644 §3.5.2.2: remove a single member.
    [Fact]
    public void Apply_RemoveMemberByFilter_RemovesOnlyThatMember()
    {
        var (group, result) = Apply(Group, """
            [{"op":"remove","path":"members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        var members = group["members"]!.AsArray();
        Assert.Single(members);
        Assert.Equal("902c246b-6245-4190-8e05-00816be7344a", (string?)members[0]!["value"]);
    }

    // RFC 7644 §3.5.2.2: remove all members; the attribute becomes unassigned.
    [Fact]
    public void Apply_RemoveAllMembers_RemovesAttribute()
    {
        var (group, result) = Apply(Group, """[{"op":"remove","path":"members"}]""");

        Assert.True(result.Succeeded);
        Assert.False(group.ContainsKey("members"));
        Assert.Equal(["members"], result.ChangedAttributes);
    }

    // RFC 7644 §3.5.2.2: remove values selected by a complex filter.
    [Fact]
    public void Apply_RemoveByComplexFilter_RemovesMatchingValues()
    {
        var (user, result) = Apply(FullUser, """
            [{"op":"remove","path":"emails[type eq \"work\" and value ew \"example.com\"]"}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual("""[{"value":"babs@jensen.org","type":"home"}]""", user["emails"]);
    }

    // RFC 7644 §3.5.2.2: remove all members, then add new ones, in one request.
    [Fact]
    public void Apply_RemoveAllThenAdd_ReplacesMembers()
    {
        var (group, result) = Apply(Group, """
            [{"op":"remove","path":"members"},
             {"op":"add","path":"members","value":[{"display":"James Smith","$ref":"https://example.com/v2/Users/08e1d05d-121c-4561-8b96-473d93df9210","value":"08e1d05d-121c-4561-8b96-473d93df9210"}]}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual("""[{"display":"James Smith","$ref":"https://example.com/v2/Users/08e1d05d-121c-4561-8b96-473d93df9210","value":"08e1d05d-121c-4561-8b96-473d93df9210"}]""", group["members"]);
    }

    // RFC 7644 §3.5.2.3: replace all members.
    [Fact]
    public void Apply_ReplaceMembers_ReplacesAllValues()
    {
        const string Members = """
            [{"display":"Babs Jensen","$ref":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","value":"2819c223-7f76-453a-919d-413861904646"},
             {"display":"James Smith","$ref":"https://example.com/v2/Users/08e1d05d-121c-4561-8b96-473d93df9210","value":"08e1d05d-121c-4561-8b96-473d93df9210"}]
            """;
        var (group, result) = Apply(Group, $$"""[{"op":"replace","path":"members","value":{{Members}}}]""");

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual(Members, group["members"]);
    }

    // RFC 7644 §3.5.2.3: replace the work address (a value filter without a sub-attribute).
    [Fact]
    public void Apply_ReplaceFilteredValue_ReplacesMatchingElement()
    {
        const string Address = """
            {"type":"work","streetAddress":"911 Universal City Plaza","locality":"Hollywood","region":"CA","postalCode":"91608","country":"US","formatted":"911 Universal City Plaza\nHollywood, CA 91608 US","primary":true}
            """;
        var (user, result) = Apply(FullUser, $$"""[{"op":"replace","path":"addresses[type eq \"work\"]","value":{{Address}}}]""");

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual(Address, user["addresses"]![0]);
        Assert.Equal("456 Hollywood Blvd", (string?)user["addresses"]![1]!["streetAddress"]);
    }

    // RFC 7644 §3.5.2.3: replace one sub-attribute of the filtered values.
    [Fact]
    public void Apply_ReplaceFilteredSubAttribute_ChangesOnlyThatSubAttribute()
    {
        var (user, result) = Apply(FullUser, """
            [{"op":"replace","path":"addresses[type eq \"work\"].streetAddress","value":"1111 Broadway Ave"}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal("1111 Broadway Ave", (string?)user["addresses"]![0]!["streetAddress"]);
        Assert.Equal("Hollywood", (string?)user["addresses"]![0]!["locality"]);
        Assert.Equal("456 Hollywood Blvd", (string?)user["addresses"]![1]!["streetAddress"]);
        Assert.Equal(["addresses"], result.ChangedAttributes);
    }

    // RFC 7644 §3.5.2.3: replace without a path.
    [Fact]
    public void Apply_ReplaceWithoutPath_ReplacesEachAttribute()
    {
        var (user, result) = Apply(FullUser, """
            [{"op":"replace","value":{"emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],"nickname":"Babsy"}}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal("Babsy", (string?)user["nickName"]);
        Assert.Equal(["nickName"], result.ChangedAttributes); // the emails were already exactly these.
    }

    // RFC 7644 §3.5.2.3: replace of a complex attribute keeps the sub-attributes not given.
    [Fact]
    public void Apply_ReplaceComplex_MergesSubAttributes()
    {
        var (user, result) = Apply(FullUser, """[{"op":"replace","path":"name","value":{"givenName":"Barb"}}]""");

        Assert.True(result.Succeeded);
        Assert.Equal("Barb", (string?)user["name"]!["givenName"]);
        Assert.Equal("Jensen", (string?)user["name"]!["familyName"]);
    }

    // RFC 7644 §3.5.2.3: a filter that matches nothing is noTarget.
    [Fact]
    public void Apply_ReplaceFilterWithoutMatch_ReturnsNoTarget()
    {
        var (user, result) = Apply(FullUser, """
            [{"op":"replace","path":"addresses[type eq \"other\"]","value":{"type":"other","locality":"Paris"}}]
            """);

        Assert.Equal(ScimErrorType.NoTarget, result.Error?.Type);
        AssertJsonEqual(FullUser, user);
    }

    // RFC 7644 §3.5.2.1: add to a single-valued attribute replaces it; to a complex attribute merges.
    [Theory]
    [InlineData("""{"op":"add","path":"title","value":"Head Guide"}""", "title", "\"Head Guide\"")]
    [InlineData("""{"op":"add","path":"name","value":{"givenName":"Barb"}}""", "name", """{"formatted":"Ms. Barbara J Jensen, III","familyName":"Jensen","givenName":"Barb","middleName":"Jane","honorificPrefix":"Ms.","honorificSuffix":"III"}""")]
    [InlineData("""{"op":"add","path":"name.givenName","value":"Barb"}""", "name", """{"formatted":"Ms. Barbara J Jensen, III","familyName":"Jensen","givenName":"Barb","middleName":"Jane","honorificPrefix":"Ms.","honorificSuffix":"III"}""")]
    [InlineData("""{"op":"add","path":"phoneNumbers","value":[{"value":"555-555-1111","type":"home"}]}""", "phoneNumbers", """[{"value":"555-555-5555","type":"work"},{"value":"555-555-4444","type":"mobile"},{"value":"555-555-1111","type":"home"}]""")]
    [InlineData("""{"op":"remove","path":"name.middleName"}""", "name", """{"formatted":"Ms. Barbara J Jensen, III","familyName":"Jensen","givenName":"Barbara","honorificPrefix":"Ms.","honorificSuffix":"III"}""")]
    [InlineData("""{"op":"remove","path":"emails[type eq \"home\"].type"}""", "emails", """[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org"}]""")]
    [InlineData("""{"op":"replace","path":"active","value":false}""", "active", "false")]
    [InlineData("""{"op":"replace","path":"emails[value eq \"babs@jensen.org\"].primary","value":true}""", "emails", """[{"value":"bjensen@example.com","type":"work","primary":false},{"value":"babs@jensen.org","type":"home","primary":true}]""")]
    [InlineData("""{"op":"add","path":"emails","value":[{"value":"b@new.example","type":"other","primary":true}]}""", "emails", """[{"value":"bjensen@example.com","type":"work","primary":false},{"value":"babs@jensen.org","type":"home"},{"value":"b@new.example","type":"other","primary":true}]""")]
    public void Apply_SingleOperation_ProducesExpectedAttribute(string operation, string attribute, string expected)
    {
        var (user, result) = Apply(FullUser, "[" + operation + "]");

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual(expected, user[attribute]);
        Assert.Equal([attribute], result.ChangedAttributes.Select(p => p.Split('.')[0]).Distinct());
    }

    // RFC 7643 §3 and §8.3: extension attributes live under the URN; the URN tracks whether any is present.
    [Fact]
    public void Apply_AddExtensionAttributeToUserWithoutExtension_CreatesObjectAndSchemaUrn()
    {
        var (user, result) = Apply(MinimalUser, """
            [{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Tour Operations"}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual("""{"department":"Tour Operations"}""", user[EnterpriseUrn]);
        Assert.Contains(user["schemas"]!.AsArray(), s => (string?)s == EnterpriseUrn);
        Assert.Equal([EnterpriseUrn + ":department"], result.ChangedAttributes);
    }

    [Fact]
    public void Apply_AddWithoutPathUrnKeyedObject_MergesIntoExtension()
    {
        var (user, result) = Apply(MinimalUser, """
            [{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"42","manager":{"value":"boss"}}}}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual("""{"employeeNumber":"42","manager":{"value":"boss"}}""", user[EnterpriseUrn]);
        AssertJsonEqual($"""["urn:ietf:params:scim:schemas:core:2.0:User","{EnterpriseUrn}"]""", user["schemas"]);
    }

    [Fact]
    public void Apply_RemoveLastExtensionAttribute_RemovesObjectAndSchemaUrn()
    {
        var (user, result) = Apply(MinimalUser, """
            [{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter","value":"4130"},
             {"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter"}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual(MinimalUser, user);
    }

    [Fact]
    public void Apply_NamesInOtherCase_WritesSchemaSpelling()
    {
        var (user, result) = Apply(FullUser, """
            [{"op":"replace","path":"NAME.FAMILYNAME","value":"Jensen-Smith"},
             {"op":"add","path":"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:COSTCENTER","value":"9"}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal("Jensen-Smith", (string?)user["name"]!["familyName"]);
        Assert.Equal("9", (string?)user[EnterpriseUrn]!["costCenter"]);
        Assert.Equal(["name.familyName", EnterpriseUrn + ":costCenter"], result.ChangedAttributes);
    }

    [Fact]
    public void Apply_ResourceWithOtherSpelling_RewritesMemberInPlace()
    {
        var user = Parse("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","DisplayName":"old","title":"t"}""");
        var result = new ScimSync.Patching.ScimPatchEngine(UserType).Apply(user, Request("""[{"op":"replace","path":"displayName","value":"new"}]"""));

        Assert.True(result.Succeeded);
        Assert.Equal("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","displayName":"new","title":"t"}""", user.ToJsonString());
    }

    // Operations that cancel out leave a net no-op: servers must not bump the version for it.
    [Theory]
    [InlineData("""[{"op":"remove","path":"title"},{"op":"add","path":"title","value":"Tour Guide"}]""")]
    [InlineData("""[{"op":"remove","path":"emails[type eq \"home\"]"},{"op":"add","path":"emails","value":[{"value":"babs@jensen.org","type":"home"}]}]""")]
    [InlineData("""[{"op":"replace","path":"name.givenName","value":"B"},{"op":"replace","value":{"name":{"givenName":"Barbara"}}}]""")]
    [InlineData("""[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter"},{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"costCenter":"4130"}}}]""")]
    public void Apply_OperationsThatCancelOut_ReportNoChange(string operations)
    {
        var (user, result) = Apply(FullUser, operations);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.False(result.Changed, string.Join(", ", result.ChangedAttributes));
        AssertJsonEqual(FullUser, user);
    }

    [Fact]
    public void Apply_OneOfTwoAttributesCancelsOut_ReportsOnlyTheOther()
    {
        var (_, result) = Apply(FullUser, """
            [{"op":"replace","path":"title","value":"x"},{"op":"replace","path":"nickName","value":"Babsy"},{"op":"replace","path":"title","value":"Tour Guide"}]
            """);

        Assert.Equal(["nickName"], result.ChangedAttributes);
    }

    // RFC 7644 §3.5.2: a path may name a whole extension by its URN.
    [Fact]
    public void Apply_PathIsExtensionUrn_ReplacesAndRemovesExtensionObject()
    {
        var (user, result) = Apply(FullUser, """
            [{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":{"costCenter":"1"}},
             {"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.False(user.ContainsKey(EnterpriseUrn));
        AssertJsonEqual("""["urn:ietf:params:scim:schemas:core:2.0:User"]""", user["schemas"]);
        Assert.Equal([EnterpriseUrn], result.ChangedAttributes);
    }
}
