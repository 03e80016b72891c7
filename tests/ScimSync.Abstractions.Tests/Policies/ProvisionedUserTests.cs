// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Policies;
using ScimSync.Schema;

namespace ScimSync.Abstractions.Tests.Policies;

public sealed class ProvisionedUserTests
{
    private const string Urn = ProvisionedUser.Schema;

    private static JsonObject User() => JsonNode.Parse("""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
          "id": "u1",
          "userName": "ada@example.com",
          "active": true
        }
        """)!.AsObject();

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>A user whose extension is the given JSON, under the given spelling of the URN.</summary>
    private static JsonObject WithExtension(string extension, string urn = Urn)
    {
        var user = User();
        user[urn] = JsonNode.Parse(extension);
        return user;
    }

    private static TargetMemberships Memberships(params (string Group, string Connection, string Rule, string? Source)[] rows) =>
        TargetMemberships.From(rows.Select(r => new TargetMembership(r.Group, [new MembershipSource(r.Connection, r.Rule, r.Source)])));

    private static List<string> SchemasOf(JsonObject user) =>
        user["schemas"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();

    public static TheoryData<string, ProvisionedUser> RoundTrips { get; } = new()
    {
        { "empty", ProvisionedUser.Empty },
        { "owner only", new ProvisionedUser("entra", null, null, null, false, TargetMemberships.Empty) },
        { "values", new ProvisionedUser("entra", "ada", "ada@target.example", "Ada Lovelace", false, TargetMemberships.Empty) },
        { "deprovisioned", new ProvisionedUser("okta", "ada", null, null, true, TargetMemberships.Empty) },
        {
            "memberships",
            new ProvisionedUser(
                "entra",
                "ada",
                "ada@target.example",
                null,
                true,
                Memberships(
                    ("jira-users", "entra", MembershipRules.OnTheFly, "g1"),
                    ("jira-users", "entra", MembershipRules.Manual, "g2"),
                    ("jira-users", "okta", MembershipRules.Manual, "o1"),
                    ("jira-users", "entra", MembershipRules.DefaultForAllUsers, null),
                    ("staff", "entra", MembershipRules.DefaultForNewUsers, null),
                    ("Admins", "entra", MembershipRules.Manual, "g3")))
        },
    };

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void WriteTo_ThenRead_RoundTrips(string name, ProvisionedUser value)
    {
        var user = User();

        value.WriteTo(user);
        var read = ProvisionedUser.Read(user);

        Assert.True(value == read, $"{name}: {read}");
        Assert.Equal(value.Memberships.ToString(), read.Memberships.ToString());

        // Also through text, as a store would keep it.
        var reparsed = ProvisionedUser.Read(Parse(user.ToJsonString()));
        Assert.True(value == reparsed, $"{name} (text): {reparsed}");
    }

    [Fact]
    public void WriteTo_WritesOneEntryPerGroupAndSource()
    {
        var user = User();
        new ProvisionedUser(
            "entra",
            null,
            null,
            null,
            false,
            Memberships(("jira-users", "entra", MembershipRules.Manual, "g2"), ("jira-users", "entra", MembershipRules.DefaultForAllUsers, null)))
            .WriteTo(user);

        var expected = Parse($$"""
            {
              "owner": "entra",
              "groups": [
                { "value": "jira-users", "connection": "entra", "rule": "defaultForAllUsers" },
                { "value": "jira-users", "connection": "entra", "rule": "manual", "source": "g2" }
              ]
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, user[Urn]), user[Urn]!.ToJsonString());
    }

    [Fact]
    public void WriteTo_LeavesOutDeprovisionedWhenFalseAndNullValues()
    {
        var user = User();

        new ProvisionedUser("entra", null, null, null, false, TargetMemberships.Empty).WriteTo(user);

        Assert.True(JsonNode.DeepEquals(Parse("""{ "owner": "entra" }"""), user[Urn]), user[Urn]!.ToJsonString());
    }

    [Fact]
    public void WriteTo_WritesDeprovisionedAsJsonTrue()
    {
        var user = User();

        new ProvisionedUser(null, null, null, null, true, TargetMemberships.Empty).WriteTo(user);

        Assert.True(JsonNode.DeepEquals(Parse("""{ "deprovisioned": true }"""), user[Urn]), user[Urn]!.ToJsonString());
    }

    [Theory]
    [InlineData(Urn)]
    [InlineData("URN:SCIMSYNC:PARAMS:SCIM:SCHEMAS:EXTENSION:PROVISIONING:2.0:USER")]
    [InlineData("urn:scimsync:params:scim:schemas:extension:provisioning:2.0:user")]
    public void WriteTo_ReplacesAnEarlierExtensionAndListsTheUrnOnce(string earlierUrn)
    {
        var user = WithExtension("""{ "owner": "okta", "email": "old@example.com", "deprovisioned": true }""", earlierUrn);
        user["schemas"]!.AsArray().Add(earlierUrn);

        new ProvisionedUser("entra", "ada", null, null, false, TargetMemberships.Empty).WriteTo(user);

        var keys = user.Select(p => p.Key).Where(k => string.Equals(k, Urn, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Single(keys);
        Assert.True(JsonNode.DeepEquals(Parse("""{ "owner": "entra", "userName": "ada" }"""), user[keys[0]]), user.ToJsonString());
        Assert.Single(SchemasOf(user), s => string.Equals(s, Urn, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("urn:ietf:params:scim:schemas:core:2.0:User", SchemasOf(user));
        Assert.Equal(new ProvisionedUser("entra", "ada", null, null, false, TargetMemberships.Empty), ProvisionedUser.Read(user));
    }

    [Fact]
    public void WriteTo_UserWithTheExtensionUnderTwoOtherSpellings_ReadsBackTheNewValue()
    {
        var user = WithExtension("""{ "owner": "okta" }""", "URN:SCIMSYNC:PARAMS:SCIM:SCHEMAS:EXTENSION:PROVISIONING:2.0:USER");
        user["urn:scimsync:params:scim:schemas:extension:provisioning:2.0:user"] = Parse("""{ "owner": "okta" }""");

        new ProvisionedUser("entra", null, null, null, false, TargetMemberships.Empty).WriteTo(user);

        Assert.Equal("entra", ProvisionedUser.Read(user).Owner);
        Assert.Single(user, p => string.Equals(p.Key, Urn, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void WriteTo_Twice_ListsTheUrnOnceAndKeepsTheUser()
    {
        var user = User();

        new ProvisionedUser("entra", null, null, null, true, TargetMemberships.Empty).WriteTo(user);
        ProvisionedUser.Empty.WriteTo(user);

        Assert.Equal(["urn:ietf:params:scim:schemas:core:2.0:User", Urn], SchemasOf(user));
        Assert.True(JsonNode.DeepEquals(new JsonObject(), user[Urn]));
        Assert.Equal("ada@example.com", (string?)user["userName"]);
        Assert.Equal("u1", (string?)user["id"]);
        Assert.True((bool?)user["active"]);
    }

    [Fact]
    public void WriteTo_UserWithoutSchemas_AddsThem()
    {
        var user = Parse("""{ "userName": "ada" }""");

        ProvisionedUser.Empty.WriteTo(user);

        Assert.Equal([Urn], SchemasOf(user));
    }

    [Fact]
    public void Read_WithoutTheExtension_IsEmpty()
    {
        Assert.Same(ProvisionedUser.Empty, ProvisionedUser.Read(User()));
        Assert.Same(ProvisionedUser.Empty, ProvisionedUser.Read(new JsonObject()));
        Assert.Same(ProvisionedUser.Empty, ProvisionedUser.Read(Parse("""{ "urn:scimsync:params:scim:schemas:extension:custom:2.0:User": { "owner": "entra" } }""")));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"entra\"")]
    [InlineData("[]")]
    [InlineData("42")]
    public void Read_ExtensionThatIsNotAnObject_IsEmpty(string extension)
    {
        Assert.Same(ProvisionedUser.Empty, ProvisionedUser.Read(WithExtension(extension)));
    }

    [Fact]
    public void Read_EmptyExtension_IsEmptyValue()
    {
        Assert.Equal(ProvisionedUser.Empty, ProvisionedUser.Read(WithExtension("{}")));
    }

    [Fact]
    public void Read_ToleratesCaseDifferentKeys()
    {
        var user = WithExtension(
            """
            {
              "OWNER": "entra",
              "UserName": "ada",
              "Email": "ada@target.example",
              "displayname": "Ada",
              "Deprovisioned": true,
              "GROUPS": [
                { "Value": "jira-users", "CONNECTION": "entra", "Rule": "manual", "SOURCE": "g1" },
                { "value": "JIRA-USERS", "connection": "okta", "rule": "onTheFly" }
              ]
            }
            """,
            "Urn:ScimSync:Params:Scim:Schemas:Extension:Provisioning:2.0:User");

        var read = ProvisionedUser.Read(user);

        var expected = new ProvisionedUser(
            "entra",
            "ada",
            "ada@target.example",
            "Ada",
            true,
            Memberships(("jira-users", "entra", MembershipRules.Manual, "g1"), ("jira-users", "okta", MembershipRules.OnTheFly, null)));
        Assert.Equal(expected, read);
        Assert.Equal("jira-users: entra/manual/g1, okta/onTheFly/-", read.Memberships.ToString());
    }

    [Theory]
    [InlineData("""{ "connection": "entra", "rule": "manual" }""")]
    [InlineData("""{ "value": "", "connection": "entra", "rule": "manual" }""")]
    [InlineData("""{ "value": "   ", "connection": "entra", "rule": "manual" }""")]
    [InlineData("""{ "value": null, "connection": "entra", "rule": "manual" }""")]
    [InlineData("""{ "value": 7, "connection": "entra", "rule": "manual" }""")]
    [InlineData("""{ "value": ["bad"], "connection": "entra", "rule": "manual" }""")]
    [InlineData("""{ "value": "bad", "rule": "manual" }""")]
    [InlineData("""{ "value": "bad", "connection": "", "rule": "manual" }""")]
    [InlineData("""{ "value": "bad", "connection": " ", "rule": "manual" }""")]
    [InlineData("""{ "value": "bad", "connection": true, "rule": "manual" }""")]
    [InlineData("""{ "value": "bad", "connection": "entra" }""")]
    [InlineData("""{ "value": "bad", "connection": "entra", "rule": "" }""")]
    [InlineData("""{ "value": "bad", "connection": "entra", "rule": {} }""")]
    [InlineData("\"bad\"")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("3")]
    public void Read_IgnoresMalformedGroupEntries(string entry)
    {
        var user = WithExtension($$"""
            {
              "owner": "entra",
              "groups": [
                { "value": "staff", "connection": "entra", "rule": "defaultForAllUsers" },
                {{entry}},
                { "value": "jira-users", "connection": "entra", "rule": "manual", "source": "g1" }
              ]
            }
            """);

        var read = ProvisionedUser.Read(user);

        Assert.Equal("entra", read.Owner);
        Assert.Equal("jira-users: entra/manual/g1; staff: entra/defaultForAllUsers/-", read.Memberships.ToString());
    }

    [Fact]
    public void Read_SourceOfTheWrongType_IsNoSource()
    {
        var user = WithExtension("""{ "groups": [ { "value": "staff", "connection": "entra", "rule": "manual", "source": 12 } ] }""");

        Assert.Equal("staff: entra/manual/-", ProvisionedUser.Read(user).Memberships.ToString());
    }

    [Fact]
    public void Read_IgnoresValuesOfTheWrongType()
    {
        var user = WithExtension("""
            {
              "owner": 1,
              "userName": ["ada"],
              "email": { "value": "ada@example.com" },
              "displayName": false,
              "deprovisioned": "true",
              "groups": { "value": "staff", "connection": "entra", "rule": "manual" }
            }
            """);

        Assert.Equal(ProvisionedUser.Empty, ProvisionedUser.Read(user));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("null", false)]
    [InlineData("1", false)]
    [InlineData("\"true\"", false)]
    public void Read_Deprovisioned(string json, bool expected)
    {
        Assert.Equal(expected, ProvisionedUser.Read(WithExtension($$"""{ "deprovisioned": {{json}} }""")).Deprovisioned);
    }

    [Fact]
    public void Read_DeprovisionedSetInCode_IsRead()
    {
        var user = User();
        user[Urn] = new JsonObject { ["deprovisioned"] = true };

        Assert.True(ProvisionedUser.Read(user).Deprovisioned);
    }

    [Fact]
    public void Definition_EveryAttributeIsReadOnly_AndGroupsSubAttributesAreSimple()
    {
        var definition = ProvisionedUser.Definition;

        Assert.Equal(Urn, definition.Id);
        Assert.Equal(["owner", "userName", "email", "displayName", "deprovisioned", "groups", "contributions"], definition.Attributes.Select(a => a.Name));
        Assert.All(definition.Attributes, a => Assert.Equal(ScimMutability.ReadOnly, a.Mutability));
        Assert.Equal(ScimAttributeType.Boolean, definition.FindAttribute("deprovisioned")!.Type);

        var groups = definition.FindAttribute("groups")!;
        Assert.Equal(["value", "connection", "rule", "source"], groups.SubAttributes.Select(a => a.Name));
        var contributions = definition.FindAttribute("contributions")!;
        Assert.Equal(["connection", "attribute", "value", "precedence"], contributions.SubAttributes.Select(a => a.Name));
        foreach (var complex in new[] { groups, contributions })
        {
            Assert.True(complex.IsComplex);
            Assert.True(complex.MultiValued);
            Assert.All(complex.SubAttributes, a =>
            {
                Assert.Equal(ScimMutability.ReadOnly, a.Mutability);
                Assert.False(a.IsComplex, a.Name);
                Assert.Empty(a.SubAttributes);
            });
        }
    }

    [Fact]
    public void ArgumentChecks()
    {
        Assert.Throws<ArgumentNullException>(() => ProvisionedUser.Read(null!));
        Assert.Throws<ArgumentNullException>(() => ProvisionedUser.Empty.WriteTo(null!));
    }
}
