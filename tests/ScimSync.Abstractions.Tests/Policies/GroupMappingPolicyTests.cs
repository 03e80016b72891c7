// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Policies;

namespace ScimSync.Abstractions.Tests.Policies;

public sealed class GroupMappingPolicyTests
{
    private static GroupMappingOptions OnTheFly(string[]? include = null, string[]? exclude = null, string? pattern = null, string? replacement = null)
    {
        var options = new GroupMappingOptions { Mode = GroupMappingMode.OnTheFly, RenamePattern = pattern, RenameReplacement = replacement };
        foreach (var i in include ?? [])
        {
            options.Include.Add(i);
        }

        foreach (var e in exclude ?? [])
        {
            options.Exclude.Add(e);
        }

        return options;
    }

    private static ManualGroupMapping Row(GroupMatchKind match, string source, params string[] targets)
    {
        var row = new ManualGroupMapping { Match = match, Source = source };
        foreach (var t in targets)
        {
            row.Targets.Add(t);
        }

        return row;
    }

    private static string Targets(GroupMappingResult result) =>
        string.Join(",", result.Targets.Select(t => $"{t.Name}:{t.Rule}"));

    private static string Reasons(GroupMappingResult result) =>
        string.Join("|", result.Decisions.Select(d => $"{d.Policy}/{d.Subject}/{d.Reason}"));

    [Fact]
    public void Default_MapsNothingAndHasNoDefaultGroups()
    {
        var policy = GroupMappingPolicy.Default;

        Assert.False(policy.MapsIncomingGroups);
        Assert.False(policy.KeepExistingMemberships);
        Assert.Empty(policy.DefaultGroupsForNewUsers);
        Assert.Empty(policy.DefaultGroupsForAllUsers);
        Assert.Empty(policy.MapGroup(new SourceGroup("g1", "x1", "Admins")).Targets);
    }

    [Theory]
    [InlineData(GroupMappingMode.None, false)]
    [InlineData(GroupMappingMode.OnTheFly, true)]
    [InlineData(GroupMappingMode.Manual, true)]
    public void MapsIncomingGroups_FollowsMode(GroupMappingMode mode, bool maps)
    {
        var options = new GroupMappingOptions { Mode = mode, Unmapped = UnmappedGroupBehavior.OnTheFly };

        Assert.Equal(maps, new GroupMappingPolicy(options).MapsIncomingGroups);
    }

    [Fact]
    public void DefaultGroups_AreTrimmedAndDeduplicatedIgnoringCase()
    {
        var options = new GroupMappingOptions { KeepExistingMemberships = true };
        options.DefaultGroupsForNewUsers.Add(" Staff ");
        options.DefaultGroupsForNewUsers.Add("staff");
        options.DefaultGroupsForNewUsers.Add("Onboarding");
        options.DefaultGroupsForAllUsers.Add("Everyone");
        options.DefaultGroupsForAllUsers.Add("EVERYONE ");

        var policy = new GroupMappingPolicy(options);

        Assert.Equal(["Staff", "Onboarding"], policy.DefaultGroupsForNewUsers);
        Assert.Equal(["Everyone"], policy.DefaultGroupsForAllUsers);
        Assert.True(policy.KeepExistingMemberships);
    }

    // include / exclude / rename pattern / replacement / display name -> expected targets / expected decision reasons
    [Theory]
    [InlineData("", "", null, null, "Sales", "Sales:onTheFly", "")]
    [InlineData("^AAD-", "", null, null, "AAD-Sales", "AAD-Sales:onTheFly", "")]
    [InlineData("^AAD-", "", null, null, "Sales", "", "groupMapping/g1/the display name matches no Include pattern.")]
    [InlineData("^AAD-;^Okta-", "", null, null, "Okta-Sales", "Okta-Sales:onTheFly", "")]
    [InlineData("", "-Admins$", null, null, "AAD-Admins", "", "groupMapping/g1/the display name matches Exclude[0].")]
    [InlineData("", "^x$;-Admins$", null, null, "AAD-Admins", "", "groupMapping/g1/the display name matches Exclude[1].")]
    [InlineData("^AAD-", "-Admins$", null, null, "AAD-Admins", "", "groupMapping/g1/the display name matches Exclude[0].")]
    [InlineData("", "", "^AAD-(.*)$", "$1", "AAD-Sales", "Sales:onTheFly", "groupMapping/g1/renamed by RenamePattern.")]
    [InlineData("", "", "^AAD-(.*)$", "$1", "Sales", "Sales:onTheFly", "")]
    [InlineData("", "", "^AAD-(.*)$", "$1", "AAD-", "", "groupMapping/g1/RenamePattern gave an empty name; the group was dropped.")]
    [InlineData("", "", "^AAD-(.*)$", "$1", "AAD-   ", "", "groupMapping/g1/RenamePattern gave an empty name; the group was dropped.")]
    [InlineData("^AAD-", "^AAD-Sales$", "^AAD-(.*)$", "$1", "AAD-Sales", "", "groupMapping/g1/the display name matches Exclude[0].")]
    [InlineData("^Sales$", "", "^AAD-(.*)$", "$1", "AAD-Sales", "", "groupMapping/g1/the display name matches no Include pattern.")]
    [InlineData("", "", "^AAD-(.*)$", "ext-$1", "AAD-Sales", "ext-Sales:onTheFly", "groupMapping/g1/renamed by RenamePattern.")]
    [InlineData("", "", null, null, null, "", "groupMapping/g1/the group has no display name, which on-the-fly mapping needs.")]
    [InlineData("", "", null, null, "  ", "", "groupMapping/g1/the group has no display name, which on-the-fly mapping needs.")]
    [InlineData("(?i)^aad-", "", null, null, "AAD-Sales", "AAD-Sales:onTheFly", "")]
    [InlineData("^aad-", "", null, null, "AAD-Sales", "", "groupMapping/g1/the display name matches no Include pattern.")]
    public void OnTheFly_IncludeExcludeRename(
        string include, string exclude, string? pattern, string? replacement, string? displayName, string targets, string reasons)
    {
        var options = OnTheFly(
            include.Length == 0 ? [] : include.Split(';'),
            exclude.Length == 0 ? [] : exclude.Split(';'),
            pattern,
            replacement);

        var result = new GroupMappingPolicy(options).MapGroup(new SourceGroup("g1", "ext-1", displayName));

        Assert.Equal(targets, Targets(result));
        Assert.Equal(reasons, Reasons(result));
    }

    [Fact]
    public void Decisions_NeverRepeatTheGroupName()
    {
        var policy = new GroupMappingPolicy(OnTheFly(exclude: ["Secret"], pattern: "^AAD-(.*)$", replacement: "$1"));

        var excluded = policy.MapGroup(new SourceGroup("g1", null, "Secret project Falcon"));
        var renamed = policy.MapGroup(new SourceGroup("g2", null, "AAD-Project Osprey"));

        Assert.DoesNotContain(excluded.Decisions, d => d.Reason.Contains("Falcon", StringComparison.Ordinal) || d.Subject.Contains("Falcon", StringComparison.Ordinal));
        Assert.DoesNotContain(renamed.Decisions, d => d.Reason.Contains("Osprey", StringComparison.Ordinal) || d.Subject.Contains("Osprey", StringComparison.Ordinal));
        Assert.Single(renamed.Decisions);
    }

    // match kind / source / group (id, externalId, displayName) -> targets
    [Theory]
    [InlineData(GroupMatchKind.DisplayName, "Sales Team", "g1", "x1", "Sales Team", "crm-users:manual")]
    [InlineData(GroupMatchKind.DisplayName, "sales team", "g1", "x1", "SALES TEAM", "crm-users:manual")]
    [InlineData(GroupMatchKind.DisplayName, "Sales", "g1", "x1", "Sales Team", "")]
    [InlineData(GroupMatchKind.ExternalId, "x1", "g1", "x1", "Sales Team", "crm-users:manual")]
    [InlineData(GroupMatchKind.ExternalId, "X1", "g1", "x1", "Sales Team", "")]
    [InlineData(GroupMatchKind.ExternalId, "x1", "g1", null, "Sales Team", "")]
    [InlineData(GroupMatchKind.Id, "g1", "g1", "x1", "Sales Team", "crm-users:manual")]
    [InlineData(GroupMatchKind.Id, "G1", "g1", "x1", "Sales Team", "")]
    [InlineData(GroupMatchKind.Id, "x1", "g1", "x1", "Sales Team", "")]
    [InlineData(GroupMatchKind.DisplayName, "g1", "g1", "x1", "Sales Team", "")]
    public void Manual_MatchesByKind(GroupMatchKind match, string source, string id, string? externalId, string? displayName, string targets)
    {
        var options = new GroupMappingOptions { Mode = GroupMappingMode.Manual };
        options.Manual.Add(Row(match, source, "crm-users"));

        var result = new GroupMappingPolicy(options).MapGroup(new SourceGroup(id, externalId, displayName));

        Assert.Equal(targets, Targets(result));
        Assert.Equal(targets.Length == 0 ? "groupMapping/" + id + "/no manual mapping matches; Unmapped is Ignore." : "", Reasons(result));
    }

    [Fact]
    public void Manual_SeveralRowsToSeveralTargets_InTableOrderWithoutDuplicates()
    {
        var options = new GroupMappingOptions { Mode = GroupMappingMode.Manual };
        options.Manual.Add(Row(GroupMatchKind.Id, "g1", "jira-users", "confluence-users"));
        options.Manual.Add(Row(GroupMatchKind.DisplayName, "Other", "never"));
        options.Manual.Add(Row(GroupMatchKind.DisplayName, "engineering", "JIRA-USERS", "gitlab-developers"));
        options.Manual.Add(Row(GroupMatchKind.ExternalId, "x1", " jira-administrators ", "Confluence-Users"));
        options.Manual.Add(Row(GroupMatchKind.Id, "g1", "vpn"));

        var result = new GroupMappingPolicy(options).MapGroup(new SourceGroup("g1", "x1", "Engineering"));

        Assert.Equal(
            "jira-users:manual,confluence-users:manual,gitlab-developers:manual,jira-administrators:manual,vpn:manual",
            Targets(result));
        Assert.Empty(result.Decisions);
    }

    [Fact]
    public void Manual_OneMatchingRow_ResultIsSharedAndReadOnly()
    {
        var options = new GroupMappingOptions { Mode = GroupMappingMode.Manual };
        options.Manual.Add(Row(GroupMatchKind.ExternalId, "x1", "a", "b"));
        var policy = new GroupMappingPolicy(options);

        var first = policy.MapGroup(new SourceGroup("g1", "x1", "One"));
        var second = policy.MapGroup(new SourceGroup("g2", "x1", "Two"));

        Assert.Same(first, second);
        Assert.False(first.Targets is IList<MappedGroup> { IsReadOnly: false });
        Assert.Equal("a:manual,b:manual", Targets(first));
    }

    [Fact]
    public void Manual_RowWithRepeatedTargets_GivesEachOnce()
    {
        var options = new GroupMappingOptions { Mode = GroupMappingMode.Manual };
        options.Manual.Add(Row(GroupMatchKind.DisplayName, "Eng", "Dev", "dev", "DEV"));

        Assert.Equal("Dev:manual", Targets(new GroupMappingPolicy(options).MapGroup(new SourceGroup("g1", null, "eng"))));
    }

    // unmapped behaviour / display name -> targets / reasons
    [Theory]
    [InlineData(UnmappedGroupBehavior.Ignore, "Engineering", "eng:manual", "")]
    [InlineData(UnmappedGroupBehavior.OnTheFly, "Engineering", "eng:manual", "")]
    [InlineData(UnmappedGroupBehavior.Ignore, "AAD-Sales", "", "groupMapping/g9/no manual mapping matches; Unmapped is Ignore.")]
    [InlineData(UnmappedGroupBehavior.OnTheFly, "AAD-Sales", "Sales:onTheFly", "groupMapping/g9/renamed by RenamePattern.")]
    [InlineData(UnmappedGroupBehavior.OnTheFly, "AAD-Secret", "", "groupMapping/g9/the display name matches Exclude[0].")]
    [InlineData(UnmappedGroupBehavior.OnTheFly, "Marketing", "", "groupMapping/g9/the display name matches no Include pattern.")]
    public void Manual_Unmapped(UnmappedGroupBehavior unmapped, string displayName, string targets, string reasons)
    {
        var options = OnTheFly(include: ["^AAD-"], exclude: ["Secret"], pattern: "^AAD-(.*)$", replacement: "$1");
        options.Mode = GroupMappingMode.Manual;
        options.Unmapped = unmapped;
        options.Manual.Add(Row(GroupMatchKind.DisplayName, "Engineering", "eng"));

        var result = new GroupMappingPolicy(options).MapGroup(new SourceGroup("g9", null, displayName));

        Assert.Equal(targets, Targets(result));
        Assert.Equal(reasons, Reasons(result));
    }

    [Fact]
    public void Manual_EmptyTableWithUnmappedOnTheFly_IsValidAndMapsOnTheFly()
    {
        var options = new GroupMappingOptions { Mode = GroupMappingMode.Manual, Unmapped = UnmappedGroupBehavior.OnTheFly };

        Assert.Empty(GroupMappingPolicy.Validate(options));
        Assert.Equal("Sales:onTheFly", Targets(new GroupMappingPolicy(options).MapGroup(new SourceGroup("g1", null, "Sales"))));
    }

    [Theory]
    [InlineData("include")]
    [InlineData("exclude")]
    [InlineData("rename")]
    public void HostileName_RegexTimesOut_GroupSkippedWithDecision(string where)
    {
        const string Hostile = "^(a+)+$";
        var options = where switch
        {
            "include" => OnTheFly(include: [Hostile]),
            "exclude" => OnTheFly(exclude: [Hostile]),
            _ => OnTheFly(pattern: Hostile, replacement: "x"),
        };
        options.RegexTimeout = TimeSpan.FromMilliseconds(1);
        var policy = new GroupMappingPolicy(options);

        var result = policy.MapGroup(new SourceGroup("evil", null, new string('a', 5000) + "!"));

        Assert.Empty(result.Targets);
        Assert.Equal("groupMapping/evil/a regular expression timed out; the group was skipped.", Reasons(result));

        // The same policy still maps ordinary names.
        Assert.Equal(where == "exclude" ? "" : where == "rename" ? "x:onTheFly" : "aaa:onTheFly", Targets(policy.MapGroup(new SourceGroup("ok", null, "aaa"))));
    }

    [Fact]
    public void Validate_ValidOptions_HasNoProblems()
    {
        var options = OnTheFly(include: ["^AAD-"], exclude: ["Admins$"], pattern: "^AAD-(.*)$", replacement: "$1");
        options.DefaultGroupsForAllUsers.Add("everyone");
        options.Manual.Add(Row(GroupMatchKind.ExternalId, "x1", "t"));
        options.RegexTimeout = TimeSpan.FromSeconds(10);

        Assert.Empty(GroupMappingPolicy.Validate(options));
    }

    [Fact]
    public void Validate_ListsEveryProblemAtOnce_AndTheConstructorThrowsWithAll()
    {
        var options = new GroupMappingOptions
        {
            Mode = GroupMappingMode.Manual,
            RenamePattern = "^AAD-(.*)$",
            RegexTimeout = TimeSpan.Zero,
        };
        options.Include.Add("(");
        options.Include.Add("ok");
        options.Exclude.Add("[z-a]");
        options.DefaultGroupsForNewUsers.Add(" ");
        options.DefaultGroupsForAllUsers.Add("a");
        options.DefaultGroupsForAllUsers.Add("");

        var problems = GroupMappingPolicy.Validate(options);

        Assert.Collection(
            problems,
            p => Assert.Equal("GroupMapping:RegexTimeout: must be more than zero and at most 10 seconds.", p),
            p => Assert.Equal("GroupMapping:DefaultGroupsForNewUsers[0]: is empty.", p),
            p => Assert.Equal("GroupMapping:DefaultGroupsForAllUsers[1]: is empty.", p),
            p => Assert.StartsWith("GroupMapping:Include[0]: '(' is not a valid regular expression: ", p, StringComparison.Ordinal),
            p => Assert.StartsWith("GroupMapping:Exclude[0]: '[z-a]' is not a valid regular expression: ", p, StringComparison.Ordinal),
            p => Assert.Equal("GroupMapping:RenamePattern: is set but RenameReplacement is not; set both or neither.", p),
            p => Assert.Equal("GroupMapping:Manual: Mode is Manual but the table is empty and Unmapped is Ignore, so it maps nothing.", p));

        var error = Assert.Throws<ArgumentException>(() => new GroupMappingPolicy(options));
        foreach (var problem in problems)
        {
            Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_ManualRowsAndMore()
    {
        var options = new GroupMappingOptions
        {
            Mode = (GroupMappingMode)7,
            Unmapped = (UnmappedGroupBehavior)9,
            RenameReplacement = "$1",
            RegexTimeout = TimeSpan.FromSeconds(11),
        };
        options.Manual.Add(Row(GroupMatchKind.DisplayName, " "));
        options.Manual.Add(Row((GroupMatchKind)5, "x", "ok", " "));
        options.Manual.Add(Row(GroupMatchKind.Id, "g1", "fine"));
        options.Exclude.Add("");

        Assert.Equal(
            [
                "GroupMapping:RegexTimeout: must be more than zero and at most 10 seconds.",
                "GroupMapping:Mode: must be None, OnTheFly or Manual.",
                "GroupMapping:Unmapped: must be Ignore or OnTheFly.",
                "GroupMapping:Exclude[0]: is empty.",
                "GroupMapping:RenameReplacement: is set but RenamePattern is not; set both or neither.",
                "GroupMapping:Manual[0].Source: is empty.",
                "GroupMapping:Manual[0].Targets: needs at least one target group.",
                "GroupMapping:Manual[1].Match: must be DisplayName, ExternalId or Id.",
                "GroupMapping:Manual[1].Targets[1]: is empty.",
            ],
            GroupMappingPolicy.Validate(options));
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, true)]
    [InlineData(1, false)]
    [InlineData(10_000, false)]
    [InlineData(10_001, true)]
    public void Validate_RegexTimeoutBounds(int milliseconds, bool problem)
    {
        var options = new GroupMappingOptions { RegexTimeout = TimeSpan.FromMilliseconds(milliseconds) };

        Assert.Equal(problem, GroupMappingPolicy.Validate(options).Count > 0);
    }

    [Fact]
    public void Validate_InfiniteRegexTimeout_IsAProblem()
    {
        var options = new GroupMappingOptions { RegexTimeout = System.Text.RegularExpressions.Regex.InfiniteMatchTimeout };

        Assert.Single(GroupMappingPolicy.Validate(options));
    }

    [Fact]
    public void Options_ChangedAfterConstruction_DoNotChangeThePolicy()
    {
        var options = OnTheFly(include: ["^A"]);
        var policy = new GroupMappingPolicy(options);

        options.Include.Clear();
        options.Mode = GroupMappingMode.None;
        options.DefaultGroupsForAllUsers.Add("late");

        Assert.Empty(policy.MapGroup(new SourceGroup("g1", null, "B")).Targets);
        Assert.Single(policy.MapGroup(new SourceGroup("g2", null, "A")).Targets);
        Assert.Empty(policy.DefaultGroupsForAllUsers);
    }

    [Fact]
    public void Arguments_AreChecked()
    {
        Assert.Throws<ArgumentNullException>(() => new GroupMappingPolicy(null!));
        Assert.Throws<ArgumentNullException>(() => GroupMappingPolicy.Validate(null!));
        Assert.Throws<ArgumentNullException>(() => GroupMappingPolicy.Default.MapGroup(null!));
    }
}
