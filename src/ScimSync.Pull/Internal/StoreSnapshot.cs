// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Pull.Internal;

/// <summary>
/// The connection's users and groups that carry an <c>externalId</c> (the source's id), read once per run in pages:
/// the store side of a run or of a drift report.
/// </summary>
internal sealed class StoreSnapshot
{
    private const int PageSize = 500;

    private readonly ScimProvisioner _provisioner;
    private readonly string _connection;
    private readonly CancellationToken _cancellationToken;

    public StoreSnapshot(ScimProvisioner provisioner, string connection, CancellationToken cancellationToken)
    {
        _provisioner = provisioner;
        _connection = connection;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Gets the users by <c>externalId</c>.</summary>
    public Dictionary<string, KnownUser> Users { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the groups by <c>externalId</c>.</summary>
    public Dictionary<string, KnownGroup> Groups { get; } = new(StringComparer.Ordinal);

    public async Task LoadUsersAsync()
    {
        await foreach (var stored in ListAllAsync(ScimResourceKind.User, includeMembers: false).ConfigureAwait(false))
        {
            if (ResourceComparer.Text(stored.Resource["externalId"]) is { Length: > 0 } externalId)
            {
                Users.TryAdd(externalId, new KnownUser(stored.Id, stored.Resource, ResourceComparer.IsActive(stored.Resource["active"])));
            }
        }
    }

    public async Task LoadGroupsAsync()
    {
        await foreach (var stored in ListAllAsync(ScimResourceKind.Group, includeMembers: true).ConfigureAwait(false))
        {
            if (ResourceComparer.Text(stored.Resource["externalId"]) is { Length: > 0 } externalId)
            {
                var members = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in (stored.Resource["members"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (ResourceComparer.Text(member["value"]) is { } id)
                    {
                        members.Add(id);
                    }
                }

                Groups.TryAdd(externalId, new KnownGroup(stored.Id, ResourceComparer.Text(stored.Resource["displayName"]), members));
            }
        }
    }

    private async IAsyncEnumerable<StoredResource> ListAllAsync(ScimResourceKind kind, bool includeMembers)
    {
        var startIndex = 1;
        while (true)
        {
            var page = await _provisioner.ListAsync(
                _connection,
                kind,
                new ListQuery { StartIndex = startIndex, Count = PageSize, IncludeMembers = includeMembers },
                _cancellationToken).ConfigureAwait(false);
            foreach (var resource in page.Resources)
            {
                yield return resource;
            }

            startIndex += page.Resources.Count;
            if (page.Resources.Count == 0 || startIndex > page.TotalResults)
            {
                yield break;
            }
        }
    }

    internal sealed class KnownUser(string id, JsonObject resource, bool active)
    {
        public string Id { get; } = id;

        public JsonObject Resource { get; set; } = resource;

        public bool Active { get; set; } = active;

        public bool CreatedNow { get; init; }
    }

    internal sealed class KnownGroup(string id, string? displayName, HashSet<string> members)
    {
        public string Id { get; } = id;

        public string? DisplayName { get; set; } = displayName;

        public HashSet<string> Members { get; } = members;

        public bool CreatedNow { get; init; }
    }
}
