// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimSync.Stores;

/// <summary>
/// A resource as a store holds it: its id, its attributes in canonical form, and the metadata the store maintains.
/// </summary>
/// <remarks>
/// <see cref="Resource"/> holds neither <c>id</c> nor <c>meta</c>; the server writes both from the other properties
/// (RFC 7643 §3.1), so a store never has to keep <c>meta.location</c> in step with the base URL.
/// </remarks>
/// <param name="Id">The service provider's identifier.</param>
/// <param name="Resource">The attributes, in canonical form. Owned by the caller after it is returned.</param>
/// <param name="Version">An opaque version that changes on every modification (the ETag value without quotes).</param>
/// <param name="Created">When the resource was created.</param>
/// <param name="LastModified">When the resource was last modified.</param>
public sealed record StoredResource(string Id, JsonObject Resource, string Version, DateTimeOffset Created, DateTimeOffset LastModified)
{
    private const string GroupsName = "groups";
    private const string MembersName = "members";

    private JsonObject? _resource = Resource;
    private ReadOnlyMemory<byte> _json;
    private List<KeyValuePair<string, JsonNode?>>? _derived;
    private IReadOnlyList<GroupReference>? _groups;
    private IReadOnlyList<GroupMember>? _members;

    /// <summary>
    /// Initializes a resource from the UTF-8 JSON object its store keeps. <see cref="Resource"/> is parsed from it on
    /// first use; until then a response can be written straight from these bytes
    /// (<see cref="Serialization.ScimProjection.TryWriteStored"/>), without building a node per attribute.
    /// </summary>
    /// <param name="id">The service provider's identifier.</param>
    /// <param name="json">
    /// The attributes as a UTF-8 JSON object, in canonical form, without <c>id</c> and <c>meta</c> and without the
    /// attributes the store derives (a User's <c>groups</c>, a Group's <c>members</c>): set those with
    /// <see cref="SetDerivedAttribute"/>. The bytes must not change while this instance lives.
    /// </param>
    /// <param name="version">An opaque version that changes on every modification (the ETag value without quotes).</param>
    /// <param name="created">When the resource was created.</param>
    /// <param name="lastModified">When the resource was last modified.</param>
    public StoredResource(string id, ReadOnlyMemory<byte> json, string version, DateTimeOffset created, DateTimeOffset lastModified)
        : this(id, (JsonObject)null!, version, created, lastModified)
    {
        _json = json;
    }

    private StoredResource(StoredResource original)
    {
        Id = original.Id;
        Version = original.Version;
        Created = original.Created;
        LastModified = original.LastModified;
        _resource = original._resource;
        _json = original._json;
        // Each copy parses into a resource of its own, so each needs derived values of its own (a node has one parent).
        _derived = original._derived?.ConvertAll(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value?.DeepClone()));
        _groups = original._groups;
        _members = original._members;
    }

    /// <summary>Gets the attributes, in canonical form. Owned by the caller after it is returned.</summary>
    /// <remarks>
    /// A resource initialized from UTF-8 JSON is parsed here on first use, with its derived attributes added; from then
    /// on this object is the resource, and the bytes are no longer used.
    /// </remarks>
    public JsonObject Resource
    {
        get => _resource ?? Materialize();
        init
        {
            _resource = value;
            _json = default;
            _derived = null;
            _groups = null;
            _members = null;
        }
    }

    /// <summary>
    /// Gets the attributes set with <see cref="SetDerivedAttribute"/> that are not part of <see cref="Resource"/> yet
    /// (it has not been read since); empty once it has.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> DerivedAttributes => (IReadOnlyList<KeyValuePair<string, JsonNode?>>?)_derived ?? [];

    /// <summary>
    /// Gets the groups set with <see cref="SetDerivedGroups"/> while <see cref="Resource"/> has not been read (it holds
    /// them from then on); otherwise <see langword="null"/>.
    /// </summary>
    public IReadOnlyList<GroupReference>? DerivedGroups => _groups;

    /// <summary>
    /// Gets the members set with <see cref="SetDerivedMembers"/> while <see cref="Resource"/> has not been read (it
    /// holds them from then on); otherwise <see langword="null"/>.
    /// </summary>
    public IReadOnlyList<GroupMember>? DerivedMembers => _members;

    /// <summary>The stored UTF-8 JSON while <see cref="Resource"/> has not been read; empty after.</summary>
    internal ReadOnlyMemory<byte> Utf8Json => _resource is null ? _json : default;

    /// <summary>
    /// Sets a top-level attribute the store derives rather than keeps (a User's <c>groups</c>), as
    /// <c>Resource[name] = value</c> does, but without parsing the stored JSON when it has not been parsed yet.
    /// </summary>
    /// <param name="name">The attribute name, as the schema spells it.</param>
    /// <param name="value">The value; <see langword="null"/> leaves the attribute out of responses.</param>
    public void SetDerivedAttribute(string name, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_resource is not null)
        {
            _resource[name] = value;
            return;
        }

        if (name == GroupsName)
        {
            _groups = null;
        }
        else if (name == MembersName)
        {
            _members = null;
        }

        _derived ??= [];
        for (var i = 0; i < _derived.Count; i++)
        {
            if (string.Equals(_derived[i].Key, name, StringComparison.Ordinal))
            {
                _derived[i] = new(name, value);
                return;
            }
        }

        _derived.Add(new(name, value));
    }

    /// <summary>
    /// Sets a User's <c>groups</c> (RFC 7643 §4.1.2), the groups it is a direct member of, as a store derives them. Until
    /// <see cref="Resource"/> is read they are kept as they are given and written to a response without a node per
    /// group; each is written as <c>{"value": Id, "display": DisplayName, "type": "direct"}</c> (without
    /// <c>display</c> when the name is <see langword="null"/>), in the order given.
    /// </summary>
    /// <param name="groups">
    /// The groups, owned by this instance from now on (an empty list is an empty array, which the server leaves out of
    /// responses: RFC 7643 §2.5), or <see langword="null"/> to remove the attribute.
    /// </param>
    public void SetDerivedGroups(IReadOnlyList<GroupReference>? groups)
    {
        if (_resource is not null)
        {
            if (groups is not null)
            {
                _resource[GroupsName] = ToJson(groups);
            }
            else
            {
                _resource.Remove(GroupsName);
            }

            return;
        }

        RemoveDerived(GroupsName);
        _groups = groups;
    }

    /// <summary>
    /// Sets a Group's <c>members</c> (RFC 7643 §4.2) as a store derives them. Until <see cref="Resource"/> is read they
    /// are kept as they are given and written to a response without a node per member; each is written as
    /// <c>{"value": Value, "display": Display, "type": Type}</c> (without the ones that are <see langword="null"/>), in
    /// the order given.
    /// </summary>
    /// <param name="members">
    /// The members, owned by this instance from now on (an empty list is an empty array, which the server leaves out of
    /// responses: RFC 7643 §2.5), or <see langword="null"/> to remove the attribute.
    /// </param>
    public void SetDerivedMembers(IReadOnlyList<GroupMember>? members)
    {
        if (_resource is not null)
        {
            if (members is not null)
            {
                _resource[MembersName] = ToJson(members);
            }
            else
            {
                _resource.Remove(MembersName);
            }

            return;
        }

        RemoveDerived(MembersName);
        _members = members;
    }

    // The JSON form of a User's groups as SetDerivedGroups describes it.
    internal static JsonArray ToJson(IReadOnlyList<GroupReference> groups)
    {
        var array = new JsonArray();
        foreach (var group in groups)
        {
            var item = new JsonObject { ["value"] = group.Id };
            if (group.DisplayName is not null)
            {
                item["display"] = group.DisplayName;
            }

            item["type"] = "direct";
            array.Add((JsonNode)item);
        }

        return array;
    }

    // The JSON form of a Group's members as SetDerivedMembers describes it.
    internal static JsonArray ToJson(IReadOnlyList<GroupMember> members)
    {
        var array = new JsonArray();
        foreach (var member in members)
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

            array.Add((JsonNode)item);
        }

        return array;
    }

    /// <summary>
    /// Whether the resource has a top-level attribute of this name (compared as <see cref="JsonObject.ContainsKey"/>
    /// does), without parsing the stored JSON when it has not been parsed yet.
    /// </summary>
    /// <param name="name">The attribute name.</param>
    /// <returns><see langword="true"/> when the attribute is present, even with a <see langword="null"/> value.</returns>
    public bool ContainsAttribute(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_resource is not null)
        {
            return _resource.ContainsKey(name);
        }

        foreach (var (key, _) in DerivedAttributes)
        {
            if (string.Equals(key, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        if ((_groups is not null && name == GroupsName) || (_members is not null && name == MembersName))
        {
            return true;
        }

        return ContainsStored(name) ?? Resource.ContainsKey(name);
    }

    // Null when the stored JSON is not an object the reader gets through; the parse then reports it as it always has.
    private bool? ContainsStored(string name)
    {
        var reader = new Utf8JsonReader(_json.Span);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(name))
                {
                    return true;
                }

                reader.Read();
                reader.Skip();
            }

            return reader.TokenType == JsonTokenType.EndObject ? false : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private JsonObject Materialize()
    {
        var resource = _json.IsEmpty ? [] : JsonNode.Parse(_json.Span) as JsonObject ?? [];
        if (_derived is not null)
        {
            foreach (var (name, value) in _derived)
            {
                resource[name] = value;
            }
        }

        if (_groups is not null)
        {
            resource[GroupsName] = ToJson(_groups);
        }

        if (_members is not null)
        {
            resource[MembersName] = ToJson(_members);
        }

        _resource = resource;
        _json = default;
        _derived = null;
        _groups = null;
        _members = null;
        return resource;
    }

    // A loop rather than RemoveAll with a lambda, whose closure over the name would be allocated on every call.
    private void RemoveDerived(string name)
    {
        for (var i = (_derived?.Count ?? 0) - 1; i >= 0; i--)
        {
            if (string.Equals(_derived![i].Key, name, StringComparison.Ordinal))
            {
                _derived.RemoveAt(i);
            }
        }
    }
}

/// <summary>One page of a list query.</summary>
/// <param name="Resources">The resources of the page, in order.</param>
/// <param name="TotalResults">How many resources match the filter in total, across all pages.</param>
public sealed record ListResult(IReadOnlyList<StoredResource> Resources, int TotalResults)
{
    /// <summary>
    /// Gets the opaque cursor of the next page when the query was cursor-paged (<see cref="ListQuery.Cursor"/> set)
    /// and more results follow; otherwise <see langword="null"/>.
    /// </summary>
    public string? NextCursor { get; init; }

    /// <summary>Gets the opaque cursor of the previous page of a cursor-paged query, when the store supports going back.</summary>
    public string? PreviousCursor { get; init; }
}

/// <summary>One page of a group's members.</summary>
/// <param name="Members">The members of the page, ordered by member id.</param>
/// <param name="TotalResults">How many members the group has.</param>
public sealed record MemberPage(IReadOnlyList<GroupMember> Members, int TotalResults);

/// <summary>A group a resource belongs to, for the <c>groups</c> attribute of a User (RFC 7643 §4.1.2).</summary>
/// <param name="Id">The group's id.</param>
/// <param name="DisplayName">The group's display name.</param>
public sealed record GroupReference(string Id, string? DisplayName);

/// <summary>A member of a group, as the group membership fast path and stores handle it.</summary>
/// <param name="Value">The member's id (a User or Group id).</param>
/// <param name="Type">The member's resource type (<c>User</c> or <c>Group</c>), when known.</param>
/// <param name="Display">A human-readable name, when known.</param>
public sealed record GroupMember(string Value, string? Type = null, string? Display = null);
