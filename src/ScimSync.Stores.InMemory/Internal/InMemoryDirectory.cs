// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Schema;
using ScimSync.Stores.Internal;

namespace ScimSync.Stores.InMemory.Internal;

/// <summary>One resource as the directory keeps it. Mutated only under the directory's lock.</summary>
internal sealed class Entry(string id, long sequence, JsonObject body, DateTimeOffset created)
{
    public string Id { get; } = id;

    /// <summary>Creation order: the default sort and the cursor key.</summary>
    public long Sequence { get; } = sequence;

    public JsonObject Body { get; set; } = body;

    public long Version { get; set; } = 1;

    public DateTimeOffset Created { get; } = created;

    public DateTimeOffset LastModified { get; set; } = created;

    /// <summary>The members of a group, by member id (insertion order kept for reads).</summary>
    public OrderedDictionary<string, GroupMember>? Members { get; set; }

    public void Touch(DateTimeOffset now)
    {
        Version++;
        LastModified = now;
    }
}

/// <summary>
/// The users and groups of one directory. One lock guards everything, so each operation (uniqueness checks,
/// version checks, membership) is atomic; the stores are views of one kind over it.
/// </summary>
internal sealed class InMemoryDirectory
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, HashSet<string>> _groupsOfMember = new(StringComparer.Ordinal);
    private long _sequence;

    public InMemoryDirectory(ScimSchemaRegistry registry, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        UserState = new Kind(this, registry.User, "userName", isGroup: false);
        GroupState = new Kind(this, registry.Group, "displayName", isGroup: true);
        Users = new InMemoryUserStore(UserState);
        Groups = new InMemoryGroupStore(GroupState);
    }

    public InMemoryUserStore Users { get; }

    public InMemoryGroupStore Groups { get; }

    internal Kind UserState { get; }

    internal Kind GroupState { get; }

    /// <summary>How many filter views lists have built so far: what a filtered list cost (for tests).</summary>
    internal long ViewsBuilt { get; private set; }

    /// <summary>The state of one resource type: rows by id and the unique keys.</summary>
    internal sealed class Kind(InMemoryDirectory directory, ScimResourceTypeDefinition type, string nameAttribute, bool isGroup)
    {
        public InMemoryDirectory Directory { get; } = directory;

        public ScimResourceTypeDefinition Type { get; } = type;

        public ScimFilterEvaluator Evaluator { get; } = new(type);

        public string NameAttribute { get; } = nameAttribute;

        public bool IsGroup { get; } = isGroup;

        public Dictionary<string, Entry> ById { get; } = new(StringComparer.Ordinal);

        /// <summary>The same rows in creation order: the default order of a page and the cursor's key.</summary>
        public SortedDictionary<long, Entry> BySequence { get; } = [];

        /// <summary>Case-folded name (userName or group displayName) to id.</summary>
        public Dictionary<string, string> ByName { get; } = new(StringComparer.Ordinal);

        /// <summary>externalId (case-exact) to id.</summary>
        public Dictionary<string, string> ByExternalId { get; } = new(StringComparer.Ordinal);
    }

    public StoredResource? Get(Kind kind, string id, bool includeMembers)
    {
        lock (_gate)
        {
            return kind.ById.TryGetValue(id, out var entry) ? Snapshot(kind, entry, includeMembers) : null;
        }
    }

    public StoreResult<ListResult> List(Kind kind, ListQuery query)
    {
        long after = 0;
        if (query.Cursor is { Length: > 0 } cursor && !TryDecodeCursor(cursor, out after))
        {
            return StoreResult.Rejected<ListResult>(ScimError.InvalidCursor("The cursor was not issued by this store."));
        }

        var count = Math.Max(0, query.Count);
        lock (_gate)
        {
            if (query.Filter is null && query.SortBy is null)
            {
                return StoreResult.Success(Unfiltered(kind, query, count, after));
            }

            // A filter that names a unique key (id, the name, externalId) narrows the candidates to at most one;
            // every candidate is still evaluated against the whole filter.
            IEnumerable<Entry> candidates = query.Filter is { } filter && Narrow(kind, filter) is { } narrowed ? narrowed : kind.BySequence.Values;
            List<(Entry Entry, JsonObject View)> matches = [];
            foreach (var entry in candidates)
            {
                var view = View(kind, entry, includeMembers: true);
                if (query.Filter is null || kind.Evaluator.Matches(query.Filter, view))
                {
                    matches.Add((entry, view));
                }
            }

            if (query.Cursor is not null)
            {
                // Keyset paging on the creation sequence: a resource that exists throughout keeps its key, so it is
                // returned exactly once however others are added or removed between pages.
                var rest = matches.Where(m => m.Entry.Sequence > after).ToList();
                var cursorPage = rest.Take(count).ToList();
                var next = count > 0 && rest.Count > count ? EncodeCursor(cursorPage[^1].Entry.Sequence) : null;
                return StoreResult.Success(new ListResult(
                    [.. cursorPage.Select(m => Snapshot(kind, m.Entry, query.IncludeMembers))], matches.Count) { NextCursor = next });
            }

            if (query.SortBy is { } sortBy)
            {
                var comparer = new ResourceSortComparer(kind.Type, sortBy, query.SortOrder == SortOrder.Descending);
                matches = [.. matches.OrderBy(m => m.View, comparer)];
            }

            var page = count == 0 ? [] : matches.Skip(Math.Max(1, query.StartIndex) - 1).Take(count);
            return StoreResult.Success(new ListResult([.. page.Select(m => Snapshot(kind, m.Entry, query.IncludeMembers))], matches.Count));
        }
    }

    /// <summary>A page with neither filter nor sort: in creation order, without building a view of each resource.</summary>
    private ListResult Unfiltered(Kind kind, ListQuery query, int count, long after)
    {
        var total = kind.ById.Count;
        var page = new List<StoredResource>(Math.Min(count, total));
        if (query.Cursor is not null)
        {
            string? next = null;
            var last = after;
            foreach (var entry in kind.BySequence.Values.SkipWhile(e => e.Sequence <= after))
            {
                if (page.Count == count)
                {
                    next = count > 0 ? EncodeCursor(last) : null;
                    break;
                }

                page.Add(Snapshot(kind, entry, query.IncludeMembers));
                last = entry.Sequence;
            }

            return new ListResult(page, total) { NextCursor = next };
        }

        if (count > 0)
        {
            foreach (var entry in kind.BySequence.Values.Skip(Math.Max(1, query.StartIndex) - 1).Take(count))
            {
                page.Add(Snapshot(kind, entry, query.IncludeMembers));
            }
        }

        return new ListResult(page, total);
    }

    /// <summary>
    /// The only resources that can match <paramref name="filter"/> when one of its top-level <c>and</c> conjuncts is
    /// an <c>eq</c> on a unique key: <c>id</c> or <c>externalId</c> (both case-exact), or the name, which is kept
    /// case-folded so it narrows for a case-exact comparison too. <see langword="null"/> when no conjunct is one.
    /// </summary>
    private static Entry[]? Narrow(Kind kind, FilterNode filter)
    {
        if (filter is LogicalNode { Operator: LogicalOperator.And } and)
        {
            return Narrow(kind, and.Left) ?? Narrow(kind, and.Right);
        }

        if (filter is not ComparisonNode { Operator: ComparisonOperator.Equal, Value.Kind: FilterValueKind.String } comparison ||
            comparison.Path.SubAttributeName is not null ||
            (comparison.Path.SchemaUri is { } schema && !string.Equals(schema, kind.Type.Schema.Id, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var attribute = comparison.Path.AttributeName;
        var text = comparison.Value.Text!;
        string? id;
        if (Is(attribute, "id"))
        {
            id = text;
        }
        else if (Is(attribute, kind.NameAttribute))
        {
            kind.ByName.TryGetValue(text.ToUpperInvariant(), out id);
        }
        else if (Is(attribute, "externalId"))
        {
            kind.ByExternalId.TryGetValue(text, out id);
        }
        else
        {
            return null;
        }

        return id is not null && kind.ById.TryGetValue(id, out var entry) ? [entry] : [];
    }

    public StoreResult<StoredResource> Create(Kind kind, JsonObject resource)
    {
        var body = Prepare(kind, resource, out var members);
        var (nameKey, externalId) = Keys(kind, body);
        lock (_gate)
        {
            if (Conflict(kind, nameKey, externalId, selfId: null) is { } conflict)
            {
                return StoreResult.Conflict<StoredResource>(conflict);
            }

            List<GroupMember>? resolved = null;
            if (members is not null)
            {
                resolved = ResolveMembers(members, selfId: null, out var error);
                if (resolved is null)
                {
                    return StoreResult.Rejected<StoredResource>(error!);
                }
            }

            var entry = new Entry(Guid.NewGuid().ToString("D"), ++_sequence, body, _timeProvider.GetUtcNow());
            kind.ById.Add(entry.Id, entry);
            kind.BySequence.Add(entry.Sequence, entry);
            Index(kind, entry.Id, nameKey, externalId);
            if (kind.IsGroup)
            {
                entry.Members = [];
                AddMembers(entry, resolved ?? []);
            }

            return StoreResult.Success(Snapshot(kind, entry, includeMembers: true));
        }
    }

    public StoreResult<StoredResource> Replace(Kind kind, string id, JsonObject resource, string? expectedVersion)
    {
        var body = Prepare(kind, resource, out var members);
        var (nameKey, externalId) = Keys(kind, body);
        lock (_gate)
        {
            if (Check(kind, id, expectedVersion, out var entry) is { } failed)
            {
                return failed == StoreResultStatus.NotFound ? StoreResult.NotFound<StoredResource>() : StoreResult.VersionMismatch<StoredResource>();
            }

            if (Conflict(kind, nameKey, externalId, id) is { } conflict)
            {
                return StoreResult.Conflict<StoredResource>(conflict);
            }

            List<GroupMember>? resolved = null;
            if (kind.IsGroup)
            {
                resolved = ResolveMembers(members ?? [], id, out var error);
                if (resolved is null)
                {
                    return StoreResult.Rejected<StoredResource>(error!);
                }
            }

            var (oldName, oldExternalId) = Keys(kind, entry!.Body);
            Unindex(kind, oldName, oldExternalId);
            Index(kind, id, nameKey, externalId);
            entry.Body = body;
            if (kind.IsGroup)
            {
                RemoveMembers(entry, [.. entry.Members!.Keys]);
                AddMembers(entry, resolved!);
            }

            entry.Touch(_timeProvider.GetUtcNow());
            return StoreResult.Success(Snapshot(kind, entry, includeMembers: true));
        }
    }

    public StoreResult<string> Delete(Kind kind, string id, string? expectedVersion)
    {
        lock (_gate)
        {
            if (Check(kind, id, expectedVersion, out var entry) is { } failed)
            {
                return failed == StoreResultStatus.NotFound ? StoreResult.NotFound<string>() : StoreResult.VersionMismatch<string>();
            }

            var now = _timeProvider.GetUtcNow();
            if (_groupsOfMember.Remove(id, out var groups))
            {
                // A deleted resource leaves every group it was a member of; those groups change version.
                foreach (var groupId in groups)
                {
                    var group = GroupState.ById[groupId];
                    group.Members!.Remove(id);
                    group.Touch(now);
                }
            }

            if (kind.IsGroup)
            {
                RemoveMembers(entry!, [.. entry!.Members!.Keys]);
            }

            kind.ById.Remove(id);
            kind.BySequence.Remove(entry!.Sequence);
            var (name, externalId) = Keys(kind, entry!.Body);
            Unindex(kind, name, externalId);
            return StoreResult.Success(id);
        }
    }

    public StoreResult<StoredResource> ModifyMembers(string groupId, IReadOnlyCollection<GroupMember> add, IReadOnlyCollection<string> remove, string? expectedVersion)
    {
        lock (_gate)
        {
            if (Check(GroupState, groupId, expectedVersion, out var group) is { } failed)
            {
                return failed == StoreResultStatus.NotFound ? StoreResult.NotFound<StoredResource>() : StoreResult.VersionMismatch<StoredResource>();
            }

            // Resolved before anything changes, so a rejected request leaves the group as it was.
            var resolved = ResolveMembers(add.Where(m => !group!.Members!.ContainsKey(m.Value) || remove.Contains(m.Value)).ToList(), groupId, out var error);
            if (resolved is null)
            {
                return StoreResult.Rejected<StoredResource>(error!);
            }

            var changed = RemoveMembers(group!, remove) + AddMembers(group!, resolved);
            if (changed > 0)
            {
                group!.Touch(_timeProvider.GetUtcNow());
            }

            return StoreResult.Success(Snapshot(GroupState, group!, includeMembers: false));
        }
    }

    public StoreResult<MemberPage> ListMembers(string groupId, int startIndex, int count)
    {
        lock (_gate)
        {
            if (!GroupState.ById.TryGetValue(groupId, out var group))
            {
                return StoreResult.NotFound<MemberPage>();
            }

            var members = group.Members!.Values.OrderBy(m => m.Value, StringComparer.Ordinal).Skip(startIndex - 1).Take(count).ToList();
            return StoreResult.Success(new MemberPage(members, group.Members.Count));
        }
    }

    public IReadOnlyList<GroupReference> ListGroupsOfMember(string memberId)
    {
        lock (_gate)
        {
            return GroupsOf(memberId);
        }
    }

    internal static string EncodeCursor(long sequence) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes("m1:" + sequence.ToString(CultureInfo.InvariantCulture)));

    internal static bool TryDecodeCursor(string cursor, out long sequence)
    {
        sequence = 0;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException)
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes);
        return text.StartsWith("m1:", StringComparison.Ordinal) &&
            long.TryParse(text.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    private List<GroupReference> GroupsOf(string memberId) =>
        _groupsOfMember.TryGetValue(memberId, out var groups)
            ? [.. groups.Order(StringComparer.Ordinal).Select(id => new GroupReference(id, StringOf(GroupState.ById[id].Body, "displayName")))]
            : [];

    private static StoreResultStatus? Check(Kind kind, string id, string? expectedVersion, out Entry? entry)
    {
        if (!kind.ById.TryGetValue(id, out entry))
        {
            return StoreResultStatus.NotFound;
        }

        return expectedVersion is not null && !string.Equals(expectedVersion, VersionOf(entry), StringComparison.Ordinal)
            ? StoreResultStatus.VersionMismatch
            : null;
    }

    private static string? Conflict(Kind kind, string nameKey, string? externalId, string? selfId)
    {
        if (kind.ByName.TryGetValue(nameKey, out var owner) && owner != selfId)
        {
            return $"A {kind.Type.Name} with the same {kind.NameAttribute} already exists.";
        }

        if (externalId is not null && kind.ByExternalId.TryGetValue(externalId, out owner) && owner != selfId)
        {
            return $"A {kind.Type.Name} with the same externalId already exists.";
        }

        return null;
    }

    private static void Index(Kind kind, string id, string nameKey, string? externalId)
    {
        kind.ByName[nameKey] = id;
        if (externalId is not null)
        {
            kind.ByExternalId[externalId] = id;
        }
    }

    private static void Unindex(Kind kind, string nameKey, string? externalId)
    {
        kind.ByName.Remove(nameKey);
        if (externalId is not null)
        {
            kind.ByExternalId.Remove(externalId);
        }
    }

    /// <summary>Resolves each member's type from where it lives; <see langword="null"/> when one does not exist.</summary>
    private List<GroupMember>? ResolveMembers(List<GroupMember> members, string? selfId, out ScimError? error)
    {
        error = null;
        var resolved = new List<GroupMember>(members.Count);
        foreach (var member in members)
        {
            var type = UserState.ById.ContainsKey(member.Value) ? "User"
                : member.Value != selfId && GroupState.ById.ContainsKey(member.Value) ? "Group"
                : null;
            if (type is null)
            {
                error = ScimError.InvalidValue($"Member '{member.Value}' is not an existing User or Group.");
                return null;
            }

            resolved.Add(member with { Type = type });
        }

        return resolved;
    }

    private int AddMembers(Entry group, IEnumerable<GroupMember> members)
    {
        var added = 0;
        foreach (var member in members)
        {
            if (group.Members!.TryAdd(member.Value, member))
            {
                added++;
                if (!_groupsOfMember.TryGetValue(member.Value, out var groups))
                {
                    groups = new HashSet<string>(StringComparer.Ordinal);
                    _groupsOfMember.Add(member.Value, groups);
                }

                groups.Add(group.Id);
            }
        }

        return added;
    }

    private int RemoveMembers(Entry group, IEnumerable<string> memberIds)
    {
        var removed = 0;
        foreach (var memberId in memberIds)
        {
            if (group.Members!.Remove(memberId))
            {
                removed++;
                if (_groupsOfMember.TryGetValue(memberId, out var groups) && groups.Remove(group.Id) && groups.Count == 0)
                {
                    _groupsOfMember.Remove(memberId);
                }
            }
        }

        return removed;
    }

    private StoredResource Snapshot(Kind kind, Entry entry, bool includeMembers)
    {
        var body = (JsonObject)entry.Body.DeepClone();
        Attach(kind, entry, body, includeMembers);
        return new StoredResource(entry.Id, body, VersionOf(entry), entry.Created, entry.LastModified);
    }

    /// <summary>The resource as a filter sees it: with <c>id</c>, <c>meta</c> and derived attributes.</summary>
    private JsonObject View(Kind kind, Entry entry, bool includeMembers)
    {
        ViewsBuilt++;
        var view = (JsonObject)entry.Body.DeepClone();
        Attach(kind, entry, view, includeMembers);
        view["id"] = entry.Id;
        view["meta"] = new JsonObject
        {
            ["resourceType"] = kind.Type.Name,
            ["created"] = entry.Created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["lastModified"] = entry.LastModified.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["version"] = VersionOf(entry),
        };
        return view;
    }

    private void Attach(Kind kind, Entry entry, JsonObject body, bool includeMembers)
    {
        if (kind.IsGroup)
        {
            if (includeMembers)
            {
                body["members"] = new JsonArray([.. entry.Members!.Values.Select(MemberToJson)]);
            }

            return;
        }

        // A user's read-only groups (RFC 7643 §4.1.2) are derived from memberships, never stored.
        var groups = GroupsOf(entry.Id);
        if (groups.Count > 0)
        {
            body["groups"] = new JsonArray([.. groups.Select(g => (JsonNode)new JsonObject { ["value"] = g.Id, ["display"] = g.DisplayName, ["type"] = "direct" })]);
        }
    }

    private static JsonNode MemberToJson(GroupMember member)
    {
        var item = new JsonObject { ["value"] = member.Value };
        if (member.Display is not null)
        {
            item["display"] = member.Display;
        }

        if (member.Type is not null)
        {
            item["type"] = member.Type;
        }

        return item;
    }

    private static string VersionOf(Entry entry) => entry.Version.ToString(CultureInfo.InvariantCulture);

    private static (string NameKey, string? ExternalId) Keys(Kind kind, JsonObject body) =>
        (StringOf(body, kind.NameAttribute)!.ToUpperInvariant(), StringOf(body, "externalId"));

    /// <summary>Copies the resource without id, meta and derived or separately kept attributes.</summary>
    /// <remarks>
    /// The copy is written out and parsed again rather than cloned: parsed values cloned with DeepClone still point into
    /// the request's body, which the entry would then keep alive.
    /// </remarks>
    private static JsonObject Prepare(Kind kind, JsonObject resource, out List<GroupMember>? members)
    {
        ArgumentNullException.ThrowIfNull(resource);
        members = kind.IsGroup ? [] : null;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in resource)
            {
                if (Is(property.Key, "id") || Is(property.Key, "meta") || (!kind.IsGroup && Is(property.Key, "groups")))
                {
                    continue;
                }

                if (kind.IsGroup && Is(property.Key, "members"))
                {
                    foreach (var item in (property.Value as JsonArray ?? []).OfType<JsonObject>())
                    {
                        if (StringOf(item, "value") is { } value)
                        {
                            members!.Add(new GroupMember(value, StringOf(item, "type"), StringOf(item, "display")));
                        }
                    }

                    continue;
                }

                writer.WritePropertyName(property.Key);
                if (property.Value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    property.Value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        var body = JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
        if (StringOf(body, kind.NameAttribute) is null)
        {
            throw new ArgumentException($"The resource has no '{kind.NameAttribute}' string value.", nameof(resource));
        }

        return body;
    }

    private static bool Is(string name, string attribute) => string.Equals(name, attribute, StringComparison.OrdinalIgnoreCase);

    private static string? StringOf(JsonObject obj, string name)
    {
        foreach (var property in obj)
        {
            if (Is(property.Key, name) && property.Value is JsonValue value && value.TryGetValue<string>(out var text))
            {
                return text;
            }
        }

        return null;
    }
}
