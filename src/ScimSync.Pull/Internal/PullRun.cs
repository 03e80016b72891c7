// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Pull.Internal;

/// <summary>
/// One sync run of one connection: the source streams users and groups; the store side is a map from
/// <c>externalId</c> (the source's id) to a small record. Each change goes through <see cref="ScimProvisioner"/>.
/// </summary>
internal sealed class PullRun
{
    private const string PatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private const int ProgressEvery = 1000;

    private readonly string _connection;
    private readonly PullSourceOptions _options;
    private readonly IIdentitySource _source;
    private readonly StoreSnapshot _store;
    private readonly ScimProvisioner _provisioner;
    private readonly ILogger _logger;
    private readonly PullSyncResult _result;
    private readonly PullSyncState? _state;
    private readonly CancellationToken _cancellationToken;
    private readonly HashSet<string> _seenUsers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenGroups = new(StringComparer.Ordinal);
    private bool _usersComplete;
    private bool _groupsComplete = true;
    private bool _usersListedAll;
    private bool _groupsListedAll;

    public PullRun(
        string connection,
        PullSourceOptions options,
        IIdentitySource source,
        ScimProvisioner provisioner,
        ILogger logger,
        PullSyncResult result,
        PullSyncState? state,
        CancellationToken cancellationToken)
    {
        _connection = connection;
        _options = options;
        _source = source;
        _provisioner = provisioner;
        _logger = logger;
        _result = result;
        _state = state;
        _cancellationToken = cancellationToken;
        _store = new StoreSnapshot(provisioner, connection, cancellationToken);
    }

    /// <summary>Gets the cursor the user listing ended with, when it was complete.</summary>
    public string? UserCursor { get; private set; }

    /// <summary>Gets the cursor the group listing ended with, when it was complete.</summary>
    public string? GroupCursor { get; private set; }

    public async Task ExecuteAsync()
    {
        try
        {
            await _store.LoadUsersAsync().ConfigureAwait(false);
            var users = await ReadAsync("user", _result.Mode == PullSyncMode.Delta ? _state?.UserCursor : null, (read, ct) => _source.ReadUsersAsync(read, ct), ApplyUserAsync).ConfigureAwait(false);
            (_usersComplete, _usersListedAll, UserCursor) = users;
            if (_options.SyncGroups)
            {
                await _store.LoadGroupsAsync().ConfigureAwait(false);
                var groups = await ReadAsync("group", _result.Mode == PullSyncMode.Delta ? _state?.GroupCursor : null, (read, ct) => _source.ReadGroupsAsync(read, ct), ApplyGroupAsync).ConfigureAwait(false);
                (_groupsComplete, _groupsListedAll, GroupCursor) = groups;
            }

            _result.Complete = _usersComplete && _groupsComplete;
            if (_result.Complete && _options.DeleteMissing)
            {
                await RemoveUnlistedAsync().ConfigureAwait(false);
            }
            else if (_options.DeleteMissing && _result.Mode == PullSyncMode.Full)
            {
                _result.DeletionsSkippedReason ??= "A listing did not finish; resources missing from it may only be unread.";
                Log.DeletionsSkipped(_logger, _connection, _result.DeletionsSkippedReason);
            }
        }
        catch (ScimStoreUnavailableException e)
        {
            _result.Complete = false;
            _result.DeletionsSkippedReason ??= "The store was unavailable during the run.";
            _result.AddError("The store was unavailable: " + e.Message);
            Log.StoreUnavailable(_logger, e, _connection);
        }
    }

    /// <summary>
    /// Reads one listing to its end, applying each record; a cursor the source no longer accepts restarts the
    /// listing in full (once).
    /// </summary>
    private async Task<(bool Complete, bool ListedAll, string? Cursor)> ReadAsync<T>(
        string kind,
        string? cursor,
        Func<SourceRead, CancellationToken, IAsyncEnumerable<T>> list,
        Func<T, Task> apply)
    {
        var read = new SourceRead(cursor);
        while (true)
        {
            try
            {
                await foreach (var record in list(read, _cancellationToken).ConfigureAwait(false))
                {
                    await apply(record).ConfigureAwait(false);
                }

                return (true, read.ListsEverything, read.NextCursor);
            }
            catch (IdentitySourceException e) when (e.Kind == IdentitySourceErrorKind.CursorExpired && read.Cursor is not null)
            {
                // What was applied stays; the full listing sees it again as unchanged.
                Log.CursorExpired(_logger, _connection, kind);
                _result.Mode = PullSyncMode.Full;
                read = new SourceRead(null);
            }
            catch (IdentitySourceException e)
            {
                _result.AddError($"The {kind} listing failed ({e.Kind}{(e.Status is { } status ? " " + status.ToString(CultureInfo.InvariantCulture) : string.Empty)}): {e.Message}");
                Log.ListingFailed(_logger, e, _connection, kind, e.Kind);
                return (false, read.ListsEverything, null);
            }
            catch (HttpRequestException e)
            {
                _result.AddError($"The {kind} listing failed: {e.Message}");
                Log.ListingFailed(_logger, e, _connection, kind, IdentitySourceErrorKind.Unavailable);
                return (false, read.ListsEverything, null);
            }
            catch (OperationCanceledException e) when (!_cancellationToken.IsCancellationRequested)
            {
                _result.AddError($"The {kind} listing timed out.");
                Log.ListingFailed(_logger, e, _connection, kind, IdentitySourceErrorKind.Unavailable);
                return (false, read.ListsEverything, null);
            }
        }
    }

    private async Task ApplyUserAsync(SourceUser user)
    {
        if (string.IsNullOrEmpty(user.Id) || !_seenUsers.Add(user.Id))
        {
            return;
        }

        var counts = _result.Users;
        counts.Seen++;
        Progress(counts, "user");
        _store.Users.TryGetValue(user.Id, out var known);
        try
        {
            if (user.Removal != SourceRemoval.None || user.Resource is null)
            {
                _seenUsers.Remove(user.Id); // A removed user does not count as listed.
                if (known is null)
                {
                    counts.Unchanged++;
                }
                else if (user.Removal == SourceRemoval.SoftDeleted)
                {
                    await DeactivateAsync(known, counts).ConfigureAwait(false);
                }
                else
                {
                    await RemoveAsync(ScimResourceKind.User, known.Id, counts).ConfigureAwait(false);
                    known.Active = false;
                }

                return;
            }

            if (known is null)
            {
                var created = await _provisioner.CreateAsync(_connection, ScimResourceKind.User, ResourceComparer.ForWriting(user.Resource), _cancellationToken).ConfigureAwait(false);
                _store.Users[user.Id] = new StoreSnapshot.KnownUser(created.Id, created.Resource, ResourceComparer.IsActive(created.Resource["active"])) { CreatedNow = true };
                counts.Created++;
            }
            else if (ResourceComparer.Differences(user.Resource, known.Resource).Count == 0)
            {
                counts.Unchanged++;
            }
            else
            {
                var replaced = await _provisioner.ReplaceAsync(_connection, ScimResourceKind.User, known.Id, ResourceComparer.ForWriting(user.Resource), cancellationToken: _cancellationToken).ConfigureAwait(false);
                known.Resource = replaced.Resource;
                known.Active = ResourceComparer.IsActive(replaced.Resource["active"]);
                counts.Updated++;
            }
        }
        catch (ScimException e)
        {
            Refused(counts, "user", Describe(user), e);
        }
    }

    private async Task DeactivateAsync(StoreSnapshot.KnownUser known, PullSyncCounts counts)
    {
        if (!known.Active)
        {
            counts.Unchanged++;
            return;
        }

        var patch = ScimPatch.Parse(new JsonObject
        {
            ["schemas"] = new JsonArray(PatchSchema),
            ["Operations"] = new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "active", ["value"] = false }),
        });
        await _provisioner.PatchAsync(_connection, ScimResourceKind.User, known.Id, patch, cancellationToken: _cancellationToken).ConfigureAwait(false);
        known.Active = false;
        counts.Deactivated++;
    }

    private async Task ApplyGroupAsync(SourceGroup group)
    {
        if (string.IsNullOrEmpty(group.Id) || !_seenGroups.Add(group.Id))
        {
            return;
        }

        var counts = _result.Groups;
        counts.Seen++;
        Progress(counts, "group");
        _store.Groups.TryGetValue(group.Id, out var known);
        try
        {
            if (group.Removed)
            {
                _seenGroups.Remove(group.Id);
                if (known is null)
                {
                    counts.Unchanged++;
                }
                else
                {
                    await RemoveAsync(ScimResourceKind.Group, known.Id, counts).ConfigureAwait(false);
                    _store.Groups.Remove(group.Id);
                }

                return;
            }

            if (string.IsNullOrEmpty(group.DisplayName))
            {
                counts.Failed++;
                _result.AddError($"Group {group.Id}: the source listed it without a display name.");
                return;
            }

            var (add, remove) = MemberChanges(group, known);
            if (known is null)
            {
                var resource = new JsonObject
                {
                    ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"),
                    ["externalId"] = group.Id,
                    ["displayName"] = group.DisplayName,
                    ["members"] = new JsonArray([.. add.Select(id => (JsonNode)new JsonObject { ["value"] = id })]),
                };
                var created = await _provisioner.CreateAsync(_connection, ScimResourceKind.Group, resource, _cancellationToken).ConfigureAwait(false);
                _store.Groups[group.Id] = new StoreSnapshot.KnownGroup(created.Id, group.DisplayName, [.. add]) { CreatedNow = true };
                counts.Created++;
                return;
            }

            var operations = new JsonArray();
            if (!string.Equals(group.DisplayName, known.DisplayName, StringComparison.Ordinal))
            {
                operations.Add(new JsonObject { ["op"] = "replace", ["path"] = "displayName", ["value"] = group.DisplayName });
            }

            if (add.Count > 0)
            {
                operations.Add(new JsonObject
                {
                    ["op"] = "add",
                    ["path"] = "members",
                    ["value"] = new JsonArray([.. add.Select(id => (JsonNode)new JsonObject { ["value"] = id })]),
                });
            }

            foreach (var id in remove)
            {
                operations.Add(new JsonObject { ["op"] = "remove", ["path"] = $"members[value eq {JsonSerializer.Serialize(id)}]" });
            }

            if (operations.Count == 0)
            {
                counts.Unchanged++;
                return;
            }

            var patch = ScimPatch.Parse(new JsonObject { ["schemas"] = new JsonArray(PatchSchema), ["Operations"] = operations });
            await _provisioner.PatchAsync(_connection, ScimResourceKind.Group, known.Id, patch, cancellationToken: _cancellationToken).ConfigureAwait(false);
            known.DisplayName = group.DisplayName;
            known.Members.UnionWith(add);
            known.Members.ExceptWith(remove);
            counts.Updated++;
        }
        catch (ScimException e)
        {
            Refused(counts, "group", $"{group.Id} ({group.DisplayName})", e);
        }
    }

    /// <summary>The store ids to add and to remove; members the store does not know as users are left out.</summary>
    private (List<string> Add, List<string> Remove) MemberChanges(SourceGroup group, StoreSnapshot.KnownGroup? known)
    {
        var current = known?.Members ?? [];
        if (group.Members is { } members)
        {
            var wanted = StoreIds(members);
            return (
                [.. wanted.Where(id => !current.Contains(id)).Order(StringComparer.Ordinal)],
                [.. current.Where(id => !wanted.Contains(id)).Order(StringComparer.Ordinal)]);
        }

        var added = StoreIds(group.AddedMembers);
        var removed = StoreIds(group.RemovedMembers);
        removed.ExceptWith(added);
        return (
            [.. added.Where(id => !current.Contains(id)).Order(StringComparer.Ordinal)],
            [.. removed.Where(current.Contains).Order(StringComparer.Ordinal)]);
    }

    private HashSet<string> StoreIds(IEnumerable<string> sourceIds)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sourceId in sourceIds)
        {
            if (_store.Users.TryGetValue(sourceId, out var user))
            {
                ids.Add(user.Id);
            }
        }

        return ids;
    }

    private async Task RemoveUnlistedAsync()
    {
        if (_usersListedAll)
        {
            var known = _store.Users.Where(u => u.Value.Active && !u.Value.CreatedNow).ToList();
            var seen = known.Count(u => _seenUsers.Contains(u.Key));
            if (known.Count > 0 && seen < _options.MinimumSeenRatio * known.Count)
            {
                SkipRemovals(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The run saw {seen} of the {known.Count} users it knew, fewer than MinimumSeenRatio ({_options.MinimumSeenRatio:0.##}); check the scope and the application's permissions."));
            }
            else
            {
                foreach (var (externalId, user) in known)
                {
                    if (!_seenUsers.Contains(externalId))
                    {
                        await RemoveAsync(ScimResourceKind.User, user.Id, _result.Users).ConfigureAwait(false);
                    }
                }
            }
        }

        if (_options.SyncGroups && _groupsListedAll)
        {
            var known = _store.Groups.Where(g => !g.Value.CreatedNow).ToList();
            var seen = known.Count(g => _seenGroups.Contains(g.Key));
            if (known.Count > 0 && seen < _options.MinimumSeenRatio * known.Count)
            {
                SkipRemovals(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The run saw {seen} of the {known.Count} groups it knew, fewer than MinimumSeenRatio ({_options.MinimumSeenRatio:0.##}); no group was removed."));
                return;
            }

            foreach (var (externalId, group) in known)
            {
                if (!_seenGroups.Contains(externalId))
                {
                    await RemoveAsync(ScimResourceKind.Group, group.Id, _result.Groups).ConfigureAwait(false);
                }
            }
        }
    }

    private void SkipRemovals(string reason)
    {
        _result.DeletionsSkippedReason = reason;
        Log.DeletionsSkipped(_logger, _connection, reason);
    }

    private async Task RemoveAsync(ScimResourceKind kind, string id, PullSyncCounts counts)
    {
        try
        {
            await _provisioner.DeleteAsync(_connection, kind, id, cancellationToken: _cancellationToken).ConfigureAwait(false);
            counts.Removed++;
        }
        catch (ScimException e) when (e.Error.Status == 404)
        {
            // Already gone.
        }
        catch (ScimException e)
        {
            Refused(counts, kind == ScimResourceKind.User ? "user" : "group", id, e);
        }
    }

    private void Refused(PullSyncCounts counts, string kind, string subject, ScimException e)
    {
        if (e.Error.Status is 503 or 403)
        {
            counts.Held++;
            Log.Held(_logger, _connection, kind, subject, e.Error.Status);
            return;
        }

        counts.Failed++;
        var scimType = e.Error.ScimType?.ToString();
        _result.AddError($"{kind} {subject}: {e.Error.Status} {scimType} {e.Error.Detail}".Trim());
        Log.RecordFailed(_logger, _connection, kind, subject, e.Error.Status, scimType, e.Error.Detail ?? string.Empty);
    }

    private void Progress(PullSyncCounts counts, string kind)
    {
        if (counts.Seen % ProgressEvery == 0)
        {
            Log.Progress(_logger, _connection, kind, counts.Seen, counts.Created, counts.Updated, counts.Failed);
        }
    }

    private static string Describe(SourceUser user) =>
        ResourceComparer.Text(user.Resource?["userName"]) is { } userName ? $"{user.Id} ({userName})" : user.Id;
}
