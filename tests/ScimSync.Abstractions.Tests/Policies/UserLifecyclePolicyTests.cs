// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Policies;

namespace ScimSync.Abstractions.Tests.Policies;

public sealed class UserLifecyclePolicyTests
{
    private const string Connection = "entra";

    /// <summary>
    /// Every switch against every action, written out from the switches' documentation (docs/policies.md and
    /// <see cref="UserLifecycleOptions"/>): action, AllowCreate, AllowUpdate, AllowDeactivate, OnDelete, the expected
    /// outcome, and the switch its reason must name (<see langword="null"/> for a plain allow, which has no reason).
    /// </summary>
    public static TheoryData<UserLifecycleAction, bool, bool, bool, UserDeleteBehavior, UserLifecycleOutcome, string?> Switches { get; } = new()
    {
        { UserLifecycleAction.Create,      true,  true,  true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Create,      true,  true,  true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Create,      true,  true,  false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Create,      true,  true,  false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Create,      true,  false, true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Create,      true,  false, true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Create,      true,  false, false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Create,      true,  false, false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Create,      false, true,  true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowCreate" },
        { UserLifecycleAction.Create,      false, true,  true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowCreate" },
        { UserLifecycleAction.Create,      false, true,  false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowCreate" },
        { UserLifecycleAction.Create,      false, true,  false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowCreate" },
        { UserLifecycleAction.Create,      false, false, true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowCreate" },
        { UserLifecycleAction.Create,      false, false, true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowCreate" },
        { UserLifecycleAction.Create,      false, false, false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowCreate" },
        { UserLifecycleAction.Create,      false, false, false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowCreate" },
        { UserLifecycleAction.Update,      true,  true,  true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Update,      true,  true,  true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Update,      true,  true,  false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Update,      true,  true,  false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Update,      true,  false, true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Update,      true,  false, true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Update,      true,  false, false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Update,      true,  false, false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Update,      false, true,  true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Update,      false, true,  true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Update,      false, true,  false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Update,      false, true,  false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Update,      false, false, true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Update,      false, false, true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Update,      false, false, false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Update,      false, false, false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Deactivate,  true,  true,  true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Deactivate,  true,  true,  true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Deactivate,  true,  true,  false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Deactivate,  true,  true,  false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Deactivate,  true,  false, true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Deactivate,  true,  false, true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Deactivate,  true,  false, false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Deactivate,  true,  false, false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Deactivate,  false, true,  true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Deactivate,  false, true,  true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Deactivate,  false, true,  false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Deactivate,  false, true,  false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Deactivate,  false, false, true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Deactivate,  false, false, true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Deactivate,  false, false, false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Deactivate,  false, false, false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Reactivate,  true,  true,  true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Reactivate,  true,  true,  true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Reactivate,  true,  true,  false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Reactivate,  true,  true,  false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Reactivate,  true,  false, true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Reactivate,  true,  false, true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Reactivate,  true,  false, false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Reactivate,  true,  false, false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Reactivate,  false, true,  true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Reactivate,  false, true,  true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Reactivate,  false, true,  false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Reactivate,  false, true,  false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Reactivate,  false, false, true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Reactivate,  false, false, true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Reactivate,  false, false, false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Reactivate,  false, false, false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowUpdate" },
        { UserLifecycleAction.Delete,      true,  true,  true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Delete,      true,  true,  true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.DeactivateInstead, "Lifecycle:OnDelete" },
        { UserLifecycleAction.Delete,      true,  true,  false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Delete,      true,  true,  false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Delete,      true,  false, true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Delete,      true,  false, true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.DeactivateInstead, "Lifecycle:OnDelete" },
        { UserLifecycleAction.Delete,      true,  false, false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Delete,      true,  false, false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Delete,      false, true,  true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Delete,      false, true,  true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.DeactivateInstead, "Lifecycle:OnDelete" },
        { UserLifecycleAction.Delete,      false, true,  false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Delete,      false, true,  false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Delete,      false, false, true,  UserDeleteBehavior.Delete,     UserLifecycleOutcome.Allow,             null },
        { UserLifecycleAction.Delete,      false, false, true,  UserDeleteBehavior.Deactivate, UserLifecycleOutcome.DeactivateInstead, "Lifecycle:OnDelete" },
        { UserLifecycleAction.Delete,      false, false, false, UserDeleteBehavior.Delete,     UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
        { UserLifecycleAction.Delete,      false, false, false, UserDeleteBehavior.Deactivate, UserLifecycleOutcome.Deny,              "Lifecycle:AllowDeactivate" },
    };

    private static UserLifecyclePolicy Policy(
        bool allowCreate = true,
        bool allowUpdate = true,
        bool allowDeactivate = true,
        UserDeleteBehavior onDelete = UserDeleteBehavior.Delete,
        UserOwnership ownership = UserOwnership.Exclusive,
        params string[] matchBy)
    {
        var options = new UserLifecycleOptions
        {
            AllowCreate = allowCreate,
            AllowUpdate = allowUpdate,
            AllowDeactivate = allowDeactivate,
            OnDelete = onDelete,
            Ownership = ownership,
        };
        foreach (var path in matchBy)
        {
            options.MatchBy.Add(path);
        }

        return new UserLifecyclePolicy(options);
    }

    [Theory]
    [MemberData(nameof(Switches))]
    public void Decide_FollowsEverySwitch(
        UserLifecycleAction action,
        bool allowCreate,
        bool allowUpdate,
        bool allowDeactivate,
        UserDeleteBehavior onDelete,
        UserLifecycleOutcome expected,
        string? reasonNames)
    {
        var policy = Policy(allowCreate, allowUpdate, allowDeactivate, onDelete);

        // The user is this connection's own (or a new one), so ownership plays no part.
        var decision = policy.Decide(new UserLifecycleChange(action, Connection, action == UserLifecycleAction.Create ? null : Connection));

        Assert.Equal(expected, decision.Outcome);
        if (reasonNames is null)
        {
            Assert.Same(UserLifecycleDecision.Allowed, decision);
            Assert.Null(decision.Reason);
        }
        else
        {
            Assert.NotNull(decision.Reason);
            Assert.Contains($"({reasonNames} ", decision.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Switches_CoverEveryCombinationOnce()
    {
        var rows = Switches.Select(row => string.Join("/", row.Take(5))).ToList();
        var expected = Enum.GetValues<UserLifecycleAction>().Length * 2 * 2 * 2 * Enum.GetValues<UserDeleteBehavior>().Length;

        Assert.Equal(expected, rows.Count);
        Assert.Equal(rows.Count, rows.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(UserLifecycleAction.Create, "AllowCreate")]
    [InlineData(UserLifecycleAction.Update, "AllowUpdate")]
    [InlineData(UserLifecycleAction.Reactivate, "AllowUpdate")]
    [InlineData(UserLifecycleAction.Deactivate, "AllowDeactivate")]
    [InlineData(UserLifecycleAction.Delete, "AllowDeactivate")]
    public void Decide_DenialNamesOnlyTheSwitchThatRefused(UserLifecycleAction action, string refusedBy)
    {
        var policy = Policy(allowCreate: false, allowUpdate: false, allowDeactivate: false, onDelete: UserDeleteBehavior.Deactivate);

        var reason = policy.Decide(new UserLifecycleChange(action, Connection, null)).Reason!;

        var named = new[] { "AllowCreate", "AllowUpdate", "AllowDeactivate", "OnDelete", "Ownership" }
            .Where(s => reason.Contains("Lifecycle:" + s, StringComparison.Ordinal));
        Assert.Equal([refusedBy], named);
    }

    public static TheoryData<UserOwnership, UserLifecycleAction, string?, UserLifecycleOutcome> OwnershipRows { get; } = BuildOwnershipRows();

    private static TheoryData<UserOwnership, UserLifecycleAction, string?, UserLifecycleOutcome> BuildOwnershipRows()
    {
        // Owner as the user records it, against the connection "entra" asking.
        var owners = new (string? Owner, bool Foreign)[] { ("entra", false), ("ENTRA", false), ("Entra", false), ("okta", true), (null, false) };
        var data = new TheoryData<UserOwnership, UserLifecycleAction, string?, UserLifecycleOutcome>();
        foreach (var action in new[] { UserLifecycleAction.Update, UserLifecycleAction.Deactivate, UserLifecycleAction.Reactivate, UserLifecycleAction.Delete })
        {
            foreach (var (owner, foreign) in owners)
            {
                data.Add(UserOwnership.Exclusive, action, owner, foreign ? UserLifecycleOutcome.Deny : UserLifecycleOutcome.Allow);
                data.Add(UserOwnership.Shared, action, owner, UserLifecycleOutcome.Allow);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OwnershipRows))]
    public void Decide_Ownership(UserOwnership ownership, UserLifecycleAction action, string? owner, UserLifecycleOutcome expected)
    {
        var decision = Policy(ownership: ownership).Decide(new UserLifecycleChange(action, Connection, owner));

        Assert.Equal(expected, decision.Outcome);
        if (expected == UserLifecycleOutcome.Deny)
        {
            Assert.Contains("Lifecycle:Ownership", decision.Reason, StringComparison.Ordinal);
            Assert.Contains($"'{owner}'", decision.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Decide_ExclusiveOwnershipIsCheckedBeforeTheSwitches()
    {
        var policy = Policy(allowUpdate: false, allowDeactivate: false);

        foreach (var action in new[] { UserLifecycleAction.Update, UserLifecycleAction.Reactivate, UserLifecycleAction.Deactivate, UserLifecycleAction.Delete })
        {
            var decision = policy.Decide(new UserLifecycleChange(action, Connection, "okta"));

            Assert.Equal(UserLifecycleOutcome.Deny, decision.Outcome);
            Assert.Contains("Lifecycle:Ownership", decision.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Decide_SharedOwnershipStillAppliesTheSwitches()
    {
        var policy = Policy(allowUpdate: false, onDelete: UserDeleteBehavior.Deactivate, ownership: UserOwnership.Shared);

        var update = policy.Decide(new UserLifecycleChange(UserLifecycleAction.Update, Connection, "okta"));
        var delete = policy.Decide(new UserLifecycleChange(UserLifecycleAction.Delete, Connection, "okta"));

        Assert.Equal(UserLifecycleOutcome.Deny, update.Outcome);
        Assert.Contains("Lifecycle:AllowUpdate", update.Reason, StringComparison.Ordinal);
        Assert.Equal(UserLifecycleOutcome.DeactivateInstead, delete.Outcome);
    }

    [Theory]
    [InlineData(UserOwnership.Exclusive, true, UserLifecycleOutcome.Allow)]
    [InlineData(UserOwnership.Shared, true, UserLifecycleOutcome.Allow)]
    [InlineData(UserOwnership.Exclusive, false, UserLifecycleOutcome.Deny)]
    [InlineData(UserOwnership.Shared, false, UserLifecycleOutcome.Deny)]
    public void Decide_CreateIsNeverSubjectToOwnership(UserOwnership ownership, bool allowCreate, UserLifecycleOutcome expected)
    {
        var decision = Policy(allowCreate: allowCreate, ownership: ownership)
            .Decide(new UserLifecycleChange(UserLifecycleAction.Create, Connection, "okta"));

        Assert.Equal(expected, decision.Outcome);
        if (!allowCreate)
        {
            Assert.Contains("Lifecycle:AllowCreate", decision.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain("Ownership", decision.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Default_AllowsEverythingAndMatchesByExternalId()
    {
        var policy = UserLifecyclePolicy.Default;

        Assert.Equal(["externalId"], policy.MatchBy);
        Assert.True(policy.ReactivateOnCreate);
        foreach (var action in Enum.GetValues<UserLifecycleAction>())
        {
            Assert.Same(UserLifecycleDecision.Allowed, policy.Decide(new UserLifecycleChange(action, Connection, null)));
        }

        Assert.Equal(UserLifecycleOutcome.Deny, policy.Decide(new UserLifecycleChange(UserLifecycleAction.Update, Connection, "okta")).Outcome);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReactivateOnCreate_ComesFromTheOptions(bool reactivate)
    {
        var policy = new UserLifecyclePolicy(new UserLifecycleOptions { ReactivateOnCreate = reactivate });

        Assert.Equal(reactivate, policy.ReactivateOnCreate);
    }

    [Theory]
    [InlineData(new string[0], new[] { "externalId" })]
    [InlineData(new[] { "userName" }, new[] { "externalId", "userName" })]
    [InlineData(new[] { "externalId", "userName" }, new[] { "externalId", "userName" })]
    [InlineData(new[] { "userName", "EXTERNALID" }, new[] { "externalId", "userName" })]
    [InlineData(new[] { "userName", "UserName", "emails.value" }, new[] { "externalId", "userName", "emails.value" })]
    [InlineData(new[] { "  userName  ", "userName" }, new[] { "externalId", "userName" })]
    [InlineData(new[] { "emails.value", " ExternalId " }, new[] { "externalId", "emails.value" })]
    [InlineData(
        new[] { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "userName" },
        new[] { "externalId", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "userName" })]
    public void MatchBy_StartsWithExternalIdTrimsAndDeduplicatesIgnoringCase(string[] configured, string[] expected)
    {
        Assert.Empty(UserLifecyclePolicy.Validate(Options(configured)));

        var policy = new UserLifecyclePolicy(Options(configured));

        Assert.Equal(expected, policy.MatchBy);
    }

    [Fact]
    public void MatchBy_IsASnapshotOfTheOptions()
    {
        var options = Options(["userName"]);
        var policy = new UserLifecyclePolicy(options);

        options.MatchBy.Add("emails.value");

        Assert.Equal(["externalId", "userName"], policy.MatchBy);
    }

    [Fact]
    public void Validate_DefaultOptionsHaveNoProblems()
    {
        Assert.Empty(UserLifecyclePolicy.Validate(new UserLifecycleOptions()));
        Assert.Empty(UserLifecyclePolicy.Validate(new UserLifecycleOptions { OnDelete = UserDeleteBehavior.Deactivate, Ownership = UserOwnership.Shared }));
    }

    [Fact]
    public void Validate_ListsEveryProblemNamingItsSetting()
    {
        var options = Options(["userName", "", "   ", "not a path!", "emails[value", null!, "emails.value"]);
        options.OnDelete = (UserDeleteBehavior)42;
        options.Ownership = (UserOwnership)7;

        var problems = UserLifecyclePolicy.Validate(options);

        Assert.Collection(
            problems,
            p => Assert.StartsWith("Lifecycle:MatchBy[1]: ", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Lifecycle:MatchBy[2]: ", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Lifecycle:MatchBy[3]: 'not a path!'", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Lifecycle:MatchBy[4]: 'emails[value'", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Lifecycle:MatchBy[5]: ", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Lifecycle:OnDelete: '42'", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Lifecycle:Ownership: '7'", p, StringComparison.Ordinal));
        Assert.All(problems, p => Assert.EndsWith(".", p, StringComparison.Ordinal));
        Assert.All(problems, p => Assert.False(p.EndsWith("..", StringComparison.Ordinal), p));
    }

    [Fact]
    public void Constructor_ThrowsWithEveryProblem()
    {
        var options = Options(["userName", "bad path!"]);
        options.OnDelete = (UserDeleteBehavior)42;
        options.Ownership = (UserOwnership)7;

        var error = Assert.Throws<ArgumentException>(() => new UserLifecyclePolicy(options));

        Assert.Equal("options", error.ParamName);
        foreach (var problem in UserLifecyclePolicy.Validate(options))
        {
            Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        }

        Assert.Contains("Lifecycle:MatchBy[1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("Lifecycle:OnDelete", error.Message, StringComparison.Ordinal);
        Assert.Contains("Lifecycle:Ownership", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgumentChecks()
    {
        Assert.Throws<ArgumentNullException>(() => new UserLifecyclePolicy(null!));
        Assert.Throws<ArgumentNullException>(() => UserLifecyclePolicy.Validate(null!));
        Assert.Throws<ArgumentNullException>(() => UserLifecyclePolicy.Default.Decide(null!));
    }

    private static UserLifecycleOptions Options(string[] matchBy)
    {
        var options = new UserLifecycleOptions();
        foreach (var path in matchBy)
        {
            options.MatchBy.Add(path);
        }

        return options;
    }
}
