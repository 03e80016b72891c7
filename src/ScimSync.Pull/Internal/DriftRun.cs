// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Server;

namespace ScimSync.Pull.Internal;

/// <summary>A read-only full listing compared with the store: what a full run would change.</summary>
internal sealed class DriftRun
{
    private readonly IIdentitySource _source;
    private readonly StoreSnapshot _store;
    private readonly bool _groups;
    private readonly DriftReport _report;
    private readonly CancellationToken _cancellationToken;
    private readonly List<DriftItem> _items = [];

    public DriftRun(IIdentitySource source, StoreSnapshot store, bool groups, DriftReport report, CancellationToken cancellationToken)
    {
        _source = source;
        _store = store;
        _groups = groups;
        _report = report;
        _cancellationToken = cancellationToken;
    }

    public async Task ExecuteAsync()
    {
        await _store.LoadUsersAsync().ConfigureAwait(false);
        var seenUsers = new HashSet<string>(StringComparer.Ordinal);
        var users = new SourceRead(null);
        var usersRead = await ReadAsync("user", _source.ReadUsersAsync(users, _cancellationToken), (SourceUser user) =>
        {
            if (user.Resource is null || user.Removal != SourceRemoval.None || !seenUsers.Add(user.Id))
            {
                return;
            }

            _report.UsersCompared++;
            var name = ResourceComparer.Text(user.Resource["userName"]);
            if (!_store.Users.TryGetValue(user.Id, out var known))
            {
                _items.Add(new DriftItem(ScimResourceKind.User, DriftKind.MissingInStore, user.Id, name, null, []));
            }
            else if (ResourceComparer.Differences(user.Resource, known.Resource) is { Count: > 0 } differences)
            {
                _items.Add(new DriftItem(ScimResourceKind.User, DriftKind.AttributesDiffer, user.Id, name, known.Id, differences));
            }
        }).ConfigureAwait(false);

        if (usersRead && users.ListsEverything)
        {
            foreach (var (externalId, known) in _store.Users)
            {
                if (known.Active && !seenUsers.Contains(externalId))
                {
                    _items.Add(new DriftItem(ScimResourceKind.User, DriftKind.NotInSource, externalId, ResourceComparer.Text(known.Resource["userName"]), known.Id, []));
                }
            }
        }

        if (_groups)
        {
            await CompareGroupsAsync().ConfigureAwait(false);
        }

        _report.Items = [.. _items
            .OrderBy(i => i.Kind == ScimResourceKind.User ? 0 : 1)
            .ThenBy(i => i.Drift)
            .ThenBy(i => i.Name ?? i.ExternalId, StringComparer.OrdinalIgnoreCase)];
    }

    private async Task CompareGroupsAsync()
    {
        await _store.LoadGroupsAsync().ConfigureAwait(false);
        var externalIds = _store.Users.ToDictionary(u => u.Value.Id, u => u.Key, StringComparer.Ordinal);
        var seenGroups = new HashSet<string>(StringComparer.Ordinal);
        var groups = new SourceRead(null);
        var groupsRead = await ReadAsync("group", _source.ReadGroupsAsync(groups, _cancellationToken), (SourceGroup group) =>
        {
            if (group.Removed || !seenGroups.Add(group.Id))
            {
                return;
            }

            _report.GroupsCompared++;
            if (!_store.Groups.TryGetValue(group.Id, out var known))
            {
                _items.Add(new DriftItem(ScimResourceKind.Group, DriftKind.MissingInStore, group.Id, group.DisplayName, null, []));
                return;
            }

            if (!string.Equals(group.DisplayName, known.DisplayName, StringComparison.Ordinal))
            {
                _items.Add(new DriftItem(ScimResourceKind.Group, DriftKind.AttributesDiffer, group.Id, group.DisplayName, known.Id, ["displayName"]));
            }

            var wanted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in group.Members ?? group.AddedMembers)
            {
                if (_store.Users.TryGetValue(member, out var user))
                {
                    wanted.Add(user.Id);
                }
            }

            var details = wanted.Where(id => !known.Members.Contains(id)).Select(id => "+" + externalIds[id])
                .Concat(known.Members.Where(id => !wanted.Contains(id)).Select(id => "-" + (externalIds.TryGetValue(id, out var e) ? e : "id:" + id)))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (details.Count > 0)
            {
                _items.Add(new DriftItem(ScimResourceKind.Group, DriftKind.MembersDiffer, group.Id, group.DisplayName, known.Id, details));
            }
        }).ConfigureAwait(false);

        if (groupsRead && groups.ListsEverything)
        {
            foreach (var (externalId, known) in _store.Groups)
            {
                if (!seenGroups.Contains(externalId))
                {
                    _items.Add(new DriftItem(ScimResourceKind.Group, DriftKind.NotInSource, externalId, known.DisplayName, known.Id, []));
                }
            }
        }
    }

    private async Task<bool> ReadAsync<T>(string kind, IAsyncEnumerable<T> records, Action<T> compare)
    {
        try
        {
            await foreach (var record in records.ConfigureAwait(false))
            {
                compare(record);
            }

            return true;
        }
        catch (IdentitySourceException e)
        {
            Fail($"The {kind} listing failed ({e.Kind}): {e.Message}");
        }
        catch (HttpRequestException e)
        {
            Fail($"The {kind} listing failed: {e.Message}");
        }
        catch (OperationCanceledException) when (!_cancellationToken.IsCancellationRequested)
        {
            Fail($"The {kind} listing timed out.");
        }

        return false;
    }

    private void Fail(string error)
    {
        _report.Complete = false;
        _report.ErrorList.Add(error);
    }
}
