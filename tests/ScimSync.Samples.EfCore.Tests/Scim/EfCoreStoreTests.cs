// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Samples.EfCore.Scim;
using ScimSync.Schema;
using ScimSync.Stores;
using static ScimSync.Conformance.ScimResources;

namespace ScimSync.Samples.EfCore.Tests.Scim;

/// <summary>What the kit does not pin down: the mapping onto fixed columns, the bounded filter path, the fast path.</summary>
public sealed class EfCoreStoreTests
{
    [Theory]
    [InlineData("userName eq \"a\"", false)]
    [InlineData("emails[type eq \"work\"].value eq \"a@example.com\"", false)]
    [InlineData("emails.value eq \"a@example.com\" or externalId eq \"x\"", false)]
    [InlineData("id eq \"emp-1\" and active eq true", false)]
    [InlineData("userName sw \"a\"", true)]
    [InlineData("not (userName eq \"a\")", true)]
    public void Plan_Filter_TranslatesCommonLookupsToSql(string filter, bool needsScan)
    {
        var plan = EmployeeQueries.Plan(ScimFilter.Parse(filter));

        Assert.Equal(needsScan, plan.NeedsScan);
        Assert.Equal(!needsScan || filter.StartsWith("userName eq", StringComparison.Ordinal), plan.Sql is not null);
    }

    [Fact]
    public void Plan_AndWithTranslatableOperand_NarrowsInSqlAndScansTheRest()
    {
        var plan = EmployeeQueries.Plan(ScimFilter.Parse("externalId eq \"x\" and title co \"lead\""));

        Assert.True(plan.NeedsScan);
        Assert.NotNull(plan.Sql);
    }

    [Fact]
    public async Task List_UntranslatableFilterOverMoreThanMaxRows_ReturnsTooMany()
    {
        await using var db = await TestDatabase.CreateAsync(maxScannedRows: 2);
        foreach (var name in new[] { "a", "b", "c" })
        {
            await db.Users.CreateAsync(User(name, title: "Engineer"), default);
        }

        var scanned = await db.Users.ListAsync(new ListQuery { Filter = ScimFilter.Parse("title pr") }, default);
        var indexed = await db.Users.ListAsync(new ListQuery { Filter = ScimFilter.Parse("userName eq \"B\"") }, default);
        var narrowed = await db.Users.ListAsync(new ListQuery { Filter = ScimFilter.Parse("userName eq \"b\" and title co \"eng\"") }, default);

        Assert.Equal(StoreResultStatus.Rejected, scanned.Status);
        Assert.Equal(ScimErrorType.TooMany, scanned.ToError().Type);
        Assert.Equal(1, indexed.Value!.TotalResults);
        Assert.Equal(1, narrowed.Value!.TotalResults);
    }

    [Fact]
    public async Task Create_AttributesWithoutColumn_AreDropped()
    {
        await using var db = await TestDatabase.CreateAsync();
        var user = User("bjensen", "ext-1", "Guide")
            .WithEmail("work", "b@work.example", primary: true)
            .WithEmail("other", "b@other.example")
            .WithEnterprise("department", "Tours")
            .WithEnterprise("costCenter", "4130");
        user["nickName"] = "Babs";
        user["name"] = new JsonObject { ["givenName"] = "Barbara", ["familyName"] = "Jensen", ["formatted"] = "Ms. Barbara J Jensen" };
        user["phoneNumbers"] = new JsonArray(new JsonObject { ["value"] = "555-555-8377", ["type"] = "work" });

        var created = (await db.Users.CreateAsync(user, default)).Value!;
        var read = (await db.Users.GetAsync(created.Id, true, default)).Value!.Resource;

        Assert.StartsWith("emp-", created.Id, StringComparison.Ordinal);
        Assert.Null(read["nickName"]);
        Assert.Null(read["phoneNumbers"]);
        Assert.Null(read["name"]!["formatted"]);
        Assert.Equal("Barbara", read["name"]!["givenName"]!.GetValue<string>());
        var email = Assert.Single(read["emails"]!.AsArray());
        Assert.Equal("b@work.example", email!["value"]!.GetValue<string>());
        Assert.Null(email["primary"]);
        Assert.Null(read[ScimSchemas.EnterpriseUser]!["costCenter"]);
        Assert.Equal("Tours", read[ScimSchemas.EnterpriseUser]!["department"]!.GetValue<string>());

        await using var context = await db.Contexts.CreateDbContextAsync();
        var row = await context.Employees.SingleAsync();
        Assert.Equal(("bjensen", "b@work.example", "Barbara", "Jensen", "Tours", "ext-1", true), (row.Login, row.Email, row.FirstName, row.LastName, row.Department, row.ExternalRef, row.IsActive));
    }

    [Fact]
    public async Task ModifyMembers_AddAndRemove_TouchesOnlyMembershipRowsAndTeamVersion()
    {
        await using var db = await TestDatabase.CreateAsync();
        var alice = (await db.Users.CreateAsync(User("alice"), default)).Value!;
        var bob = (await db.Users.CreateAsync(User("bob"), default)).Value!;
        var team = (await db.Groups.CreateAsync(Group("team", alice.Id), default)).Value!;

        var changed = await db.Groups.ModifyMembersAsync(team.Id, [new GroupMember(bob.Id)], [alice.Id], team.Version, default);

        Assert.Equal(StoreResultStatus.Success, changed.Status);
        Assert.NotEqual(team.Version, changed.Value!.Version);
        Assert.Equal(alice.Version, (await db.Users.GetAsync(alice.Id, true, default)).Value!.Version);
        Assert.Equal(bob.Version, (await db.Users.GetAsync(bob.Id, true, default)).Value!.Version);
        await using var context = await db.Contexts.CreateDbContextAsync();
        var membership = await context.TeamMemberships.SingleAsync();
        Assert.Equal((int.Parse(bob.Id["emp-".Length..], System.Globalization.CultureInfo.InvariantCulture), (int?)null), (membership.EmployeeId!.Value, membership.MemberTeamId));
    }

    [Fact]
    public async Task Create_AfterDeletingNewestUser_NeverReusesItsId()
    {
        await using var db = await TestDatabase.CreateAsync();
        var first = (await db.Users.CreateAsync(User("first"), default)).Value!;
        await db.Users.DeleteAsync(first.Id, null, default);

        var second = (await db.Users.CreateAsync(User("second"), default)).Value!;

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(StoreResultStatus.NotFound, (await db.Users.GetAsync(first.Id, true, default)).Status);
    }

    [Theory]
    [InlineData("emp-01")]
    [InlineData("emp-+1")]
    [InlineData("team-1")]
    [InlineData("1")]
    public async Task Get_NonCanonicalOrForeignId_ReturnsNotFound(string id)
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.Users.CreateAsync(User("a"), default);

        Assert.Equal(StoreResultStatus.NotFound, (await db.Users.GetAsync(id, true, default)).Status);
    }
}
