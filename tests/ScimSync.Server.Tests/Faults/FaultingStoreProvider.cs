// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Stores;

namespace ScimSync.Server.Tests.Faults;

/// <summary>What the N-th store call does instead of (or after) its work.</summary>
public enum StoreFault
{
    /// <summary>Throws <see cref="ScimStoreUnavailableException"/> before the call reaches the store (a timeout or a dropped connection).</summary>
    UnavailableBefore,

    /// <summary>Lets the call commit, then throws <see cref="ScimStoreUnavailableException"/> (the answer was lost).</summary>
    UnavailableAfter,

    /// <summary>Answers a write with a uniqueness conflict (a constraint violation) without reaching the store.</summary>
    Conflict,

    /// <summary>Throws an exception outside the store contract (a bug in a store).</summary>
    Unexpected,
}

/// <summary>
/// Wraps the SQLite stores a <see cref="ScimTestHost"/> adds and makes the N-th store call after
/// <see cref="Arm"/> fail. Calls are counted across both stores, so N walks through every store call a request makes.
/// </summary>
public sealed class FaultingStoreProvider : IScimStoreProvider
{
    private readonly FaultingUserStore _users;
    private readonly FaultingGroupStore _groups;
    private readonly Lock _gate = new();
    private int _countdown;
    private StoreFault _fault;

    public FaultingStoreProvider(IUserStore users, IGroupStore groups)
    {
        _users = new FaultingUserStore(users, this);
        _groups = new FaultingGroupStore(groups, this);
    }

    /// <summary>Gets whether the armed fault has fired.</summary>
    public bool Fired { get; private set; }

    /// <summary>Gets the store calls made since <see cref="Arm"/>.</summary>
    public int Calls { get; private set; }

    /// <summary>Gets the writes that reached the store and succeeded since <see cref="Arm"/>.</summary>
    public int Commits { get; private set; }

    public static Action<IServiceCollection> Register(Action<FaultingStoreProvider> created) => services =>
        services.AddSingleton<IScimStoreProvider>(sp =>
        {
            var provider = new FaultingStoreProvider(sp.GetRequiredService<IUserStore>(), sp.GetRequiredService<IGroupStore>());
            created(provider);
            return provider;
        });

    public IUserStore GetUserStore(string directory) => _users;

    public IGroupStore GetGroupStore(string directory) => _groups;

    /// <summary>Makes call number <paramref name="n"/> (1-based) from now fail with <paramref name="fault"/>.</summary>
    public void Arm(int n, StoreFault fault)
    {
        lock (_gate)
        {
            (_countdown, _fault, Fired, Calls, Commits) = (n, fault, false, 0, 0);
        }
    }

    public void Disarm()
    {
        lock (_gate)
        {
            _countdown = 0;
        }
    }

    private StoreFault? Next(bool write)
    {
        lock (_gate)
        {
            Calls++;
            if (_countdown <= 0 || --_countdown > 0)
            {
                return null;
            }

            // A constraint violation only happens on a write; a read at that position fails as unavailable.
            Fired = true;
            return _fault == StoreFault.Conflict && !write ? StoreFault.UnavailableBefore : _fault;
        }
    }

    private async ValueTask<StoreResult<T>> RunAsync<T>(bool write, Func<ValueTask<StoreResult<T>>> call)
    {
        var fault = Next(write);
        if (fault is null or StoreFault.UnavailableAfter)
        {
            var result = await call();
            if (write && result.IsSuccess)
            {
                lock (_gate)
                {
                    Commits++;
                }
            }

            return fault is null ? result : throw new ScimStoreUnavailableException("Injected: the answer was lost after the commit.") { RetryAfter = TimeSpan.FromSeconds(2) };
        }

        switch (fault)
        {
            case StoreFault.UnavailableBefore:
                throw new ScimStoreUnavailableException("Injected: the connection to the database was dropped.") { RetryAfter = TimeSpan.FromSeconds(2) };
            case StoreFault.Conflict:
                return StoreResult.Conflict<T>("Injected: a resource with this userName already exists.");
            default:
                throw new InvalidOperationException("Injected: secret connection string Server=db;Password=hunter2");
        }
    }

    private class FaultingStore(IResourceStore inner, FaultingStoreProvider provider)
    {
        protected FaultingStoreProvider Provider => provider;

        public ResourceStoreCapabilities Capabilities => inner.Capabilities;

        public ValueTask<StoreResult<StoredResource>> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken) =>
            Provider.RunAsync(false, () => inner.GetAsync(id, includeMembers, cancellationToken));

        public ValueTask<StoreResult<ListResult>> ListAsync(ListQuery query, CancellationToken cancellationToken) =>
            Provider.RunAsync(false, () => inner.ListAsync(query, cancellationToken));

        public ValueTask<StoreResult<StoredResource>> CreateAsync(JsonObject resource, CancellationToken cancellationToken) =>
            Provider.RunAsync(true, () => inner.CreateAsync(resource, cancellationToken));

        public ValueTask<StoreResult<StoredResource>> ReplaceAsync(string id, JsonObject resource, string? expectedVersion, CancellationToken cancellationToken) =>
            Provider.RunAsync(true, () => inner.ReplaceAsync(id, resource, expectedVersion, cancellationToken));

        public ValueTask<StoreResult<string>> DeleteAsync(string id, string? expectedVersion, CancellationToken cancellationToken) =>
            Provider.RunAsync(true, () => inner.DeleteAsync(id, expectedVersion, cancellationToken));
    }

    private sealed class FaultingUserStore(IUserStore inner, FaultingStoreProvider provider) : FaultingStore(inner, provider), IUserStore;

    private sealed class FaultingGroupStore(IGroupStore inner, FaultingStoreProvider provider) : FaultingStore(inner, provider), IGroupStore
    {
        public ValueTask<StoreResult<StoredResource>> ModifyMembersAsync(string groupId, IReadOnlyCollection<GroupMember> add, IReadOnlyCollection<string> remove, string? expectedVersion, CancellationToken cancellationToken) =>
            Provider.RunAsync(true, () => inner.ModifyMembersAsync(groupId, add, remove, expectedVersion, cancellationToken));

        public ValueTask<StoreResult<MemberPage>> ListMembersAsync(string groupId, int startIndex, int count, CancellationToken cancellationToken) =>
            Provider.RunAsync(false, () => inner.ListMembersAsync(groupId, startIndex, count, cancellationToken));

        public async ValueTask<IReadOnlyList<GroupReference>> ListGroupsOfMemberAsync(string memberId, CancellationToken cancellationToken)
        {
            var result = await Provider.RunAsync(false, async () => StoreResult.Success(await inner.ListGroupsOfMemberAsync(memberId, cancellationToken)));
            return result.IsSuccess ? result.Value! : [];
        }
    }
}
