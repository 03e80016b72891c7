// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using ScimSync.Atlassian.Internal;
using ScimSync.Atlassian.Products;
using ScimSync.Stores;

namespace ScimSync.Atlassian;

/// <summary>What a reconciliation run found and did.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="DryRun">Whether the run only reported (changed nothing).</param>
/// <param name="UsersChecked">How many ScimSync users were compared with the product.</param>
/// <param name="GroupsChecked">How many ScimSync groups were compared with the product.</param>
/// <param name="Changes">What was changed in the product (or, in a dry run, would be).</param>
/// <param name="Failures">Users and groups that could not be reconciled, with the product's reason.</param>
/// <param name="Completed">Whether every user and group was checked (false when the product became unavailable).</param>
public sealed record AtlassianReconciliationReport(
    string Target,
    bool DryRun,
    int UsersChecked,
    int GroupsChecked,
    IReadOnlyList<AtlassianChange> Changes,
    IReadOnlyList<string> Failures,
    bool Completed);

/// <summary>
/// Compares ScimSync's users and groups of a target's directory with the product and repairs the drift: users
/// missing in the product, changed by hand, re-activated by hand, wrong or missing group memberships, missing default
/// groups and user properties. Users the product has and ScimSync does not are left alone. One run at a time per
/// target.
/// </summary>
/// <example>
/// <code>
/// var report = await app.Services.GetRequiredService&lt;AtlassianReconciler&gt;().RunAsync("jira", dryRun: true);
/// foreach (var change in report.Changes) Console.WriteLine($"{change.Kind} {change.Subject} {change.Detail}");
/// </code>
/// </example>
public sealed class AtlassianReconciler
{
    private const int PageSize = 200;
    private readonly AtlassianTargets _targets;
    private readonly IServiceScopeFactory _scopes;

    internal AtlassianReconciler(AtlassianTargets targets, IServiceScopeFactory scopes)
    {
        _targets = targets;
        _scopes = scopes;
    }

    /// <summary>Gets the names of the configured targets.</summary>
    public IReadOnlyList<string> Targets => _targets.Names;

    /// <summary>Runs a reconciliation.</summary>
    /// <param name="target">The target's name.</param>
    /// <param name="dryRun">Whether to only report what differs, changing nothing.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">No target has that name.</exception>
    /// <exception cref="InvalidOperationException">A run of that target is in progress.</exception>
    public async Task<AtlassianReconciliationReport> RunAsync(string target, bool dryRun, CancellationToken cancellationToken = default)
    {
        if (!_targets.Contains(target))
        {
            throw new ArgumentException($"No Atlassian target is named '{target}'.", nameof(target));
        }

        var gate = _targets.RunGate(target);
        if (!await gate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"A reconciliation of '{target}' is in progress.");
        }

        try
        {
            var runtime = _targets.Get(target);
            await using var scope = _scopes.CreateAsyncScope();
            var (users, groups) = StoreAccess.Open(scope.ServiceProvider, runtime.Directory);
            var converger = new AtlassianConverger(runtime, users, groups);
            var sink = new ChangeSink(dryRun);
            var failures = new List<string>();
            int usersChecked = 0, groupsChecked = 0;
            var completed = true;
            try
            {
                await foreach (var user in AllAsync(users, cancellationToken).ConfigureAwait(false))
                {
                    usersChecked++;
                    await GuardAsync(
                        () => converger.ConvergeUserAsync(user.Id, user.Resource, null, includeGroups: true, sink, cancellationToken),
                        "user " + user.Id,
                        failures).ConfigureAwait(false);
                }

                await foreach (var group in runtime.Options.WriteScimGroups ? AllAsync(groups, cancellationToken) : NoneAsync())
                {
                    groupsChecked++;
                    await GuardAsync(
                        () => converger.ConvergeGroupAsync(group.Id, group.Resource, includeMembers: true, sink, cancellationToken),
                        "group " + group.Id,
                        failures).ConfigureAwait(false);
                }
            }
            catch (AtlassianProductException e) when (e.Kind is AtlassianErrorKind.Unavailable or AtlassianErrorKind.Unauthorized)
            {
                failures.Add($"stopped: {e.Message}");
                completed = false;
            }

            AtlassianLog.Reconciled(runtime.Logger, target, dryRun ? "(dry run)" : "(repair)", usersChecked, groupsChecked, sink.Changes.Count, failures.Count);
            return new AtlassianReconciliationReport(target, dryRun, usersChecked, groupsChecked, sink.Changes, failures, completed);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task GuardAsync(Func<Task> action, string what, List<string> failures)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (AtlassianProductException e) when (e.Kind is AtlassianErrorKind.Refused or AtlassianErrorKind.NotFound)
        {
            failures.Add($"{what}: {e.Message}");
        }
    }

#pragma warning disable CS1998 // an empty sequence needs no await
    private static async IAsyncEnumerable<StoredResource> NoneAsync()
    {
        yield break;
    }
#pragma warning restore CS1998

    private static async IAsyncEnumerable<StoredResource> AllAsync(IResourceStore store, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var start = 1; ; start += PageSize)
        {
            var page = await store.ListAsync(new ListQuery { StartIndex = start, Count = PageSize, IncludeMembers = false }, cancellationToken).ConfigureAwait(false);
            if (!page.IsSuccess)
            {
                throw new InvalidOperationException("The store refused to list: " + page.ToError().Detail);
            }

            foreach (var resource in page.Value!.Resources)
            {
                yield return resource;
            }

            if (page.Value.Resources.Count < PageSize)
            {
                yield break;
            }
        }
    }
}
