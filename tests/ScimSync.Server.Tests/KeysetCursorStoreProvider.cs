// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Stores;

namespace ScimSync.Server.Tests;

/// <summary>
/// Test-only stores over the real SQLite ones that page by cursor (RFC 9865) honestly: keyset pagination over the id
/// order, the cursor carrying the last id returned and when it was issued. With <c>deriveGroups: false</c> the User
/// store also drops the <c>groups</c> SQLite derives, to stand for a store that leaves it to the server. With
/// <c>cursors: false</c> the stores declare no cursor support, to stand for a store without it.
/// </summary>
public sealed class KeysetCursorStoreProvider(IUserStore users, IGroupStore groups, TimeProvider time, TimeSpan timeout, bool deriveGroups = true, bool cursors = true) : IScimStoreProvider
{
    private readonly KeysetUserStore _users = new(users, time, cursors ? timeout : null, deriveGroups);
    private readonly KeysetGroupStore _groups = new(groups, time, cursors ? timeout : null);

    /// <summary>Registers the provider over the SQLite stores a <see cref="ScimTestHost"/> adds.</summary>
    public static Action<IServiceCollection> Register(TimeSpan? timeout = null, bool deriveGroups = true, bool cursors = true) => services =>
        services.AddSingleton<IScimStoreProvider>(sp => new KeysetCursorStoreProvider(
            sp.GetRequiredService<IUserStore>(),
            sp.GetRequiredService<IGroupStore>(),
            sp.GetRequiredService<TimeProvider>(),
            timeout ?? TimeSpan.FromMinutes(10),
            deriveGroups,
            cursors));

    public IUserStore GetUserStore(string directory) => _users;

    public IGroupStore GetGroupStore(string directory) => _groups;

    /// <summary>Pages by cursor when given a timeout; declares no cursor support without one.</summary>
    private class KeysetStore(IResourceStore inner, TimeProvider time, TimeSpan? cursorTimeout) : IResourceStore
    {
        private readonly TimeSpan _timeout = cursorTimeout ?? TimeSpan.Zero;

        public ResourceStoreCapabilities Capabilities { get; } =
            inner.Capabilities with { SupportsCursor = cursorTimeout is not null, CursorTimeout = cursorTimeout };

        public virtual ValueTask<StoreResult<StoredResource>> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken) =>
            inner.GetAsync(id, includeMembers, cancellationToken);

        public virtual async ValueTask<StoreResult<ListResult>> ListAsync(ListQuery query, CancellationToken cancellationToken)
        {
            if (query.Cursor is null)
            {
                return await inner.ListAsync(query, cancellationToken);
            }

            string? after = null;
            if (query.Cursor.Length > 0)
            {
                if (!TryDecode(query.Cursor, out after, out var issued))
                {
                    return StoreResult.Rejected<ListResult>(ScimError.InvalidCursor("Not a cursor of this store."));
                }

                if (time.GetUtcNow() - issued > _timeout)
                {
                    return StoreResult.Rejected<ListResult>(ScimError.ExpiredCursor("The cursor expired."));
                }
            }

            var total = await inner.ListAsync(query with { Cursor = null, StartIndex = 1, Count = 0 }, cancellationToken);
            if (!total.IsSuccess)
            {
                return total;
            }

            var filter = query.Filter;
            if (after is not null)
            {
                var keyset = new ComparisonNode(new Patching.AttributePath(null, "id"), ComparisonOperator.GreaterThan, FilterValue.FromString(after));
                filter = filter is null ? keyset : new LogicalNode(LogicalOperator.And, filter, keyset);
            }

            var rest = await inner.ListAsync(query with { Cursor = null, Filter = filter, SortBy = null, StartIndex = 1, Count = int.MaxValue }, cancellationToken);
            if (!rest.IsSuccess)
            {
                return rest;
            }

            var ordered = rest.Value!.Resources.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
            var page = ordered.Take(query.Count).ToList();
            var next = ordered.Count > page.Count && page.Count > 0 ? Encode(page[^1].Id, time.GetUtcNow()) : null;
            return StoreResult.Success(new ListResult(page, total.Value!.TotalResults) { NextCursor = next });
        }

        public ValueTask<StoreResult<StoredResource>> CreateAsync(JsonObject resource, CancellationToken cancellationToken) =>
            inner.CreateAsync(resource, cancellationToken);

        public ValueTask<StoreResult<StoredResource>> ReplaceAsync(string id, JsonObject resource, string? expectedVersion, CancellationToken cancellationToken) =>
            inner.ReplaceAsync(id, resource, expectedVersion, cancellationToken);

        public ValueTask<StoreResult<string>> DeleteAsync(string id, string? expectedVersion, CancellationToken cancellationToken) =>
            inner.DeleteAsync(id, expectedVersion, cancellationToken);

        private static string Encode(string id, DateTimeOffset issued) =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes(id + "|" + issued.UtcTicks.ToString(CultureInfo.InvariantCulture)));

        private static bool TryDecode(string cursor, out string? id, out DateTimeOffset issued)
        {
            id = null;
            issued = default;
            try
            {
                var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('|');
                if (parts.Length != 2 || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var ticks))
                {
                    return false;
                }

                id = parts[0];
                issued = new DateTimeOffset(ticks, TimeSpan.Zero);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }
    }

    private sealed class KeysetUserStore(IUserStore inner, TimeProvider time, TimeSpan? timeout, bool deriveGroups) : KeysetStore(inner, time, timeout), IUserStore
    {
        public override async ValueTask<StoreResult<StoredResource>> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken)
        {
            var result = await base.GetAsync(id, includeMembers, cancellationToken);
            if (!deriveGroups && result.IsSuccess)
            {
                result.Value!.Resource.Remove("groups");
            }

            return result;
        }

        public override async ValueTask<StoreResult<ListResult>> ListAsync(ListQuery query, CancellationToken cancellationToken)
        {
            var result = await base.ListAsync(query, cancellationToken);
            if (!deriveGroups && result.IsSuccess)
            {
                foreach (var user in result.Value!.Resources)
                {
                    user.Resource.Remove("groups");
                }
            }

            return result;
        }
    }

    private sealed class KeysetGroupStore(IGroupStore inner, TimeProvider time, TimeSpan? timeout) : KeysetStore(inner, time, timeout), IGroupStore
    {
        public ValueTask<StoreResult<StoredResource>> ModifyMembersAsync(
            string groupId, IReadOnlyCollection<GroupMember> add, IReadOnlyCollection<string> remove, string? expectedVersion, CancellationToken cancellationToken) =>
            inner.ModifyMembersAsync(groupId, add, remove, expectedVersion, cancellationToken);

        public ValueTask<StoreResult<MemberPage>> ListMembersAsync(string groupId, int startIndex, int count, CancellationToken cancellationToken) =>
            inner.ListMembersAsync(groupId, startIndex, count, cancellationToken);

        public ValueTask<IReadOnlyList<GroupReference>> ListGroupsOfMemberAsync(string memberId, CancellationToken cancellationToken) =>
            inner.ListGroupsOfMemberAsync(memberId, cancellationToken);
    }
}
