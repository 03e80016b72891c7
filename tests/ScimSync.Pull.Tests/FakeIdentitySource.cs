// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace ScimSync.Pull.Tests;

/// <summary>
/// An identity provider in memory with a change log, so that delta reads return what changed since a cursor (a
/// sequence number), and faults: a listing that fails after some records, an expired cursor, a listing that waits.
/// </summary>
public sealed class FakeIdentitySource : IIdentitySource
{
    public static readonly Dictionary<string, string> DefaultMap = new(StringComparer.Ordinal)
    {
        ["userName"] = "upn",
        ["displayName"] = "name",
        ["emails[type eq \"work\"].value"] = "mail",
        ["enterprise.department"] = "dept",
    };

    private readonly object _lock = new();
    private readonly Dictionary<string, JsonObject> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourceRemoval> _removedUsers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Name, HashSet<string> Members)> _groups = new(StringComparer.Ordinal);
    private readonly HashSet<string> _removedGroups = new(StringComparer.Ordinal);
    private readonly List<(int Seq, string Kind, string Id)> _changes = [];
    private readonly List<(int Seq, string Group, string Member, bool Added)> _memberChanges = [];
    private int _seq;

    public SourceAttributeMap Map { get; set; } = new(DefaultMap);

    /// <summary>Gets or sets how many users a listing yields before it fails, or <see langword="null"/>.</summary>
    public int? FailUsersAfter { get; set; }

    /// <summary>Gets or sets how many groups a listing yields before it fails, or <see langword="null"/>.</summary>
    public int? FailGroupsAfter { get; set; }

    /// <summary>Gets or sets a value indicating whether every cursor is refused as expired.</summary>
    public bool ExpireCursors { get; set; }

    /// <summary>Gets or sets a task the user listing waits for before its first record.</summary>
    public Task? HoldUsers { get; set; }

    public List<string?> UserCursorsRead { get; } = [];

    public void AddUser(string id, string upn, string? mail = null, string? department = null, bool enabled = true) => Change("user", id, () =>
    {
        _removedUsers.Remove(id);
        _users[id] = new JsonObject { ["id"] = id, ["upn"] = upn, ["name"] = upn.Split('@')[0], ["mail"] = mail, ["dept"] = department, ["enabled"] = enabled };
    });

    public void UpdateUser(string id, string attribute, JsonNode? value) => Change("user", id, () => _users[id][attribute] = value);

    public void RemoveUser(string id, SourceRemoval removal) => Change("user", id, () =>
    {
        _users.Remove(id);
        _removedUsers[id] = removal;
    });

    /// <summary>Drops a user without a trace in the change log (a user that falls out of scope, or a delete a delta cannot see).</summary>
    public void ForgetUser(string id)
    {
        lock (_lock)
        {
            _users.Remove(id);
        }
    }

    public void AddGroup(string id, string name, params string[] members) => Change("group", id, () =>
    {
        _removedGroups.Remove(id);
        _groups[id] = (name, new HashSet<string>(members, StringComparer.Ordinal));
        foreach (var member in members)
        {
            _memberChanges.Add((_seq, id, member, true));
        }
    });

    public void RenameGroup(string id, string name) => Change("group", id, () => _groups[id] = (name, _groups[id].Members));

    public void AddMember(string group, string member) => Change("group", group, () =>
    {
        _groups[group].Members.Add(member);
        _memberChanges.Add((_seq, group, member, true));
    });

    public void RemoveMember(string group, string member) => Change("group", group, () =>
    {
        _groups[group].Members.Remove(member);
        _memberChanges.Add((_seq, group, member, false));
    });

    public void RemoveGroup(string id) => Change("group", id, () =>
    {
        _groups.Remove(id);
        _removedGroups.Add(id);
    });

    public async IAsyncEnumerable<SourceUser> ReadUsersAsync(SourceRead read, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        UserCursorsRead.Add(read.Cursor);
        if (HoldUsers is { } hold)
        {
            await hold.WaitAsync(cancellationToken);
        }

        var (records, next) = Snapshot(read.Cursor, "user", id => _users.TryGetValue(id, out var raw)
            ? User(raw)
            : new SourceUser { Id = id, Removal = _removedUsers.GetValueOrDefault(id, SourceRemoval.Deleted) });
        var yielded = 0;
        foreach (var user in read.Cursor is null ? records.Where(u => u.Removal == SourceRemoval.None) : records)
        {
            if (FailUsersAfter is { } fail && yielded >= fail)
            {
                throw new IdentitySourceException(IdentitySourceErrorKind.Unavailable, "The fake API went away.", status: 503);
            }

            yielded++;
            yield return user;
        }

        read.ListsEverything = read.Cursor is null;
        read.NextCursor = next;
    }

    public async IAsyncEnumerable<SourceGroup> ReadGroupsAsync(SourceRead read, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        await Task.Yield();
        var since = Cursor(read.Cursor);
        var (records, next) = Snapshot(read.Cursor, "group", id =>
        {
            if (!_groups.TryGetValue(id, out var group))
            {
                return new SourceGroup { Id = id, Removed = true };
            }

            if (since is null)
            {
                return new SourceGroup { Id = id, DisplayName = group.Name, Members = [.. group.Members] };
            }

            var changes = _memberChanges.Where(c => c.Seq > since && c.Group == id).GroupBy(c => c.Member).Select(g => g.Last()).ToList();
            return new SourceGroup
            {
                Id = id,
                DisplayName = group.Name,
                AddedMembers = [.. changes.Where(c => c.Added).Select(c => c.Member)],
                RemovedMembers = [.. changes.Where(c => !c.Added).Select(c => c.Member)],
            };
        });
        var yielded = 0;
        foreach (var group in since is null ? records.Where(g => !g.Removed) : records)
        {
            if (FailGroupsAfter is { } fail && yielded >= fail)
            {
                throw new IdentitySourceException(IdentitySourceErrorKind.Throttled, "The fake API throttled beyond the retries.", status: 429);
            }

            yielded++;
            yield return group;
        }

        read.ListsEverything = since is null;
        read.NextCursor = next;
    }

    public Task<SourceUser?> FindUserAsync(string login, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var raw = _users.Values.FirstOrDefault(u => string.Equals((string?)u["upn"], login, StringComparison.OrdinalIgnoreCase));
            return Task.FromResult(raw is null ? null : User(raw));
        }
    }

    private SourceUser User(JsonObject raw) => new()
    {
        Id = (string)raw["id"]!,
        Resource = Map.MapUser((string)raw["id"]!, (bool)raw["enabled"]!, a => raw[a] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null),
        Raw = (JsonObject)raw.DeepClone(),
    };

    private (List<T> Records, string Next) Snapshot<T>(string? cursor, string kind, Func<string, T> read)
    {
        lock (_lock)
        {
            var since = Cursor(cursor);
            IEnumerable<string> ids = since is null
                ? (kind == "user" ? (IEnumerable<string>)_users.Keys : _groups.Keys).Order(StringComparer.Ordinal)
                : _changes.Where(c => c.Seq > since && c.Kind == kind).Select(c => c.Id).Distinct();
            return ([.. ids.Select(read)], _seq.ToString(CultureInfo.InvariantCulture));
        }
    }

    private int? Cursor(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        if (ExpireCursors)
        {
            throw new IdentitySourceException(IdentitySourceErrorKind.CursorExpired, "The delta token expired.", status: 410);
        }

        return int.Parse(cursor, CultureInfo.InvariantCulture);
    }

    private void Change(string kind, string id, Action change)
    {
        lock (_lock)
        {
            _seq++;
            change();
            _changes.Add((_seq, kind, id));
        }
    }
}
