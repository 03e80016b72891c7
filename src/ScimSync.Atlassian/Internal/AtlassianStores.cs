// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ScimSync.Atlassian.Products;
using ScimSync.Errors;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Atlassian.Internal;

/// <summary>Wraps the pipeline's stores of the directories that have Atlassian targets.</summary>
internal sealed class AtlassianStoreDecorator(AtlassianTargets targets) : IScimStoreDecorator
{
    public IScimStoreProvider Decorate(IScimStoreProvider provider) => new AtlassianStoreProvider(provider, targets);
}

internal sealed class AtlassianStoreProvider(IScimStoreProvider inner, AtlassianTargets targets) : IScimStoreProvider
{
    public IUserStore GetUserStore(string directory)
    {
        var store = inner.GetUserStore(directory);
        var forDirectory = targets.ForDirectory(directory);
        return forDirectory.Length == 0 ? store : new AtlassianUserStore(store, inner.GetGroupStore(directory), forDirectory, targets);
    }

    public IGroupStore GetGroupStore(string directory)
    {
        var store = inner.GetGroupStore(directory);
        var forDirectory = targets.ForDirectory(directory, groups: true);
        return forDirectory.Length == 0 ? store : new AtlassianGroupStore(inner.GetUserStore(directory), store, forDirectory, targets);
    }
}

/// <summary>
/// What every decorated write does: write-through targets are converged before the store commits (a product that
/// is down fails the write with nothing committed); queued targets get an outbox entry after the commit; a write the
/// store refuses after a product took it is queued for repair, so the product returns to the store's state.
/// </summary>
internal abstract class AtlassianStoreBase(IUserStore users, IGroupStore groups, string[] targetNames, AtlassianTargets targets)
{
    protected IUserStore Users { get; } = users;

    protected IGroupStore Groups { get; } = groups;

    protected async Task<StoreResult<T>> WriteAsync<T>(
        ScimResourceKind kind,
        Func<AtlassianConverger, ChangeSink, Task> writeThrough,
        Func<Task<StoreResult<T>>> commit,
        Func<StoreResult<T>, string?> committedId,
        string? repairId,
        CancellationToken cancellationToken)
    {
        var touched = new List<AtlassianTarget>();
        foreach (var name in targetNames)
        {
            var target = targets.Get(name);
            if (target.Options.Mode != AtlassianWriteMode.WriteThrough)
            {
                continue;
            }

            var sink = new ChangeSink(dryRun: false);
            try
            {
                await writeThrough(new AtlassianConverger(target, Users, Groups), sink).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (sink.Changes.Count > 0 || touched.Count > 0)
                {
                    touched.Add(target);
                    await QueueRepairAsync(touched, kind, repairId).ConfigureAwait(false);
                }

                // A product answer the client could not read is a product failure too: 503, never a 500.
                return Fail<T>(target, e as AtlassianProductException
                    ?? new AtlassianProductException(target.Client.Product, AtlassianErrorKind.Unavailable, null, ["The product's answer could not be used: " + e.GetType().Name], null, e));
            }

            if (sink.Changes.Count > 0)
            {
                touched.Add(target);
                AtlassianLog.Changed(target.Logger, target.Name, sink.Changes.Count, kind);
            }
        }

        var result = await commit().ConfigureAwait(false);
        var id = result.IsSuccess ? committedId(result) : repairId;
        if (!result.IsSuccess)
        {
            await QueueRepairAsync(touched, kind, id).ConfigureAwait(false);
            return result;
        }

        foreach (var name in targetNames)
        {
            var target = targets.Get(name);
            if (target.Options.Mode == AtlassianWriteMode.Queued && id is not null)
            {
                await target.State.EnqueueAsync(target.Name, kind, id, cancellationToken).ConfigureAwait(false);
                target.OutboxSignal.Release();
            }
        }

        return result;
    }

    /// <summary>Records repairs even when the request was cancelled: the product has changed either way.</summary>
    private static async Task QueueRepairAsync(List<AtlassianTarget> touched, ScimResourceKind kind, string? id)
    {
        if (id is null)
        {
            return; // a create that never got an id: reconciliation finds the product's user by name
        }

        foreach (var target in touched)
        {
            await target.State.EnqueueAsync(target.Name, kind, id, CancellationToken.None).ConfigureAwait(false);
            target.OutboxSignal.Release();
        }
    }

    private static StoreResult<T> Fail<T>(AtlassianTarget target, AtlassianProductException e)
    {
        AtlassianLog.WriteFailed(target.Logger, target.Name, e.Kind, e);
        return e.Kind switch
        {
            AtlassianErrorKind.Unavailable or AtlassianErrorKind.Unauthorized => throw new ScimStoreUnavailableException(
                $"Atlassian target '{target.Name}' ({e.Product}) is unavailable: {e.Message}", e) { RetryAfter = e.RetryAfter ?? TimeSpan.FromSeconds(30) },
            _ => StoreResult.Rejected<T>(new ScimError(409, null, $"{e.Product} refused the change: {string.Join("; ", e.Messages)}")),
        };
    }
}

internal sealed class AtlassianUserStore(IUserStore users, IGroupStore groups, string[] targetNames, AtlassianTargets targets)
    : AtlassianStoreBase(users, groups, targetNames, targets), IUserStore
{
    public ResourceStoreCapabilities Capabilities => Users.Capabilities;

    public ValueTask<StoreResult<StoredResource>> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken) =>
        Users.GetAsync(id, includeMembers, cancellationToken);

    public ValueTask<StoreResult<ListResult>> ListAsync(ListQuery query, CancellationToken cancellationToken) =>
        Users.ListAsync(query, cancellationToken);

    public async ValueTask<StoreResult<StoredResource>> CreateAsync(JsonObject resource, CancellationToken cancellationToken)
    {
        var links = new List<(AtlassianTarget Target, State.AtlassianUserLink Link)>();
        var result = await WriteAsync(
            ScimResourceKind.User,
            async (converger, sink) =>
            {
                var link = await converger.ConvergeUserAsync(null, resource, null, includeGroups: false, sink, cancellationToken).ConfigureAwait(false);
                if (link is not null)
                {
                    links.Add((converger.Target, link));
                }
            },
            () => Users.CreateAsync(resource, cancellationToken).AsTask(),
            r => r.Value!.Id,
            null,
            cancellationToken).ConfigureAwait(false);
        if (result.IsSuccess)
        {
            foreach (var (target, link) in links)
            {
                await target.State.SetUserLinkAsync(target.Name, result.Value!.Id, link with { ScimId = result.Value.Id }, cancellationToken).ConfigureAwait(false);
            }
        }

        return result;
    }

    public async ValueTask<StoreResult<StoredResource>> ReplaceAsync(string id, JsonObject resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        var current = await Users.GetAsync(id, includeMembers: false, cancellationToken).ConfigureAwait(false);
        if (!current.IsSuccess)
        {
            return current;
        }

        if (expectedVersion is not null && !string.Equals(current.Value!.Version, expectedVersion, StringComparison.Ordinal))
        {
            return StoreResult.VersionMismatch<StoredResource>();
        }

        return await WriteAsync(
            ScimResourceKind.User,
            (converger, sink) => converger.ConvergeUserAsync(id, resource, current.Value!.Resource, includeGroups: false, sink, cancellationToken),
            () => Users.ReplaceAsync(id, resource, expectedVersion, cancellationToken).AsTask(),
            r => r.Value!.Id,
            id,
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreResult<string>> DeleteAsync(string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        var current = await Users.GetAsync(id, includeMembers: false, cancellationToken).ConfigureAwait(false);
        if (!current.IsSuccess)
        {
            return StoreResult.NotFound<string>();
        }

        if (expectedVersion is not null && !string.Equals(current.Value!.Version, expectedVersion, StringComparison.Ordinal))
        {
            return StoreResult.VersionMismatch<string>();
        }

        return await WriteAsync(
            ScimResourceKind.User,
            (converger, sink) => converger.ConvergeUserAsync(id, null, current.Value!.Resource, includeGroups: false, sink, cancellationToken),
            () => Users.DeleteAsync(id, expectedVersion, cancellationToken).AsTask(),
            r => r.Value,
            id,
            cancellationToken).ConfigureAwait(false);
    }
}

internal sealed class AtlassianGroupStore(IUserStore users, IGroupStore groups, string[] targetNames, AtlassianTargets targets)
    : AtlassianStoreBase(users, groups, targetNames, targets), IGroupStore
{
    public ResourceStoreCapabilities Capabilities => Groups.Capabilities;

    public ValueTask<StoreResult<StoredResource>> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken) =>
        Groups.GetAsync(id, includeMembers, cancellationToken);

    public ValueTask<StoreResult<ListResult>> ListAsync(ListQuery query, CancellationToken cancellationToken) =>
        Groups.ListAsync(query, cancellationToken);

    public ValueTask<StoreResult<MemberPage>> ListMembersAsync(string groupId, int startIndex, int count, CancellationToken cancellationToken) =>
        Groups.ListMembersAsync(groupId, startIndex, count, cancellationToken);

    public ValueTask<IReadOnlyList<GroupReference>> ListGroupsOfMemberAsync(string memberId, CancellationToken cancellationToken) =>
        Groups.ListGroupsOfMemberAsync(memberId, cancellationToken);

    public async ValueTask<StoreResult<StoredResource>> CreateAsync(JsonObject resource, CancellationToken cancellationToken)
    {
        var names = new List<(AtlassianTarget Target, string Name)>();
        var members = ScimValues.Members(resource);
        var result = await WriteAsync(
            ScimResourceKind.Group,
            async (converger, sink) =>
            {
                if (await converger.ConvergeGroupAsync(null, resource, includeMembers: true, sink, cancellationToken, members).ConfigureAwait(false) is { } name)
                {
                    names.Add((converger.Target, name));
                }
            },
            () => Groups.CreateAsync(resource, cancellationToken).AsTask(),
            r => r.Value!.Id,
            null,
            cancellationToken).ConfigureAwait(false);
        if (result.IsSuccess)
        {
            foreach (var (target, name) in names)
            {
                await target.State.SetGroupNameAsync(target.Name, result.Value!.Id, name, cancellationToken).ConfigureAwait(false);
            }
        }

        return result;
    }

    public async ValueTask<StoreResult<StoredResource>> ReplaceAsync(string id, JsonObject resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        var current = await Groups.GetAsync(id, includeMembers: false, cancellationToken).ConfigureAwait(false);
        if (!current.IsSuccess)
        {
            return current;
        }

        if (expectedVersion is not null && !string.Equals(current.Value!.Version, expectedVersion, StringComparison.Ordinal))
        {
            return StoreResult.VersionMismatch<StoredResource>();
        }

        var members = ScimValues.Members(resource);
        return await WriteAsync(
            ScimResourceKind.Group,
            (converger, sink) => converger.ConvergeGroupAsync(id, resource, includeMembers: true, sink, cancellationToken, members),
            () => Groups.ReplaceAsync(id, resource, expectedVersion, cancellationToken).AsTask(),
            r => r.Value!.Id,
            id,
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreResult<string>> DeleteAsync(string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        var current = await Groups.GetAsync(id, includeMembers: false, cancellationToken).ConfigureAwait(false);
        if (!current.IsSuccess)
        {
            return StoreResult.NotFound<string>();
        }

        if (expectedVersion is not null && !string.Equals(current.Value!.Version, expectedVersion, StringComparison.Ordinal))
        {
            return StoreResult.VersionMismatch<string>();
        }

        return await WriteAsync(
            ScimResourceKind.Group,
            (converger, sink) => converger.ConvergeGroupAsync(id, null, includeMembers: false, sink, cancellationToken),
            () => Groups.DeleteAsync(id, expectedVersion, cancellationToken).AsTask(),
            r => r.Value,
            id,
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreResult<StoredResource>> ModifyMembersAsync(
        string groupId, IReadOnlyCollection<GroupMember> add, IReadOnlyCollection<string> remove, string? expectedVersion, CancellationToken cancellationToken)
    {
        if (expectedVersion is not null)
        {
            var current = await Groups.GetAsync(groupId, includeMembers: false, cancellationToken).ConfigureAwait(false);
            if (!current.IsSuccess)
            {
                return current;
            }

            if (!string.Equals(current.Value!.Version, expectedVersion, StringComparison.Ordinal))
            {
                return StoreResult.VersionMismatch<StoredResource>();
            }
        }

        // Members that are not users are left out of the product (its groups hold users); members that do not exist
        // make the store refuse the change, and the repair entry brings the product back to the store's state.
        return await WriteAsync(
            ScimResourceKind.Group,
            (converger, sink) => converger.ApplyMembershipChangeAsync(groupId, add, remove, sink, cancellationToken),
            () => Groups.ModifyMembersAsync(groupId, add, remove, expectedVersion, cancellationToken).AsTask(),
            r => r.Value!.Id,
            groupId,
            cancellationToken).ConfigureAwait(false);
    }
}
