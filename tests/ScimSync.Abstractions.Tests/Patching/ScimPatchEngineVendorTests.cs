// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Errors;
using static ScimSync.Abstractions.Tests.Patching.PatchFixtures;

namespace ScimSync.Abstractions.Tests.Patching;

/// <summary>
/// The request shapes Microsoft Entra ID and Okta send, each with its tolerance switch on (the default) and off.
/// </summary>
/// <remarks>
/// Sources: Entra "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID"
/// (learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups, "Request examples");
/// Entra "Known issues and resolutions with SCIM 2.0 protocol compliance of the Microsoft Entra user provisioning
/// service" (learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility,
/// the before/after table of the aadOptscim062020 flag); Okta "Okta and SCIM Version 2.0"
/// (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20, "Update a specific User (PATCH)" and the group
/// operations).
/// </remarks>
public sealed class ScimPatchEngineVendorTests
{
    private static readonly ScimCompatibility Lenient = ScimCompatibility.Lenient;

    // Entra "Develop and plan", Update User [Multi-valued properties].
    [Fact]
    public void Apply_EntraReplaceWorkEmailAndFamilyName_UpdatesBoth()
    {
        var (user, result) = Apply(FullUser, """
            [{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"},
             {"op":"Replace","path":"name.familyName","value":"updatedFamilyName"}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal("updatedEmail@microsoft.com", (string?)user["emails"]![0]!["value"]);
        Assert.Equal("updatedFamilyName", (string?)user["name"]!["familyName"]);
        Assert.Equal(["emails", "name.familyName"], result.ChangedAttributes);
    }

    // Entra "Develop and plan", Update User [Single-valued properties] and Disable User.
    [Theory]
    [InlineData("""[{"op":"Replace","path":"userName","value":"5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"}]""", "userName", "\"5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com\"")]
    [InlineData("""[{"op":"Replace","path":"active","value":false}]""", "active", "false")]
    [InlineData("""[{"op":"Add","path":"nickName","value":"Babsy"}]""", "nickName", "\"Babsy\"")]
    public void Apply_EntraSingleValuedUpdate_SetsValue(string operations, string attribute, string expected)
    {
        var (user, result) = Apply(FullUser, operations);

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual(expected, user[attribute]);
    }

    // Entra sends capitalised op names (compliance doc; every "Develop and plan" example).
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Parse_CapitalisedOp_DependsOnCaseInsensitivePatchOperations(bool tolerate)
    {
        var options = Options(Lenient with { CaseInsensitivePatchOperations = tolerate });
        var ok = ScimSync.Patching.ScimPatch.TryParse(Body("""[{"op":"Replace","path":"active","value":false}]"""), out _, out var error, options);

        Assert.Equal(tolerate, ok);
        Assert.Equal(tolerate ? (ScimErrorType?)null : ScimErrorType.InvalidSyntax, error?.Type);
    }

    // Entra compliance doc: {"op":"Replace","path":"active","value":"False"}.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Apply_ActiveAsFalseString_DependsOnBooleanStrings(bool tolerate)
    {
        var (user, result) = Apply(FullUser, """[{"op":"Replace","path":"active","value":"False"}]""", Lenient with { BooleanStrings = tolerate });

        if (tolerate)
        {
            Assert.True(result.Succeeded);
            AssertJsonEqual("false", user["active"]);
        }
        else
        {
            Assert.Equal(ScimErrorType.InvalidValue, result.Error?.Type);
            AssertJsonEqual(FullUser, user);
        }
    }

    // Entra "Develop and plan", Update Group [Add Members]: note "$ref": null.
    [Fact]
    public void Apply_EntraAddMembersWithNullRef_AddsMemberWithoutRef()
    {
        var (group, result) = Apply(Group, """
            [{"op":"Add","path":"members","value":[{"$ref":null,"value":"f648f8d5ea4e4cd38e9c"}]}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual("""{"value":"f648f8d5ea4e4cd38e9c"}""", group["members"]![2]);
    }

    // Entra "Develop and plan", Update Group [Remove Members], and the compliance doc's pre-fix form.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Apply_EntraRemoveMembersByValueList_DependsOnMemberRemovalByValue(bool tolerate)
    {
        var (group, result) = Apply(Group, """
            [{"op":"Remove","path":"members","value":[{"$ref":null,"value":"2819c223-7f76-453a-919d-413861904646"}]}]
            """, Lenient with { MemberRemovalByValue = tolerate });

        if (tolerate)
        {
            Assert.True(result.Succeeded, result.Error?.ToString());
            Assert.Single(group["members"]!.AsArray());
            Assert.Equal("902c246b-6245-4190-8e05-00816be7344a", (string?)group["members"]![0]!["value"]);
        }
        else
        {
            Assert.Equal(ScimErrorType.InvalidValue, result.Error?.Type);
            AssertJsonEqual(Group, group);
        }
    }

    // Entra compliance doc (post-fix form) and Okta "Remove a member from a Group": the standard filter form.
    [Fact]
    public void Apply_RemoveMemberByValueFilter_RemovesMember()
    {
        var (group, result) = Apply(Group, """
            [{"op":"remove","path":"members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"]"}]
            """, ScimCompatibility.Strict);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Single(group["members"]!.AsArray());
    }

    // Entra manager forms: a bare id string, an object, and removal naming the manager.
    [Theory]
    [InlineData("\"boss-id\"")]
    [InlineData("""{"value":"boss-id"}""")]
    public void Apply_EntraManagerReplace_SetsManagerValue(string value)
    {
        var (user, result) = Apply(MinimalUser, $$"""
            [{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{{value}}}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual("""{"manager":{"value":"boss-id"}}""", user[EnterpriseUrn]);
    }

    [Fact]
    public void Apply_ManagerAsStringOff_RejectsBareString()
    {
        var (user, result) = Apply(MinimalUser, """
            [{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"boss-id"}]
            """, Lenient with { ManagerAsString = false });

        Assert.Equal(ScimErrorType.InvalidValue, result.Error?.Type);
        AssertJsonEqual(MinimalUser, user);
    }

    [Theory]
    [InlineData("""[{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}]""", true, true)]
    [InlineData("\"26118915-6090-4610-87e4-49d8ca9f808d\"", true, true)]
    [InlineData("""[{"value":"someone-else"}]""", true, false)]
    [InlineData("""[{"value":"someone-else"}]""", false, true)]
    public void Apply_EntraManagerRemoveWithValue_RemovesOnlyCurrentManager(string value, bool tolerate, bool removed)
    {
        var (user, result) = Apply(FullUser, $$"""
            [{"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{{value}}}]
            """, Lenient with { ManagerAsString = tolerate });

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(!removed, user[EnterpriseUrn]!.AsObject().ContainsKey("manager"));
        Assert.Equal(removed, result.Changed);
    }

    [Fact]
    public void Apply_ManagerRemoveWithoutValue_RemovesManager()
    {
        var (user, result) = Apply(FullUser, """
            [{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}]
            """, ScimCompatibility.Strict);

        Assert.True(result.Succeeded);
        Assert.False(user[EnterpriseUrn]!.AsObject().ContainsKey("manager"));
    }

    // Entra replaces emails[type eq "work"].value on a user who has no work email yet.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Apply_ReplaceWorkEmailWithoutWorkEmail_DependsOnReplaceCreatesFilteredValue(bool tolerate)
    {
        var (user, result) = Apply(MinimalUser, """
            [{"op":"Replace","path":"emails[type eq \"work\"].value","value":"new@contoso.com"}]
            """, Lenient with { ReplaceCreatesFilteredValue = tolerate });

        if (tolerate)
        {
            Assert.True(result.Succeeded, result.Error?.ToString());
            AssertJsonEqual("""[{"type":"work","value":"new@contoso.com"}]""", user["emails"]);
        }
        else
        {
            Assert.Equal(ScimErrorType.NoTarget, result.Error?.Type);
            AssertJsonEqual(MinimalUser, user);
        }
    }

    [Fact]
    public void Apply_ReplaceHomeEmailWhenOnlyWorkExists_AppendsHomeEmail()
    {
        var (user, result) = Apply(FullUser, """
            [{"op":"remove","path":"emails[type eq \"home\"]"},
             {"op":"Replace","path":"emails[type eq \"home\"].value","value":"home@jensen.org"}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual("""[{"value":"bjensen@example.com","type":"work","primary":true},{"type":"home","value":"home@jensen.org"}]""", user["emails"]);
    }

    [Fact]
    public void Apply_ReplaceCreateWithNonEqualityFilter_ReturnsNoTarget()
    {
        var (_, result) = Apply(MinimalUser, """
            [{"op":"Replace","path":"emails[type ne \"work\"].value","value":"x@contoso.com"}]
            """);

        Assert.Equal(ScimErrorType.NoTarget, result.Error?.Type);
    }

    // Entra compliance doc (aadOptscim062020 "after" form): one path-less replace whose member names are paths.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Apply_EntraPathKeyedValueObject_DependsOnAttributePathsAsValueKeys(bool tolerate)
    {
        var (user, result) = Apply(MinimalUser, """
            [{"op":"replace","value":{"displayName":"Pvlo","emails[type eq \"work\"].value":"TestBcwqnm@test.microsoft.com","name.givenName":"Gtfd","name.familyName":"Pkqf","externalId":"Eqpj","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"Eqpj"}}]
            """, Lenient with { AttributePathsAsValueKeys = tolerate });

        if (tolerate)
        {
            Assert.True(result.Succeeded, result.Error?.ToString());
            Assert.Equal("Pvlo", (string?)user["displayName"]);
            AssertJsonEqual("""[{"type":"work","value":"TestBcwqnm@test.microsoft.com"}]""", user["emails"]);
            AssertJsonEqual("""{"givenName":"Gtfd","familyName":"Pkqf"}""", user["name"]);
            Assert.Equal("Eqpj", (string?)user["externalId"]);
            AssertJsonEqual("""{"employeeNumber":"Eqpj"}""", user[EnterpriseUrn]);
            Assert.Equal(["displayName", "emails", "name.givenName", "name.familyName", "externalId", EnterpriseUrn + ":employeeNumber"], result.ChangedAttributes);
        }
        else
        {
            Assert.Equal(ScimErrorType.InvalidPath, result.Error?.Type);
            AssertJsonEqual(MinimalUser, user);
        }
    }

    // Entra "Develop and plan", Update Group [Attributes other than members].
    [Fact]
    public void Apply_EntraReplaceGroupDisplayName_Renames()
    {
        var (group, result) = Apply(Group, """
            [{"op":"Replace","path":"displayName","value":"1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"}]
            """);

        Assert.True(result.Succeeded);
        Assert.Equal("1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName", (string?)group["displayName"]);
    }

    // Okta "Update a specific User (PATCH)": deactivation and password as a path-less replace.
    [Theory]
    [InlineData("""[{"op":"replace","value":{"active":false}}]""", "active", "false")]
    [InlineData("""[{"op":"replace","value":{"password":"t1meMa$heen"}}]""", "password", "\"t1meMa$heen\"")]
    public void Apply_OktaPathlessReplace_SetsValue(string operations, string attribute, string expected)
    {
        var (user, result) = Apply(FullUser, operations, ScimCompatibility.Strict);

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual(expected, user[attribute]);
        Assert.Equal([attribute], result.ChangedAttributes);
    }

    // Okta "Update a specific Group name": the value repeats the group's read-only id.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Apply_OktaGroupRenameWithId_DependsOnIgnoreUnchangedReadOnlyValues(bool tolerate)
    {
        var (group, result) = Apply(Group, """
            [{"op":"replace","value":{"id":"e9e30dba-f08f-4109-8486-d5c6a331660a","displayName":"Test SCIMv2"}}]
            """, Lenient with { IgnoreUnchangedReadOnlyValues = tolerate });

        if (tolerate)
        {
            Assert.True(result.Succeeded, result.Error?.ToString());
            Assert.Equal("Test SCIMv2", (string?)group["displayName"]);
            Assert.Equal(["displayName"], result.ChangedAttributes);
        }
        else
        {
            Assert.Equal(ScimErrorType.Mutability, result.Error?.Type);
            AssertJsonEqual(Group, group);
        }
    }

    [Fact]
    public void Apply_ReadOnlyIdWithDifferentValue_ReturnsMutabilityEvenWhenLenient()
    {
        var (_, result) = Apply(Group, """[{"op":"replace","value":{"id":"other","displayName":"x"}}]""");

        Assert.Equal(ScimErrorType.Mutability, result.Error?.Type);
    }

    // Okta "Add a member to a Group" and "Remove a member from a Group".
    [Fact]
    public void Apply_OktaAddThenRemoveMember_ChangesMembership()
    {
        var (group, result) = Apply(Group, """
            [{"op":"add","path":"members","value":[{"value":"23a35c27-23d3-4c03-b4c5-6443c09e7173","display":"test.user@okta.local"}]},
             {"op":"remove","path":"members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"}]
            """, ScimCompatibility.Strict);

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual("""
            [{"value":"902c246b-6245-4190-8e05-00816be7344a","$ref":"https://example.com/v2/Users/902c246b-6245-4190-8e05-00816be7344a","display":"Mandy Pepperidge"},
             {"value":"23a35c27-23d3-4c03-b4c5-6443c09e7173","display":"test.user@okta.local"}]
            """, group["members"]);
    }

    // Identity providers retry removals of members already gone.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Apply_RemoveUnmatchedMember_DependsOnRemoveUnmatchedValueSucceeds(bool tolerate)
    {
        var (group, result) = Apply(Group, """
            [{"op":"remove","path":"members[value eq \"not-a-member\"]"}]
            """, Lenient with { RemoveUnmatchedValueSucceeds = tolerate });

        Assert.Equal(tolerate, result.Succeeded);
        Assert.False(result.Changed);
        Assert.Equal(tolerate ? (ScimErrorType?)null : ScimErrorType.NoTarget, result.Error?.Type);
        AssertJsonEqual(Group, group);
    }

    // Entra sends the same filtered path with "Add" as well as "Replace".
    [Theory]
    [InlineData("Add")]
    [InlineData("Replace")]
    public void Apply_EntraFilteredValueOnUserWithoutEmails_CreatesWorkEmail(string op)
    {
        var (user, result) = Apply(MinimalUser, $$"""
            [{"op":"{{op}}","path":"emails[type eq \"work\"].value","value":"new@contoso.com"},
             {"op":"{{op}}","path":"emails[type eq \"work\"].primary","value":"True"}]
            """);

        Assert.True(result.Succeeded, result.Error?.ToString());
        AssertJsonEqual("""[{"type":"work","value":"new@contoso.com","primary":true}]""", user["emails"]);
        Assert.Equal(["emails"], result.ChangedAttributes);
    }
}
