// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Samples.EfCore.Data;
using ScimSync.Schema;
using ScimSync.Stores;

namespace ScimSync.Samples.EfCore.Scim;

/// <summary>SCIM Groups over the application's <c>Teams</c> and <c>TeamMemberships</c> tables.</summary>
/// <remarks>
/// <c>displayName</c> is <c>Team.Name</c>, <c>externalId</c> is <c>Team.ExternalRef</c>, and each member is one
/// membership row (an employee or a nested team). Membership changes touch only those rows plus the team's version.
/// </remarks>
internal sealed class TeamGroupStore(IDbContextFactory<AppDbContext> contexts, TimeProvider time, IOptions<ScimTablesOptions> options) : IGroupStore
{
    private const int WriteAttempts = 3;
    private const string UserType = "User";
    private const string GroupType = "Group";

    private static readonly ScimFilterEvaluator Evaluator = new(ScimSchemaRegistry.Default.Group);

    public ResourceStoreCapabilities Capabilities =>
        new(TeamQueries.PushedDown, options.Value.MaxScannedRows, SupportsSorting: true);

    public async ValueTask<StoreResult<StoredResource>> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken)
    {
        if (!ScimIds.TryParseTeam(id, out var key))
        {
            return StoreResult.NotFound<StoredResource>();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(db, key, includeMembers, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreResult<ListResult>> ListAsync(ListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        IQueryable<Team> rows = db.Teams.AsNoTracking();
        if (query.Filter is { } filter)
        {
            var plan = TeamQueries.Plan(filter);
            if (plan.Sql is not null)
            {
                rows = rows.Where(plan.Sql);
            }

            if (plan.NeedsScan)
            {
                var max = options.Value.MaxScannedRows;
                var candidates = await rows.OrderBy(t => t.Id).Take(max + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
                if (candidates.Count > max)
                {
                    return StoreResult.Rejected<ListResult>(ScimError.TooMany(
                        $"The filter cannot be answered from an index and would examine more than {max.ToString(CultureInfo.InvariantCulture)} groups; narrow it with displayName, externalId, id or members[value eq].")); 
                }

                var members = TeamQueries.ReferencesMembers(filter)
                    ? await LoadMembersAsync(db, [.. candidates.Select(t => t.Id)], cancellationToken).ConfigureAwait(false)
                    : null;
                var matches = candidates
                    .Where(t => Evaluator.Matches(filter, View(t, members?.GetValueOrDefault(t.Id) ?? [])))
                    .Select(t => t.Id)
                    .ToList();
                rows = db.Teams.AsNoTracking().Where(t => matches.Contains(t.Id));
            }
        }

        var total = await rows.CountAsync(cancellationToken).ConfigureAwait(false);
        if (query.Count <= 0 || query.StartIndex > total)
        {
            return StoreResult.Success(new ListResult([], total));
        }

        var page = await TeamQueries.Sort(rows, query)
            .Skip(Math.Max(query.StartIndex, 1) - 1)
            .Take(query.Count)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var pageMembers = query.IncludeMembers
            ? await LoadMembersAsync(db, [.. page.Select(t => t.Id)], cancellationToken).ConfigureAwait(false)
            : null;
        return StoreResult.Success(new ListResult([.. page.Select(t => ToStored(t, pageMembers?.GetValueOrDefault(t.Id) ?? (pageMembers is null ? null : [])))], total));
    }

    public async ValueTask<StoreResult<StoredResource>> CreateAsync(JsonObject resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (await ResolveMembersAsync(db, MembersOf(resource), self: null, cancellationToken).ConfigureAwait(false) is not { } members)
        {
            return UnknownMember<StoredResource>();
        }

        var now = time.GetUtcNow();
        var team = new Team { Name = Text(resource, "displayName") ?? "", ExternalRef = Text(resource, "externalId"), CreatedAt = now, UpdatedAt = now };
        team.Members.AddRange(members.Select(m => new TeamMembership { EmployeeId = m.EmployeeId, MemberTeamId = m.TeamId }));
        db.Teams.Add(team);
        try
        {
            // One transaction for the team and its membership rows; the foreign keys catch a member deleted meanwhile.
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException exception) when (DbErrors.ToResult<StoredResource>(exception) is { } result)
        {
            return result;
        }

        return await ReadAsync(db, team.Id, includeMembers: true, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreResult<StoredResource>> ReplaceAsync(string id, JsonObject resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (!ScimIds.TryParseTeam(id, out var key))
        {
            return StoreResult.NotFound<StoredResource>();
        }

        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var team = await db.Teams.Include(t => t.Members).FirstOrDefaultAsync(t => t.Id == key, cancellationToken).ConfigureAwait(false);
            if (team is null)
            {
                return StoreResult.NotFound<StoredResource>();
            }

            if (expectedVersion is not null && expectedVersion != EmployeeMapping.VersionOf(team.RowVersion))
            {
                return StoreResult.VersionMismatch<StoredResource>();
            }

            if (await ResolveMembersAsync(db, MembersOf(resource), self: key, cancellationToken).ConfigureAwait(false) is not { } members)
            {
                return UnknownMember<StoredResource>();
            }

            team.Name = Text(resource, "displayName") ?? "";
            team.ExternalRef = Text(resource, "externalId");
            team.UpdatedAt = time.GetUtcNow();
            db.Entry(team).Property(t => t.UpdatedAt).IsModified = true;

            // Only the membership rows that differ are deleted or inserted.
            var wanted = members.ToHashSet();
            team.Members.RemoveAll(m => !wanted.Contains(new MemberKey(m.EmployeeId, m.MemberTeamId)));
            var kept = team.Members.Select(m => new MemberKey(m.EmployeeId, m.MemberTeamId)).ToHashSet();
            team.Members.AddRange(wanted.Where(m => !kept.Contains(m)).Select(m => new TeamMembership { EmployeeId = m.EmployeeId, MemberTeamId = m.TeamId }));
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return await ReadAsync(db, key, includeMembers: true, cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateConcurrencyException) when (expectedVersion is null && attempt < WriteAttempts)
            {
            }
            catch (DbUpdateConcurrencyException)
            {
                return StoreResult.VersionMismatch<StoredResource>();
            }
            catch (DbUpdateException exception) when (DbErrors.ToResult<StoredResource>(exception) is { } result)
            {
                return result;
            }
        }
    }

    public async ValueTask<StoreResult<string>> DeleteAsync(string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        if (!ScimIds.TryParseTeam(id, out var key))
        {
            return StoreResult.NotFound<string>();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await CheckVersionAsync<string>(db, key, expectedVersion, cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }

        var now = time.GetUtcNow();
        await db.Teams.Where(t => t.Members.Any(m => m.MemberTeamId == key))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RowVersion, t => t.RowVersion + 1).SetProperty(t => t.UpdatedAt, now), cancellationToken)
            .ConfigureAwait(false);
        await db.Teams.Where(t => t.Id == key).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return StoreResult.Success(id);
    }

    public async ValueTask<StoreResult<StoredResource>> ModifyMembersAsync(
        string groupId,
        IReadOnlyCollection<GroupMember> add,
        IReadOnlyCollection<string> remove,
        string? expectedVersion,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(add);
        ArgumentNullException.ThrowIfNull(remove);
        if (!ScimIds.TryParseTeam(groupId, out var key))
        {
            return StoreResult.NotFound<StoredResource>();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);

        // BEGIN IMMEDIATE: the version check, the membership rows and the new version are one step.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await CheckVersionAsync<StoredResource>(db, key, expectedVersion, cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }

        if (await ResolveMembersAsync(db, [.. add.Select(m => m.Value)], self: key, cancellationToken).ConfigureAwait(false) is not { } toAdd)
        {
            return UnknownMember<StoredResource>();
        }

        var addEmployees = toAdd.Where(m => m.EmployeeId is not null).Select(m => m.EmployeeId!.Value).ToList();
        var addTeams = toAdd.Where(m => m.TeamId is not null).Select(m => m.TeamId!.Value).ToList();
        var present = await db.TeamMemberships
            .Where(m => m.TeamId == key && ((m.EmployeeId != null && addEmployees.Contains(m.EmployeeId.Value)) || (m.MemberTeamId != null && addTeams.Contains(m.MemberTeamId.Value))))
            .Select(m => new MemberKey(m.EmployeeId, m.MemberTeamId))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        db.TeamMemberships.AddRange(toAdd.Except(present).Select(m => new TeamMembership { TeamId = key, EmployeeId = m.EmployeeId, MemberTeamId = m.TeamId }));
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException exception) when (DbErrors.ToResult<StoredResource>(exception) is { } result)
        {
            return result;
        }

        // Removing an id that is not a member (or not an id at all) is a no-op.
        var removeEmployees = remove.Select(r => ScimIds.TryParseEmployee(r, out var e) ? e : 0).Where(e => e > 0).ToList();
        var removeTeams = remove.Select(r => ScimIds.TryParseTeam(r, out var t) ? t : 0).Where(t => t > 0).ToList();
        if (removeEmployees.Count + removeTeams.Count > 0)
        {
            await db.TeamMemberships
                .Where(m => m.TeamId == key && ((m.EmployeeId != null && removeEmployees.Contains(m.EmployeeId.Value)) || (m.MemberTeamId != null && removeTeams.Contains(m.MemberTeamId.Value))))
                .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        await db.Teams.Where(t => t.Id == key)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RowVersion, t => t.RowVersion + 1).SetProperty(t => t.UpdatedAt, now), cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(db, key, includeMembers: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreResult<MemberPage>> ListMembersAsync(string groupId, int startIndex, int count, CancellationToken cancellationToken)
    {
        if (!ScimIds.TryParseTeam(groupId, out var key))
        {
            return StoreResult.NotFound<MemberPage>();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (!await db.Teams.AnyAsync(t => t.Id == key, cancellationToken).ConfigureAwait(false))
        {
            return StoreResult.NotFound<MemberPage>();
        }

        var rows = db.TeamMemberships.AsNoTracking().Where(m => m.TeamId == key);
        var total = await rows.CountAsync(cancellationToken).ConfigureAwait(false);
        if (count <= 0 || startIndex > total)
        {
            return StoreResult.Success(new MemberPage([], total));
        }

        // Ordered by the SCIM id string ("emp-10" before "emp-9"), in SQL, so a page reads only its own rows.
        var page = await rows
            .Select(m => new
            {
                Id = m.EmployeeId != null ? ScimIds.EmployeePrefix + m.EmployeeId : ScimIds.TeamPrefix + m.MemberTeamId,
                IsEmployee = m.EmployeeId != null,
                Display = m.EmployeeId != null ? m.Employee!.DisplayName ?? m.Employee.Login : m.MemberTeam!.Name,
            })
            .OrderBy(m => m.Id)
            .Skip(Math.Max(startIndex, 1) - 1)
            .Take(count)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return StoreResult.Success(new MemberPage([.. page.Select(m => new MemberRow(m.Id, m.IsEmployee, m.Display).ToMember())], total));
    }

    public async ValueTask<IReadOnlyList<GroupReference>> ListGroupsOfMemberAsync(string memberId, CancellationToken cancellationToken)
    {
        var isEmployee = ScimIds.TryParseEmployee(memberId, out var employeeId);
        var teamId = 0;
        if (!isEmployee && !ScimIds.TryParseTeam(memberId, out teamId))
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var teams = await db.Teams.AsNoTracking()
            .Where(t => t.Members.Any(m => isEmployee ? m.EmployeeId == employeeId : m.MemberTeamId == teamId))
            .Select(t => new { t.Id, t.Name })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. teams.Select(t => new GroupReference(ScimIds.OfTeam(t.Id), t.Name)).OrderBy(g => g.Id, StringComparer.Ordinal)];
    }

    private static async Task<StoreResult<StoredResource>> ReadAsync(AppDbContext db, int key, bool includeMembers, CancellationToken cancellationToken)
    {
        var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == key, cancellationToken).ConfigureAwait(false);
        if (team is null)
        {
            return StoreResult.NotFound<StoredResource>();
        }

        var members = includeMembers ? (await LoadMembersAsync(db, [key], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(key) ?? [] : null;
        return StoreResult.Success(ToStored(team, members));
    }

    private static async Task<StoreResult<T>?> CheckVersionAsync<T>(AppDbContext db, int key, string? expectedVersion, CancellationToken cancellationToken)
    {
        var current = await db.Teams.Where(t => t.Id == key).Select(t => (long?)t.RowVersion).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return StoreResult.NotFound<T>();
        }

        return expectedVersion is not null && expectedVersion != EmployeeMapping.VersionOf(current.Value) ? StoreResult.VersionMismatch<T>() : null;
    }

    private static async Task<Dictionary<int, List<GroupMember>>> LoadMembersAsync(AppDbContext db, List<int> teamIds, CancellationToken cancellationToken)
    {
        var rows = await db.TeamMemberships.AsNoTracking()
            .Where(m => teamIds.Contains(m.TeamId))
            .Select(m => new
            {
                m.TeamId,
                Member = new MemberRow(
                    m.EmployeeId != null ? ScimIds.EmployeePrefix + m.EmployeeId : ScimIds.TeamPrefix + m.MemberTeamId,
                    m.EmployeeId != null,
                    m.EmployeeId != null ? m.Employee!.DisplayName ?? m.Employee.Login : m.MemberTeam!.Name),
            })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.GroupBy(r => r.TeamId).ToDictionary(
            g => g.Key,
            g => g.Select(r => r.Member.ToMember()).OrderBy(m => m.Value, StringComparer.Ordinal).ToList());
    }

    /// <summary>Resolves member ids to rows; <see langword="null"/> when one does not exist (or is the team itself).</summary>
    private static async Task<List<MemberKey>?> ResolveMembersAsync(AppDbContext db, IReadOnlyCollection<string> ids, int? self, CancellationToken cancellationToken)
    {
        var employees = new HashSet<int>();
        var teams = new HashSet<int>();
        foreach (var id in ids)
        {
            if (ScimIds.TryParseEmployee(id, out var e))
            {
                employees.Add(e);
            }
            else if (ScimIds.TryParseTeam(id, out var t) && t != self)
            {
                teams.Add(t);
            }
            else
            {
                return null;
            }
        }

        var employeeList = employees.ToList();
        var teamList = teams.ToList();
        var foundEmployees = employeeList.Count == 0 ? 0 : await db.Employees.CountAsync(e => employeeList.Contains(e.Id), cancellationToken).ConfigureAwait(false);
        var foundTeams = teamList.Count == 0 ? 0 : await db.Teams.CountAsync(t => teamList.Contains(t.Id), cancellationToken).ConfigureAwait(false);
        if (foundEmployees != employees.Count || foundTeams != teams.Count)
        {
            return null;
        }

        return [.. employees.Select(e => new MemberKey(e, null)), .. teams.Select(t => new MemberKey(null, t))];
    }

    private static StoreResult<T> UnknownMember<T>() =>
        StoreResult.Rejected<T>(ScimError.InvalidValue("A member does not exist: members must be existing users or other groups."));

    private static List<string> MembersOf(JsonObject group) =>
        [.. (group["members"] as JsonArray ?? []).OfType<JsonObject>().Select(m => Text(m, "value") ?? "")];

    private static StoredResource ToStored(Team team, List<GroupMember>? members)
    {
        var group = new JsonObject { ["schemas"] = new JsonArray(ScimSchemas.Group), ["displayName"] = team.Name };
        if (team.ExternalRef is not null)
        {
            group["externalId"] = team.ExternalRef;
        }

        if (members is not null)
        {
            group["members"] = new JsonArray([.. members.Select(ToJson)]);
        }

        return new(ScimIds.OfTeam(team.Id), group, EmployeeMapping.VersionOf(team.RowVersion), team.CreatedAt, team.UpdatedAt);
    }

    private static JsonObject View(Team team, List<GroupMember> members)
    {
        var view = ToStored(team, members).Resource;
        view["id"] = ScimIds.OfTeam(team.Id);
        view["meta"] = EmployeeMapping.Meta("Group", team.CreatedAt, team.UpdatedAt, team.RowVersion);
        return view;
    }

    private static JsonNode ToJson(GroupMember member)
    {
        var item = new JsonObject { ["value"] = member.Value, ["type"] = member.Type };
        if (member.Display is not null)
        {
            item["display"] = member.Display;
        }

        return item;
    }

    private static string? Text(JsonObject source, string name) =>
        source[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    private readonly record struct MemberKey(int? EmployeeId, int? TeamId);

    private sealed record MemberRow(string Id, bool IsEmployee, string? Display)
    {
        public GroupMember ToMember() => new(Id, IsEmployee ? UserType : GroupType, Display);
    }
}
