// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Policies;

namespace ScimSync.Abstractions.Tests.Policies;

public sealed class TargetMembershipsTests
{
    private static readonly MembershipSource OktaManualG1 = new("okta", MembershipRules.Manual, "g1");
    private static readonly MembershipSource OktaManualG2 = new("okta", MembershipRules.Manual, "g2");
    private static readonly MembershipSource EntraFlyE1 = new("entra", MembershipRules.OnTheFly, "e1");

    /// <summary>A compact view: "group: connection/rule/id, ...; group: ...".</summary>
    private static string Show(TargetMemberships memberships) => memberships.ToString();

    private static GroupMappingPolicy Policy(Action<GroupMappingOptions> configure)
    {
        var options = new GroupMappingOptions();
        configure(options);
        return new GroupMappingPolicy(options);
    }

    private static GroupMappingPolicy Manual(bool keep = false, params (string Source, string[] Targets)[] rows) =>
        Policy(o =>
        {
            o.Mode = GroupMappingMode.Manual;
            o.KeepExistingMemberships = keep;
            foreach (var (source, targets) in rows)
            {
                var row = new ManualGroupMapping { Match = GroupMatchKind.Id, Source = source };
                foreach (var t in targets)
                {
                    row.Targets.Add(t);
                }

                o.Manual.Add(row);
            }
        });

    private static GroupMappingPolicy OnTheFly(bool keep = false) =>
        Policy(o =>
        {
            o.Mode = GroupMappingMode.OnTheFly;
            o.KeepExistingMemberships = keep;
            o.RenamePattern = "^AAD-(.*)$";
            o.RenameReplacement = "$1";
        });

    [Fact]
    public void Empty_HasNothing()
    {
        Assert.Empty(TargetMemberships.Empty.Memberships);
        Assert.False(TargetMemberships.Empty.Contains("x"));
        Assert.Empty(TargetMemberships.Empty.SourcesOf("x"));
        Assert.Equal("", Show(TargetMemberships.Empty));
    }

    [Fact]
    public void Grant_IsIdempotentAndOrdersGroupsAndSources()
    {
        var m = TargetMemberships.Empty
            .Grant("jira-users", OktaManualG2)
            .Grant("Confluence", EntraFlyE1)
            .Grant("JIRA-USERS", OktaManualG1)
            .Grant("jira-users", EntraFlyE1);

        var again = m.Grant("Jira-Users", OktaManualG1);

        Assert.Same(m, again);
        Assert.Equal("Confluence: entra/onTheFly/e1; jira-users: entra/onTheFly/e1, okta/manual/g1, okta/manual/g2", Show(m));
        Assert.True(m.Contains("JIRA-users"));
        Assert.Equal([EntraFlyE1, OktaManualG1, OktaManualG2], m.SourcesOf("Jira-Users"));
    }

    [Fact]
    public void Grant_OrderOfGrants_DoesNotMatter()
    {
        var a = TargetMemberships.Empty.Grant("b", OktaManualG1).Grant("a", OktaManualG2).Grant("a", EntraFlyE1);
        var b = TargetMemberships.Empty.Grant("A", EntraFlyE1).Grant("a", OktaManualG2).Grant("B", OktaManualG1);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, a.Grant("c", OktaManualG1));
        Assert.NotEqual(a, a.Grant("a", new MembershipSource("okta", MembershipRules.OnTheFly, "g2")));
    }

    [Fact]
    public void Revoke_RemovesThatExactSourceEverywhere_AndIsIdempotent()
    {
        var m = TargetMemberships.Empty
            .Grant("jira-users", OktaManualG1)
            .Grant("jira-users", OktaManualG2)
            .Grant("vpn", OktaManualG1);

        var revoked = m.Revoke(OktaManualG1);

        Assert.Equal("jira-users: okta/manual/g2", Show(revoked));
        Assert.False(revoked.Contains("vpn"));
        Assert.Same(revoked, revoked.Revoke(OktaManualG1));
        Assert.Same(m, m.Revoke(new MembershipSource("okta", MembershipRules.OnTheFly, "g1")));
        Assert.Same(TargetMemberships.Empty, m.Revoke(OktaManualG1).Revoke(OktaManualG2));
    }

    [Fact]
    public void RevokeWhere_RemovesSelectedSources()
    {
        var m = TargetMemberships.Empty
            .Grant("a", OktaManualG1)
            .Grant("a", EntraFlyE1)
            .Grant("b", OktaManualG2);

        Assert.Equal("a: entra/onTheFly/e1", Show(m.RevokeWhere(s => s.Connection == "okta")));
        Assert.Same(m, m.RevokeWhere(_ => false));
    }

    [Fact]
    public void From_MergesGroupsIgnoringCase_DropsEmptyGroupsAndRepeatedSources()
    {
        var m = TargetMemberships.From(
        [
            new TargetMembership("Jira", [OktaManualG2, OktaManualG1]),
            new TargetMembership("empty", []),
            new TargetMembership("JIRA", [OktaManualG1, EntraFlyE1]),
            new TargetMembership("admins", [OktaManualG1]),
        ]);

        Assert.Equal("admins: okta/manual/g1; Jira: entra/onTheFly/e1, okta/manual/g1, okta/manual/g2", Show(m));
        Assert.Equal(m, TargetMemberships.From(m.Memberships));
        Assert.Same(TargetMemberships.Empty, TargetMemberships.From([]));
    }

    [Fact]
    public void Memberships_CannotBeChangedThroughTheirLists()
    {
        var source = new List<MembershipSource> { OktaManualG1 };
        var m = TargetMemberships.From([new TargetMembership("a", source)]);

        source.Add(OktaManualG2);

        Assert.Single(m.SourcesOf("a"));
        Assert.False(m.Memberships is IList<TargetMembership> { IsReadOnly: false });
        Assert.False(m.SourcesOf("a") is IList<MembershipSource> { IsReadOnly: false });
    }

    [Fact]
    public void Arguments_AreChecked()
    {
        Assert.Throws<ArgumentException>(() => TargetMemberships.Empty.Grant(" ", OktaManualG1));
        Assert.Throws<ArgumentNullException>(() => TargetMemberships.Empty.Grant("a", null!));
        Assert.Throws<ArgumentException>(() => TargetMemberships.Empty.Grant("a", new MembershipSource("", "manual", "g")));
        Assert.Throws<ArgumentException>(() => TargetMemberships.From([new TargetMembership("", [OktaManualG1])]));
        Assert.Throws<ArgumentNullException>(() => TargetMemberships.Empty.DiffFrom(null!));
    }

    // after / before (groups granted by okta/manual/g1) -> joined / left
    [Theory]
    [InlineData("", "", "", "")]
    [InlineData("a,b", "", "a,b", "")]
    [InlineData("", "a,b", "", "a,b")]
    [InlineData("a,c,d", "b,C,e", "a,d", "b,e")]
    [InlineData("A", "a", "", "")]
    public void DiffFrom_ReportsJoinedAndLeft(string after, string before, string joined, string left)
    {
        static TargetMemberships Build(string groups, MembershipSource source)
        {
            var m = TargetMemberships.Empty;
            foreach (var g in groups.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                m = m.Grant(g, source);
            }

            return m;
        }

        // The sources differ on purpose: a change of source only is no join or leave.
        var diff = Build(after, OktaManualG1).DiffFrom(Build(before, EntraFlyE1));

        Assert.Equal(joined, string.Join(",", diff.Joined));
        Assert.Equal(left, string.Join(",", diff.Left));
        Assert.Equal(joined.Length == 0 && left.Length == 0, diff.IsEmpty);
    }

    [Fact]
    public void Join_GrantsEachMappedTargetWithItsRuleAndTheGroupId()
    {
        var policy = Manual(false, ("g1", ["jira-users", "confluence-users"]));
        var decisions = new List<PolicyDecision>();

        var m = GroupMembershipPlanner.Join(TargetMemberships.Empty, "okta", new SourceGroup("g1", null, "Eng"), policy, decisions);
        var unmapped = GroupMembershipPlanner.Join(m, "okta", new SourceGroup("g7", null, "Other"), policy, decisions);

        Assert.Equal("confluence-users: okta/manual/g1; jira-users: okta/manual/g1", Show(m));
        Assert.Equal(m, unmapped);
        Assert.Equal([new PolicyDecision(PolicyNames.GroupMapping, "g7", "no manual mapping matches; Unmapped is Ignore.")], decisions);
    }

    [Fact]
    public void Join_OnTheFlyRename_RecordsRuleAndDecision()
    {
        var decisions = new List<PolicyDecision>();

        var m = GroupMembershipPlanner.Join(TargetMemberships.Empty, "entra", new SourceGroup("e1", "oid", "AAD-Sales"), OnTheFly(), decisions);

        Assert.Equal("Sales: entra/onTheFly/e1", Show(m));
        Assert.Equal("renamed by RenamePattern.", Assert.Single(decisions).Reason);
    }

    [Fact]
    public void TwoConnectionsGrantTheSameGroup_OneLeaves_MembershipStays()
    {
        var okta = Manual(false, ("g1", ["jira-users"]));
        var entra = Manual(false, ("e1", ["JIRA-USERS"]));
        var decisions = new List<PolicyDecision>();
        var m = GroupMembershipPlanner.Join(TargetMemberships.Empty, "okta", new SourceGroup("g1", null, null), okta, decisions);
        m = GroupMembershipPlanner.Join(m, "entra", new SourceGroup("e1", null, null), entra, decisions);

        var afterOkta = GroupMembershipPlanner.Leave(m, "okta", "g1", okta, decisions);
        var afterBoth = GroupMembershipPlanner.Leave(afterOkta, "entra", "e1", entra, decisions);

        Assert.Equal("jira-users: entra/manual/e1", Show(afterOkta));
        Assert.True(afterOkta.DiffFrom(m).IsEmpty);
        Assert.Equal(["jira-users"], afterBoth.DiffFrom(afterOkta).Left);
        Assert.Empty(decisions);
    }

    [Fact]
    public void Leave_SameGroupIdFromAnotherConnection_IsNotTouched()
    {
        var policy = Manual(false, ("g1", ["a"]));
        var m = TargetMemberships.Empty.Grant("a", new MembershipSource("okta", MembershipRules.Manual, "g1"))
            .Grant("a", new MembershipSource("entra", MembershipRules.Manual, "g1"));

        var left = GroupMembershipPlanner.Leave(m, "okta", "g1", policy, []);

        Assert.Equal("a: entra/manual/g1", Show(left));
    }

    // keep existing memberships -> memberships after leaving / decisions
    [Theory]
    [InlineData(false, "vpn: okta/manual/g2", "")]
    [InlineData(true, "jira-users: okta/manual/g1; vpn: okta/manual/g1, okta/manual/g2", "groupMapping/g1/kept: KeepExistingMemberships is on.")]
    public void Leave_HonoursKeepExistingMemberships(bool keep, string expected, string reasons)
    {
        var policy = Manual(keep, ("g1", ["jira-users", "vpn"]), ("g2", ["vpn"]));
        var decisions = new List<PolicyDecision>();
        var m = GroupMembershipPlanner.Join(TargetMemberships.Empty, "okta", new SourceGroup("g1", null, null), policy, decisions);
        m = GroupMembershipPlanner.Join(m, "okta", new SourceGroup("g2", null, null), policy, decisions);

        var left = GroupMembershipPlanner.Leave(m, "okta", "g1", policy, decisions);

        Assert.Equal(expected, Show(left));
        Assert.Equal(reasons, string.Join("|", decisions.Select(d => $"{d.Policy}/{d.Subject}/{d.Reason}")));
    }

    [Fact]
    public void Leave_NothingGranted_KeepGivesNoDecision()
    {
        var decisions = new List<PolicyDecision>();

        var m = GroupMembershipPlanner.Leave(TargetMemberships.Empty, "okta", "g1", Manual(true, ("g1", ["a"])), decisions);

        Assert.Same(TargetMemberships.Empty, m);
        Assert.Empty(decisions);
    }

    // default groups: is new user -> memberships
    [Theory]
    [InlineData(true, "Everyone: okta/defaultForAllUsers/-; Onboarding: okta/defaultForNewUsers/-")]
    [InlineData(false, "Everyone: okta/defaultForAllUsers/-")]
    public void ApplyDefaults_CreateVersusUpdate(bool isNewUser, string expected)
    {
        var policy = Policy(o =>
        {
            o.DefaultGroupsForNewUsers.Add("Onboarding");
            o.DefaultGroupsForAllUsers.Add("Everyone");
        });

        Assert.Equal(expected, Show(GroupMembershipPlanner.ApplyDefaults(TargetMemberships.Empty, "okta", isNewUser, policy)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ApplyDefaults_OnUpdate_RevokesOnlyThisConnectionsDefaultsNoLongerListed(bool keep)
    {
        var before = Policy(o =>
        {
            o.KeepExistingMemberships = keep;
            o.DefaultGroupsForNewUsers.Add("Onboarding");
            o.DefaultGroupsForAllUsers.Add("Everyone");
            o.DefaultGroupsForAllUsers.Add("Staff");
        });
        var after = Policy(o =>
        {
            o.KeepExistingMemberships = keep;
            o.DefaultGroupsForAllUsers.Add("Everyone");
            o.DefaultGroupsForAllUsers.Add("Intranet");
        });
        var m = GroupMembershipPlanner.ApplyDefaults(TargetMemberships.Empty, "okta", true, before)
            .Grant("Staff", new MembershipSource("entra", MembershipRules.DefaultForAllUsers, null))
            .Grant("Everyone", OktaManualG1);

        var updated = GroupMembershipPlanner.ApplyDefaults(m, "okta", false, after);

        Assert.Equal(
            "Everyone: okta/defaultForAllUsers/-, okta/manual/g1; Intranet: okta/defaultForAllUsers/-; " +
            "Onboarding: okta/defaultForNewUsers/-; Staff: entra/defaultForAllUsers/-",
            Show(updated));
        Assert.Equal(updated, GroupMembershipPlanner.ApplyDefaults(updated, "okta", false, after));
    }

    [Fact]
    public void ApplyDefaults_RemovedDefault_LeavesGroupNothingElseGrants()
    {
        var before = Policy(o => o.DefaultGroupsForAllUsers.Add("Staff"));
        var m = GroupMembershipPlanner.ApplyDefaults(TargetMemberships.Empty, "okta", false, before);

        var updated = GroupMembershipPlanner.ApplyDefaults(m, "okta", false, GroupMappingPolicy.Default);

        Assert.Equal(["Staff"], updated.DiffFrom(m).Left);
    }

    [Theory]
    [InlineData(false, "Ops: entra/onTheFly/e3; Sales: entra/onTheFly/e1; Support: okta/onTheFly/e2", "")]
    [InlineData(true, "Marketing: entra/onTheFly/e2; Ops: entra/onTheFly/e3; Sales: entra/onTheFly/e1; Support: okta/onTheFly/e2", "e2: kept: KeepExistingMemberships is on.")]
    public void Reconcile_RemovesOnlyThisConnectionsStaleGrants(bool keep, string expected, string reasons)
    {
        var policy = OnTheFly(keep);
        var decisions = new List<PolicyDecision>();
        var m = TargetMemberships.Empty;
        m = GroupMembershipPlanner.Join(m, "entra", new SourceGroup("e1", null, "AAD-Sales"), policy, decisions);
        m = GroupMembershipPlanner.Join(m, "entra", new SourceGroup("e2", null, "Marketing"), policy, decisions);
        m = GroupMembershipPlanner.Join(m, "okta", new SourceGroup("e2", null, "Support"), policy, decisions);
        decisions.Clear();

        var reconciled = GroupMembershipPlanner.Reconcile(
            m,
            "entra",
            [new SourceGroup("e1", null, "AAD-Sales"), new SourceGroup("e3", null, "Ops")],
            policy,
            decisions);

        Assert.Equal(expected, Show(reconciled));
        Assert.Equal(
            "e1: renamed by RenamePattern." + (reasons.Length > 0 ? "|" + reasons : ""),
            string.Join("|", decisions.Select(d => $"{d.Subject}: {d.Reason}")));
    }

    [Fact]
    public void Reconcile_KeepsDefaultGroupsAndIsIdempotent()
    {
        var policy = Policy(o =>
        {
            o.Mode = GroupMappingMode.OnTheFly;
            o.DefaultGroupsForAllUsers.Add("Everyone");
        });
        var m = GroupMembershipPlanner.ApplyDefaults(TargetMemberships.Empty, "entra", true, policy);
        m = GroupMembershipPlanner.Join(m, "entra", new SourceGroup("e1", null, "Sales"), policy, []);

        var once = GroupMembershipPlanner.Reconcile(m, "entra", [], policy, []);
        var twice = GroupMembershipPlanner.Reconcile(once, "entra", [], policy, []);

        Assert.Equal("Everyone: entra/defaultForAllUsers/-", Show(once));
        Assert.Same(once, twice);
    }

    // keep existing -> memberships after the group's rename / decisions
    [Theory]
    [InlineData(false, "Engineering: entra/onTheFly/e1; vpn: okta/manual/g9", "e1: renamed by RenamePattern.")]
    [InlineData(true, "Developers: entra/onTheFly/e1; Engineering: entra/onTheFly/e1; vpn: okta/manual/g9", "e1: renamed by RenamePattern.|e1: kept: KeepExistingMemberships is on.")]
    public void Remap_AfterRename(bool keep, string expected, string reasons)
    {
        var policy = OnTheFly(keep);
        var m = GroupMembershipPlanner.Join(TargetMemberships.Empty, "entra", new SourceGroup("e1", null, "AAD-Developers"), policy, [])
            .Grant("vpn", new MembershipSource("okta", MembershipRules.Manual, "g9"));
        var decisions = new List<PolicyDecision>();

        var remapped = GroupMembershipPlanner.Remap(m, "entra", new SourceGroup("e1", null, "AAD-Engineering"), policy, decisions);

        Assert.Equal(expected, Show(remapped));
        Assert.Equal(reasons, string.Join("|", decisions.Select(d => $"{d.Subject}: {d.Reason}")));
    }

    [Fact]
    public void Remap_Unchanged_GivesAnEqualValueAndNoKeepDecision()
    {
        var policy = OnTheFly(keep: true);
        var group = new SourceGroup("e1", null, "Sales");
        var m = GroupMembershipPlanner.Join(TargetMemberships.Empty, "entra", group, policy, []);
        var decisions = new List<PolicyDecision>();

        Assert.Equal(m, GroupMembershipPlanner.Remap(m, "entra", group, policy, decisions));
        Assert.Empty(decisions);
    }

    [Fact]
    public void Remap_PolicyChangedFromManualToExcluded_RevokesTheGroupsGrants()
    {
        var before = Manual(false, ("g1", ["jira-users", "jira-administrators"]));
        var after = Manual(false, ("g1", ["jira-users"]));
        var m = GroupMembershipPlanner.Join(TargetMemberships.Empty, "okta", new SourceGroup("g1", null, "Eng"), before, []);

        var remapped = GroupMembershipPlanner.Remap(m, "okta", new SourceGroup("g1", null, "Eng"), after, []);

        Assert.Equal(["jira-administrators"], remapped.DiffFrom(m).Left);
        Assert.Empty(remapped.SourcesOf("jira-administrators"));
    }
}
