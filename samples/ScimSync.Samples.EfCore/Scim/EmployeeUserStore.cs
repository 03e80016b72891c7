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

/// <summary>SCIM Users over the application's <c>Employees</c> table.</summary>
/// <remarks>
/// One short-lived <see cref="AppDbContext"/> per operation: the server may call a store concurrently, and a
/// DbContext must not be shared between threads.
/// </remarks>
internal sealed class EmployeeUserStore(IDbContextFactory<AppDbContext> contexts, TimeProvider time, IOptions<ScimTablesOptions> options) : IUserStore
{
    // With expectedVersion null a write that lost a race is retried on the new row, a few times.
    private const int WriteAttempts = 3;

    private static readonly ScimFilterEvaluator Evaluator = new(ScimSchemaRegistry.Default.User);

    public ResourceStoreCapabilities Capabilities =>
        new(EmployeeQueries.PushedDown, options.Value.MaxScannedRows, SupportsSorting: true);

    public async ValueTask<StoreResult<StoredResource>> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken)
    {
        if (!ScimIds.TryParseEmployee(id, out var key))
        {
            return StoreResult.NotFound<StoredResource>();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var employee = await db.Employees.AsNoTracking().FirstOrDefaultAsync(e => e.Id == key, cancellationToken).ConfigureAwait(false);
        return employee is null ? StoreResult.NotFound<StoredResource>() : StoreResult.Success(EmployeeMapping.ToStored(employee));
    }

    public async ValueTask<StoreResult<ListResult>> ListAsync(ListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        IQueryable<Employee> rows = db.Employees.AsNoTracking();
        if (query.Filter is { } filter)
        {
            var plan = EmployeeQueries.Plan(filter);
            if (plan.Sql is not null)
            {
                rows = rows.Where(plan.Sql);
            }

            if (plan.NeedsScan)
            {
                // The bounded path: at most MaxScannedRows rows are read and evaluated like the in-memory store would.
                var max = options.Value.MaxScannedRows;
                var candidates = await rows.OrderBy(e => e.Id).Take(max + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
                if (candidates.Count > max)
                {
                    return StoreResult.Rejected<ListResult>(ScimError.TooMany(
                        $"The filter cannot be answered from an index and would examine more than {max.ToString(CultureInfo.InvariantCulture)} users; narrow it with userName, externalId, emails or id eq."));
                }

                var matches = candidates.Where(e => Evaluator.Matches(filter, EmployeeMapping.View(e))).Select(e => e.Id).ToList();
                rows = db.Employees.AsNoTracking().Where(e => matches.Contains(e.Id));
            }
        }

        var total = await rows.CountAsync(cancellationToken).ConfigureAwait(false);
        if (query.Count <= 0 || query.StartIndex > total)
        {
            return StoreResult.Success(new ListResult([], total));
        }

        var page = await EmployeeQueries.Sort(rows, query)
            .Skip(Math.Max(query.StartIndex, 1) - 1)
            .Take(query.Count)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return StoreResult.Success(new ListResult([.. page.Select(EmployeeMapping.ToStored)], total));
    }

    #region create
    public async ValueTask<StoreResult<StoredResource>> CreateAsync(JsonObject resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var now = time.GetUtcNow();
        var employee = new Employee { CreatedAt = now, UpdatedAt = now };
        EmployeeMapping.FromScim(resource, employee);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        db.Employees.Add(employee);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException exception) when (DbErrors.ToResult<StoredResource>(exception) is { } result)
        {
            return result;
        }

        return StoreResult.Success(EmployeeMapping.ToStored(employee));
    }
    #endregion

    public async ValueTask<StoreResult<StoredResource>> ReplaceAsync(string id, JsonObject resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (!ScimIds.TryParseEmployee(id, out var key))
        {
            return StoreResult.NotFound<StoredResource>();
        }

        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var employee = await db.Employees.FirstOrDefaultAsync(e => e.Id == key, cancellationToken).ConfigureAwait(false);
            if (employee is null)
            {
                return StoreResult.NotFound<StoredResource>();
            }

            if (expectedVersion is not null && expectedVersion != EmployeeMapping.VersionOf(employee.RowVersion))
            {
                return StoreResult.VersionMismatch<StoredResource>();
            }

            EmployeeMapping.FromScim(resource, employee);
            employee.UpdatedAt = time.GetUtcNow();

            // Even an identical body is a write: it gets a new version (AppDbContext raises RowVersion on Modified).
            db.Entry(employee).Property(e => e.UpdatedAt).IsModified = true;
            try
            {
                // UPDATE ... WHERE Id = @id AND RowVersion = @read: a concurrent writer makes it touch no row.
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return StoreResult.Success(EmployeeMapping.ToStored(employee));
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
        if (!ScimIds.TryParseEmployee(id, out var key))
        {
            return StoreResult.NotFound<string>();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);

        // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the version read below cannot change before the delete.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var current = await db.Employees.Where(e => e.Id == key).Select(e => (long?)e.RowVersion).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return StoreResult.NotFound<string>();
        }

        if (expectedVersion is not null && expectedVersion != EmployeeMapping.VersionOf(current.Value))
        {
            return StoreResult.VersionMismatch<string>();
        }

        // The teams lose a member, so their versions change; the membership rows go with the employee (ON DELETE CASCADE).
        var now = time.GetUtcNow();
        await db.Teams.Where(t => t.Members.Any(m => m.EmployeeId == key))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RowVersion, t => t.RowVersion + 1).SetProperty(t => t.UpdatedAt, now), cancellationToken)
            .ConfigureAwait(false);
        await db.Employees.Where(e => e.Id == key).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return StoreResult.Success(id);
    }
}
