// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Stores.InMemory.Internal;

/// <summary>A store of one resource type over a directory.</summary>
internal abstract class InMemoryResourceStore(InMemoryDirectory.Kind kind) : IResourceStore
{
    public ResourceStoreCapabilities Capabilities { get; } =
        new([], int.MaxValue, SupportsSorting: true) { SupportsCursor = true };

    protected InMemoryDirectory.Kind Kind { get; } = kind;

    internal InMemoryDirectory Directory => Kind.Directory;

    public ValueTask<StoreResult<StoredResource>> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return ValueTask.FromResult(Directory.Get(Kind, id, includeMembers) is { } resource
            ? StoreResult.Success(resource)
            : StoreResult.NotFound<StoredResource>());
    }

    public ValueTask<StoreResult<ListResult>> ListAsync(ListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ValueTask.FromResult(Directory.List(Kind, query));
    }

    public ValueTask<StoreResult<StoredResource>> CreateAsync(JsonObject resource, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Directory.Create(Kind, resource));

    public ValueTask<StoreResult<StoredResource>> ReplaceAsync(string id, JsonObject resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return ValueTask.FromResult(Directory.Replace(Kind, id, resource, expectedVersion));
    }

    public ValueTask<StoreResult<string>> DeleteAsync(string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return ValueTask.FromResult(Directory.Delete(Kind, id, expectedVersion));
    }
}

/// <summary>The in-memory <c>User</c> store of one directory.</summary>
internal sealed class InMemoryUserStore(InMemoryDirectory.Kind kind) : InMemoryResourceStore(kind), IUserStore;

/// <summary>The in-memory <c>Group</c> store of one directory.</summary>
internal sealed class InMemoryGroupStore(InMemoryDirectory.Kind kind) : InMemoryResourceStore(kind), IGroupStore
{
    public ValueTask<StoreResult<StoredResource>> ModifyMembersAsync(
        string groupId, IReadOnlyCollection<GroupMember> add, IReadOnlyCollection<string> remove, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(add);
        ArgumentNullException.ThrowIfNull(remove);
        return ValueTask.FromResult(Directory.ModifyMembers(groupId, add, remove, expectedVersion));
    }

    public ValueTask<StoreResult<MemberPage>> ListMembersAsync(string groupId, int startIndex, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentOutOfRangeException.ThrowIfLessThan(startIndex, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return ValueTask.FromResult(Directory.ListMembers(groupId, startIndex, count));
    }

    public ValueTask<IReadOnlyList<GroupReference>> ListGroupsOfMemberAsync(string memberId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memberId);
        return ValueTask.FromResult(Directory.ListGroupsOfMember(memberId));
    }
}
