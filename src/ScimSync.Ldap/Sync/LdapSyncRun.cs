// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Ldap.Sync;

/// <summary>One sync run of one connection: the directory streams, the store side is a map of small records.</summary>
internal sealed class LdapSyncRun
{
    private const int StorePageSize = 500;
    private const string InChainRule = "1.2.840.113556.1.4.1941";
    private const string PatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private readonly string _connection;
    private readonly LdapSourceOptions _options;
    private readonly LdapEntryMapper _mapper;
    private readonly ILdapDirectory _directory;
    private readonly ScimProvisioner _provisioner;
    private readonly ILogger _logger;
    private readonly LdapSyncResult _result;
    private readonly string? _previousMark;
    private readonly CancellationToken _cancellationToken;

    // Store side: externalId -> user record; directory side: what was seen, and how to find a user's id from a DN or login.
    private readonly Dictionary<string, KnownUser> _users = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenUsers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idsByDn = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idsByLogin = new(StringComparer.OrdinalIgnoreCase);
    private HashSet<string>? _seenGroups;
    private bool _usersComplete = true;
    private bool _groupsComplete = true;
    private long? _maxUsn;
    private string? _maxTimestamp;

    public LdapSyncRun(
        string connection,
        LdapSourceOptions options,
        LdapEntryMapper mapper,
        ILdapDirectory directory,
        ScimProvisioner provisioner,
        ILogger logger,
        LdapSyncResult result,
        string? previousMark,
        CancellationToken cancellationToken)
    {
        _connection = connection;
        _options = options;
        _mapper = mapper;
        _directory = directory;
        _provisioner = provisioner;
        _logger = logger;
        _result = result;
        _previousMark = previousMark;
        _cancellationToken = cancellationToken;
    }

    private bool Incremental => _result.Mode == LdapSyncMode.Incremental;

    private bool UsesUsn => _mapper.Profile.ChangeAttribute.Equals("uSNChanged", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets the high-water mark of what this run saw, or the previous one when it saw nothing newer.</summary>
    public string? Mark => UsesUsn
        ? (_maxUsn is { } usn ? usn.ToString(CultureInfo.InvariantCulture) : _previousMark)
        : _maxTimestamp ?? _previousMark;

    public async Task ExecuteAsync()
    {
        try
        {
            await LoadUsersAsync().ConfigureAwait(false);
            await SyncUsersAsync().ConfigureAwait(false);
            Dictionary<string, KnownGroup>? groups = null;
            if (_options.SyncGroups)
            {
                groups = await LoadGroupsAsync().ConfigureAwait(false);
                await SyncGroupsAsync(groups).ConfigureAwait(false);
            }

            _result.Complete = _usersComplete && _groupsComplete;
            if (_result.Mode == LdapSyncMode.Full && _options.DeleteMissing)
            {
                await RemoveMissingAsync(groups).ConfigureAwait(false);
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

    private async Task LoadUsersAsync()
    {
        await foreach (var stored in ListAllAsync(ScimResourceKind.User, includeMembers: false).ConfigureAwait(false))
        {
            if (stored.Resource["externalId"] is JsonValue value && value.TryGetValue<string>(out var externalId) && externalId.Length > 0)
            {
                var active = stored.Resource["active"] is not JsonValue a || !a.TryGetValue<bool>(out var isActive) || isActive;
                _users.TryAdd(externalId, new KnownUser(stored.Id, _mapper.Snapshot(stored.Resource), active));
            }
        }
    }

    private async Task<Dictionary<string, KnownGroup>> LoadGroupsAsync()
    {
        var groups = new Dictionary<string, KnownGroup>(StringComparer.Ordinal);
        await foreach (var stored in ListAllAsync(ScimResourceKind.Group, includeMembers: true).ConfigureAwait(false))
        {
            if (stored.Resource["externalId"] is JsonValue value && value.TryGetValue<string>(out var externalId) && externalId.Length > 0)
            {
                var members = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in (stored.Resource["members"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (member["value"] is JsonValue v && v.TryGetValue<string>(out var id))
                    {
                        members.Add(id);
                    }
                }

                groups.TryAdd(externalId, new KnownGroup(stored.Id, Text(stored.Resource["displayName"]), members));
            }
        }

        return groups;
    }

    private async IAsyncEnumerable<StoredResource> ListAllAsync(ScimResourceKind kind, bool includeMembers)
    {
        var startIndex = 1;
        while (true)
        {
            var page = await _provisioner.ListAsync(
                _connection,
                kind,
                new ListQuery { StartIndex = startIndex, Count = StorePageSize, IncludeMembers = includeMembers },
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

    private async Task SyncUsersAsync()
    {
        var filter = Incremental ? ChangedSince(_mapper.UserFilter) : _mapper.UserFilter;
        foreach (var baseDn in _options.UserBaseDns)
        {
            var search = new LdapSearch(baseDn, filter, _mapper.UserAttributes);
            _usersComplete &= await SearchAsync(search, ApplyUserAsync).ConfigureAwait(false);
        }
    }

    private async Task ApplyUserAsync(LdapEntry entry)
    {
        TrackMark(entry);
        var externalId = _mapper.ExternalId(entry);
        if (externalId is null)
        {
            _result.Users.Seen++;
            _result.Users.Failed++;
            _result.AddError($"User {entry.DistinguishedName}: no value for externalId ({string.Join('|', _mapper.ExternalIdAttributes)}).");
            return;
        }

        if (!_seenUsers.Add(externalId))
        {
            return; // Overlapping base DNs: already applied.
        }

        _result.Users.Seen++;
        var user = _mapper.MapUser(entry);
        string? id = null;
        try
        {
            if (_users.TryGetValue(externalId, out var known))
            {
                id = known.Id;
                if (_mapper.Snapshot(user) == known.Snapshot)
                {
                    _result.Users.Unchanged++;
                }
                else
                {
                    await _provisioner.ReplaceAsync(_connection, ScimResourceKind.User, known.Id, user, cancellationToken: _cancellationToken).ConfigureAwait(false);
                    _result.Users.Updated++;
                }
            }
            else
            {
                var created = await _provisioner.CreateAsync(_connection, ScimResourceKind.User, user, _cancellationToken).ConfigureAwait(false);
                id = created.Id;
                _users[externalId] = new KnownUser(created.Id, _mapper.Snapshot(created.Resource), true, CreatedNow: true);
                _result.Users.Created++;
            }
        }
        catch (ScimException e)
        {
            Refused(_result.Users, "user", entry.DistinguishedName, e);
        }

        if (id is not null)
        {
            _idsByDn[DnKey.Normalize(entry.DistinguishedName)] = id;
            if (_mapper.Login(entry) is { } login)
            {
                _idsByLogin[login] = id;
            }
        }
    }

    private async Task SyncGroupsAsync(Dictionary<string, KnownGroup> known)
    {
        // Nested groups expanded here need every group, so an incremental run then reads all groups (unchanged ones write nothing).
        var expandHere = _options.NestedGroups && _mapper.Profile.Kind != LdapProfileKind.ActiveDirectory;
        var filter = Incremental && !expandHere ? ChangedSince(_mapper.GroupFilter) : _mapper.GroupFilter;
        var entries = new List<GroupEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        _seenGroups = seen;
        foreach (var baseDn in _options.GroupBaseDns)
        {
            _groupsComplete &= await SearchAsync(new LdapSearch(baseDn, filter, _mapper.GroupAttributes), async entry =>
            {
                TrackMark(entry);
                var members = _mapper.Profile.Kind == LdapProfileKind.ActiveDirectory && entry.Attributes.Keys.Any(k => k.StartsWith("member;range=", StringComparison.OrdinalIgnoreCase))
                    ? await _directory.ReadAllValuesAsync(entry.DistinguishedName, "member", _cancellationToken).ConfigureAwait(false)
                    : [.. entry.GetStrings("member"), .. entry.GetStrings("uniqueMember").Select(StripUid)];
                entries.Add(new GroupEntry(entry.DistinguishedName, _mapper.MapGroup(entry), members, entry.GetStrings("memberUid")));
            }).ConfigureAwait(false);
        }

        if (entries.Count == 0)
        {
            return;
        }

        // An incremental run saw only changed users: index every user (DN and login only) to resolve members.
        var removalsAllowed = _usersComplete;
        if (Incremental)
        {
            removalsAllowed = await IndexAllUsersAsync().ConfigureAwait(false);
        }

        var groupsByDn = new Dictionary<string, GroupEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            groupsByDn.TryAdd(DnKey.Normalize(entry.Dn), entry);
        }

        foreach (var entry in entries)
        {
            _result.Groups.Seen++;
            var externalId = Text(entry.Group["externalId"]);
            if (externalId is null || Text(entry.Group["displayName"]) is null)
            {
                _result.Groups.Failed++;
                _result.AddError($"Group {entry.Dn}: no value for externalId or displayName.");
                continue;
            }

            if (!seen.Add(externalId))
            {
                _result.Groups.Seen--;
                continue;
            }

            HashSet<string> members;
            var complete = removalsAllowed;
            if (_options.NestedGroups && _mapper.Profile.Kind == LdapProfileKind.ActiveDirectory)
            {
                (members, var inChainComplete) = await InChainMembersAsync(entry.Dn).ConfigureAwait(false);
                complete &= inChainComplete;
            }
            else
            {
                members = new HashSet<string>(StringComparer.Ordinal);
                Expand(entry, groupsByDn, members, new HashSet<string>(StringComparer.Ordinal));
            }

            await ApplyGroupAsync(entry, externalId, members, known, complete).ConfigureAwait(false);
        }
    }

    private void Expand(GroupEntry group, Dictionary<string, GroupEntry> groupsByDn, HashSet<string> members, HashSet<string> visited)
    {
        if (!visited.Add(DnKey.Normalize(group.Dn)))
        {
            return; // A cycle (a group that contains itself through others).
        }

        foreach (var dn in group.MemberDns)
        {
            var key = DnKey.Normalize(dn);
            if (_idsByDn.TryGetValue(key, out var id))
            {
                members.Add(id);
            }
            else if (_options.NestedGroups && groupsByDn.TryGetValue(key, out var nested))
            {
                Expand(nested, groupsByDn, members, visited);
            }
        }

        foreach (var uid in group.MemberUids)
        {
            if (_idsByLogin.TryGetValue(uid, out var id))
            {
                members.Add(id);
            }
        }
    }

    private async Task<(HashSet<string> Members, bool Complete)> InChainMembersAsync(string groupDn)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        var filter = $"(&{_mapper.UserFilter}(memberOf:{InChainRule}:={LdapFilter.Escape(groupDn)}))";
        var complete = true;
        foreach (var baseDn in _options.UserBaseDns)
        {
            complete &= await SearchAsync(new LdapSearch(baseDn, filter, _mapper.ExternalIdAttributes), entry =>
            {
                if (_mapper.ExternalId(entry) is { } externalId && _users.TryGetValue(externalId, out var user))
                {
                    members.Add(user.Id);
                }

                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }

        return (members, complete);
    }

    private async Task<bool> IndexAllUsersAsync()
    {
        var complete = true;
        foreach (var baseDn in _options.UserBaseDns)
        {
            complete &= await SearchAsync(new LdapSearch(baseDn, _mapper.UserFilter, [.. _mapper.ExternalIdAttributes, .. _mapper.LoginAttributes]), entry =>
            {
                if (_mapper.ExternalId(entry) is { } externalId && _users.TryGetValue(externalId, out var user))
                {
                    _idsByDn[DnKey.Normalize(entry.DistinguishedName)] = user.Id;
                    if (_mapper.Login(entry) is { } login)
                    {
                        _idsByLogin[login] = user.Id;
                    }
                }

                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }

        return complete;
    }

    private async Task ApplyGroupAsync(GroupEntry entry, string externalId, HashSet<string> members, Dictionary<string, KnownGroup> known, bool removalsAllowed)
    {
        try
        {
            if (!known.TryGetValue(externalId, out var existing))
            {
                var group = (JsonObject)entry.Group.DeepClone();
                group["members"] = new JsonArray([.. members.Order(StringComparer.Ordinal).Select(id => (JsonNode)new JsonObject { ["value"] = id })]);
                var created = await _provisioner.CreateAsync(_connection, ScimResourceKind.Group, group, _cancellationToken).ConfigureAwait(false);
                known[externalId] = new KnownGroup(created.Id, Text(group["displayName"]), members, CreatedNow: true);
                _result.Groups.Created++;
                return;
            }

            var operations = new JsonArray();
            var displayName = Text(entry.Group["displayName"]);
            if (!string.Equals(displayName, existing.DisplayName, StringComparison.Ordinal))
            {
                operations.Add(new JsonObject { ["op"] = "replace", ["path"] = "displayName", ["value"] = displayName });
            }

            var added = members.Where(id => !existing.Members.Contains(id)).Order(StringComparer.Ordinal).ToList();
            if (added.Count > 0)
            {
                operations.Add(new JsonObject
                {
                    ["op"] = "add",
                    ["path"] = "members",
                    ["value"] = new JsonArray([.. added.Select(id => (JsonNode)new JsonObject { ["value"] = id })]),
                });
            }

            if (removalsAllowed)
            {
                foreach (var id in existing.Members.Where(id => !members.Contains(id)).Order(StringComparer.Ordinal))
                {
                    operations.Add(new JsonObject { ["op"] = "remove", ["path"] = $"members[value eq {JsonSerializer.Serialize(id)}]" });
                }
            }

            if (operations.Count == 0)
            {
                _result.Groups.Unchanged++;
                return;
            }

            var patch = ScimPatch.Parse(new JsonObject { ["schemas"] = new JsonArray(PatchSchema), ["Operations"] = operations });
            await _provisioner.PatchAsync(_connection, ScimResourceKind.Group, existing.Id, patch, cancellationToken: _cancellationToken).ConfigureAwait(false);
            _result.Groups.Updated++;
        }
        catch (ScimException e)
        {
            Refused(_result.Groups, "group", entry.Dn, e);
        }
    }

    private async Task RemoveMissingAsync(Dictionary<string, KnownGroup>? groups)
    {
        var reason = SkipReason();
        if (reason is not null)
        {
            _result.DeletionsSkippedReason = reason;
            Log.DeletionsSkipped(_logger, _connection, reason);
            return;
        }

        foreach (var (externalId, user) in _users)
        {
            if (user.Active && !_seenUsers.Contains(externalId))
            {
                await RemoveAsync(ScimResourceKind.User, user.Id, _result.Users).ConfigureAwait(false);
            }
        }

        if (groups is not null && _seenGroups is { } seen)
        {
            var known = groups.Count(g => !g.Value.CreatedNow);
            var seenKnown = groups.Count(g => !g.Value.CreatedNow && seen.Contains(g.Key));
            if (known > 0 && seenKnown < _options.MinimumSeenRatio * known)
            {
                var groupReason = string.Create(
                    CultureInfo.InvariantCulture,
                    $"The run saw {seenKnown} of the {known} groups it knew, fewer than MinimumSeenRatio ({_options.MinimumSeenRatio:0.##}); no group was removed.");
                _result.DeletionsSkippedReason = groupReason;
                Log.DeletionsSkipped(_logger, _connection, groupReason);
                return;
            }

            foreach (var (externalId, group) in groups)
            {
                if (!group.CreatedNow && !seen.Contains(externalId))
                {
                    await RemoveAsync(ScimResourceKind.Group, group.Id, _result.Groups).ConfigureAwait(false);
                }
            }
        }
    }

    private string? SkipReason()
    {
        if (!_usersComplete)
        {
            return "The user search did not finish; missing users may only be unread.";
        }

        if (!_groupsComplete)
        {
            return "The group search did not finish; missing groups may only be unread.";
        }

        var known = _users.Count(u => u.Value.Active && !u.Value.CreatedNow);
        var seenKnown = _users.Count(u => u.Value.Active && !u.Value.CreatedNow && _seenUsers.Contains(u.Key));
        if (known > 0 && seenKnown < _options.MinimumSeenRatio * known)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"The run saw {seenKnown} of the {known} users it knew, fewer than MinimumSeenRatio ({_options.MinimumSeenRatio:0.##}); check the base DNs, filter and bind account's permissions.");
        }

        return null;
    }

    private async Task RemoveAsync(ScimResourceKind kind, string id, LdapSyncCounts counts)
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

    private void Refused(LdapSyncCounts counts, string kind, string subject, ScimException e)
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
        Log.EntryFailed(_logger, _connection, kind, subject, e.Error.Status, scimType, e.Error.Detail ?? string.Empty);
    }

    private async Task<bool> SearchAsync(LdapSearch search, Func<LdapEntry, Task> apply)
    {
        try
        {
            await foreach (var entry in _directory.SearchAsync(search, _cancellationToken).ConfigureAwait(false))
            {
                await apply(entry).ConfigureAwait(false);
            }

            return true;
        }
        catch (LdapDirectoryException e)
        {
            _result.AddError($"Search under {search.BaseDn} failed: {e.Message}");
            Log.SearchFailed(_logger, e, _connection);
            return false;
        }
        catch (OperationCanceledException e) when (!_cancellationToken.IsCancellationRequested)
        {
            _result.AddError($"Search under {search.BaseDn} was cancelled by the directory client (timeout).");
            Log.SearchFailed(_logger, e, _connection);
            return false;
        }
    }

    private string ChangedSince(string filter)
    {
        if (_previousMark is null)
        {
            return filter;
        }

        var condition = UsesUsn && long.TryParse(_previousMark, NumberStyles.Integer, CultureInfo.InvariantCulture, out var usn)
            ? $"(uSNChanged>={(usn + 1).ToString(CultureInfo.InvariantCulture)})"
            : $"({_mapper.Profile.ChangeAttribute}>={LdapFilter.Escape(_previousMark)})";
        return $"(&{filter}{condition})";
    }

    private void TrackMark(LdapEntry entry)
    {
        if (entry.GetString(_mapper.Profile.ChangeAttribute) is not { Length: > 0 } value)
        {
            return;
        }

        if (UsesUsn)
        {
            if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var usn) && (_maxUsn is null || usn > _maxUsn))
            {
                _maxUsn = usn;
            }
        }
        else if (_maxTimestamp is null || string.CompareOrdinal(value, _maxTimestamp) > 0)
        {
            // Generalized time in one format (YYYYMMDDHHMMSSZ, as OpenLDAP returns it) orders as text.
            _maxTimestamp = value;
        }
    }

    private static string StripUid(string nameAndOptionalUid)
    {
        // uniqueMember may end with "#'0101'B" (an optional unique identifier).
        var hash = nameAndOptionalUid.LastIndexOf("#'", StringComparison.Ordinal);
        return hash > 0 && nameAndOptionalUid.EndsWith("'B", StringComparison.Ordinal) ? nameAndOptionalUid[..hash] : nameAndOptionalUid;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private sealed record KnownUser(string Id, string Snapshot, bool Active, bool CreatedNow = false);

    private sealed record KnownGroup(string Id, string? DisplayName, HashSet<string> Members, bool CreatedNow = false);

    private sealed record GroupEntry(string Dn, JsonObject Group, IReadOnlyList<string> MemberDns, IReadOnlyList<string> MemberUids);
}
