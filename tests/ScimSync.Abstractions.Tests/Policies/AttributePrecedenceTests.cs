// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using ScimSync.Policies;

namespace ScimSync.Abstractions.Tests.Policies;

/// <summary>Per-attribute source precedence: the merge of one connection's values into a user's contributions.</summary>
public sealed class AttributePrecedenceTests
{
    // Entries are written "connection:attribute=value@precedence"; "connection:attribute=@precedence" has no value.
    public static TheoryData<string, string, string, string, string, string> MergeCases => new()
    {
        // name, previous, writer, current, expected contributions, expected winners
        { "first writer, no conflict", "", "entra", "entra:email=a@10", "entra:email=a@10", "email=a" },
        { "higher wins, written second", "entra:email=a@10", "ldap", "ldap:email=b@20", "entra:email=a@10 ldap:email=b@20", "email=b" },
        { "higher wins, written first", "ldap:email=b@20", "entra", "entra:email=a@10", "ldap:email=b@20 entra:email=a@10", "email=b" },
        { "higher keeps winning on a rewrite of the lower", "entra:email=a@10 ldap:email=b@20", "entra", "entra:email=c@10", "entra:email=c@10 ldap:email=b@20", "email=b" },
        { "tie keeps first (second writes)", "entra:email=a@0", "okta", "okta:email=b@0", "entra:email=a@0 okta:email=b@0", "email=a" },
        { "tie keeps first (first rewrites)", "entra:email=a@0 okta:email=b@0", "entra", "entra:email=c@0", "entra:email=c@0 okta:email=b@0", "email=c" },
        { "tie keeps first (second rewrites)", "entra:email=a@0 okta:email=b@0", "okta", "okta:email=d@0", "entra:email=a@0 okta:email=d@0", "email=a" },
        { "null removes the writer's entry", "entra:email=a@10 ldap:email=b@20", "ldap", "ldap:email=@20", "entra:email=a@10", "email=a" },
        { "unlisted attribute removes the writer's entry", "entra:email=a@10 ldap:email=b@20", "ldap", "", "entra:email=a@10", "email=a" },
        { "null for an attribute nobody has", "", "entra", "entra:email=@10", "", "" },
        { "removed and re-added goes last", "entra:email=a@0 okta:email=b@0", "entra", "entra:email=@0", "okta:email=b@0", "email=b" },
        {
            "custom attributes per attribute",
            "entra:email=a@10 entra:department=Sales@0",
            "ldap",
            "ldap:email=b@0 ldap:department=R&D@20",
            "entra:email=a@10 entra:department=Sales@0 ldap:email=b@0 ldap:department=R&D@20",
            "department=R&D email=a"
        },
        { "attribute names ignore case", "entra:Email=a@10", "ldap", "ldap:email=b@20", "entra:Email=a@10 ldap:email=b@20", "Email=b" },
        { "connection names ignore case", "Entra:email=a@10", "entra", "entra:email=c@10", "Entra:email=c@10", "email=c" },
        { "three connections", "a:email=x@5 b:email=y@7", "c", "c:email=z@6", "a:email=x@5 b:email=y@7 c:email=z@6", "email=y" },
    };

    [Theory]
    [MemberData(nameof(MergeCases))]
    public void Merge_GivesContributionsAndWinners(string name, string previous, string writer, string current, string contributions, string winners)
    {
        var result = AttributePrecedence.Merge(Parse(previous), writer, Parse(current));

        Assert.True(Parse(contributions).SequenceEqual(result.Contributions), $"{name}: {string.Join(" ", result.Contributions.Select(Format))}");
        Assert.Equal(winners, string.Join(" ", result.Winners.OrderBy(w => w.Key, StringComparer.OrdinalIgnoreCase).Select(w => $"{w.Key}={w.Value}")));
    }

    public static TheoryData<string, string, string, string, string[]> DecisionCases => new()
    {
        // name, previous, writer, current, expected subjects of decisions
        { "agreeing values", "entra:email=a@10", "ldap", "ldap:email=a@20", [] },
        { "disagreeing values", "entra:email=a@10", "ldap", "ldap:email=b@20", ["email"] },
        { "only the attribute that disagrees", "entra:email=a@10 entra:displayName=Ann@10", "ldap", "ldap:email=b@20 ldap:displayName=Ann@20", ["email"] },
        { "a removed value does not disagree", "entra:email=a@10 ldap:email=b@20", "ldap", "ldap:email=@20", [] },
        { "custom attribute", "entra:department=Sales@0", "ldap", "ldap:department=R&D@20", ["department"] },
        { "single connection", "", "entra", "entra:email=a@10 entra:userName=ann@10", [] },
    };

    [Theory]
    [MemberData(nameof(DecisionCases))]
    public void Merge_DecidesOnConflictsOnly(string name, string previous, string writer, string current, string[] subjects)
    {
        var result = AttributePrecedence.Merge(Parse(previous), writer, Parse(current));

        Assert.True(subjects.SequenceEqual(result.Decisions.Select(d => d.Subject)), name);
        Assert.All(result.Decisions, d => Assert.Equal(PolicyNames.AttributeMapping, d.Policy));
    }

    [Fact]
    public void Decision_NamesConnectionsPrecedencesAndWinner_NeverValues()
    {
        var result = AttributePrecedence.Merge(
            Parse("entra:email=ann.secret@example.com@10"), "ldap", Parse("ldap:email=a.smith.private@example.org@20"));

        var reason = Assert.Single(result.Decisions).Reason;
        Assert.Contains("'entra' (precedence 10)", reason, StringComparison.Ordinal);
        Assert.Contains("'ldap' (precedence 20)", reason, StringComparison.Ordinal);
        Assert.Contains("'ldap' won with the highest precedence, 20.", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", reason, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("private", reason, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decision_OnATie_SaysTheEarlierValueWon()
    {
        var result = AttributePrecedence.Merge(Parse("entra:email=a@5"), "okta", Parse("okta:email=b@5"));

        Assert.EndsWith("'entra' won the tie at precedence 5 with 'okta': its value was there first.", Assert.Single(result.Decisions).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_EntryOfAnotherConnection_Throws() =>
        Assert.Throws<ArgumentException>(() => AttributePrecedence.Merge([], "entra", Parse("ldap:email=a@1")));

    [Fact]
    public void ProvisionedUser_Contributions_RoundTrip()
    {
        var user = new JsonObject();
        var provisioned = ProvisionedUser.Empty with
        {
            Owner = "entra",
            Email = "b",
            Contributions = Parse("entra:email=a@10 ldap:email=b@20 ldap:department=R&D@-3"),
        };

        provisioned.WriteTo(user);
        var read = ProvisionedUser.Read(JsonNode.Parse(user.ToJsonString())!.AsObject());

        Assert.Equal(provisioned.Contributions, read.Contributions);
        Assert.Equal(provisioned with { Contributions = read.Contributions }, read);
        var entry = user[ProvisionedUser.Schema]!["contributions"]![0]!.AsObject();
        Assert.Equal(["connection", "attribute", "value", "precedence"], entry.Select(p => p.Key));
    }

    [Fact]
    public void ProvisionedUser_WithoutContributions_WritesNoneAndReadsEqual()
    {
        var user = new JsonObject();
        var provisioned = ProvisionedUser.Empty with { Owner = "entra", UserName = "ann" };

        provisioned.WriteTo(user);

        Assert.Null(user[ProvisionedUser.Schema]!["contributions"]);
        Assert.Equal(provisioned, ProvisionedUser.Read(user));
        Assert.Equal(ProvisionedUser.Empty, ProvisionedUser.Read(new JsonObject()));
    }

    [Fact]
    public void Definition_HasFlatReadOnlyContributions()
    {
        var contributions = Assert.Single(ProvisionedUser.Definition.Attributes, a => a.Name == "contributions");

        Assert.True(contributions.MultiValued);
        Assert.All(contributions.SubAttributes, s => Assert.NotEqual(ScimSync.Schema.ScimAttributeType.Complex, s.Type));
        Assert.All(contributions.SubAttributes, s => Assert.Equal(ScimSync.Schema.ScimMutability.ReadOnly, s.Mutability));
        Assert.Equal(ScimSync.Schema.ScimAttributeType.Integer, Assert.Single(contributions.SubAttributes, s => s.Name == "precedence").Type);
    }

    [Fact]
    public void Policy_PrecedenceOf_UsesTheAttributeThenTheConnection()
    {
        var options = new AttributeMappingOptions { Precedence = 3 };
        options.CustomAttributes["department"] = new AttributeSource { Constant = "x" };
        options.AttributePrecedence["EMAIL"] = 10;
        options.AttributePrecedence["department"] = 20;
        var policy = new AttributeMappingPolicy(options);

        Assert.Equal(10, policy.PrecedenceOf("email"));
        Assert.Equal(20, policy.PrecedenceOf("Department"));
        Assert.Equal(3, policy.PrecedenceOf("userName"));
        Assert.Equal(0, AttributeMappingPolicy.Default.PrecedenceOf("email"));
    }

    [Fact]
    public void Validate_AttributePrecedence_OfAnUnknownAttribute_IsAProblem()
    {
        var options = new AttributeMappingOptions();
        options.CustomAttributes["department"] = new AttributeSource { Constant = "x" };
        options.AttributePrecedence["displayname"] = 1;
        options.AttributePrecedence["Department"] = 1;
        options.AttributePrecedence["title"] = 1;

        var problem = Assert.Single(AttributeMappingPolicy.Validate(options));

        Assert.StartsWith("AttributeMapping:AttributePrecedence:title: ", problem, StringComparison.Ordinal);
        Assert.EndsWith(".", problem, StringComparison.Ordinal);
    }

    private static List<AttributeContribution> Parse(string entries) =>
        [.. entries.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(entry =>
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var at = entry.LastIndexOf('@');
            var value = entry[(equals + 1)..at];
            return new AttributeContribution(
                entry[..colon],
                entry[(colon + 1)..equals],
                value.Length == 0 ? null : value,
                int.Parse(entry[(at + 1)..], CultureInfo.InvariantCulture));
        })];

    private static string Format(AttributeContribution c) => $"{c.Connection}:{c.Attribute}={c.Value}@{c.Precedence}";
}
