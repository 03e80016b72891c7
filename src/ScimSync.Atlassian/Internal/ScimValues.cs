// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Atlassian.Products;
using ScimSync.Policies;

namespace ScimSync.Atlassian.Internal;

/// <summary>Reads what a product needs from a SCIM User or Group as ScimSync stores it.</summary>
internal static class ScimValues
{
    public static string? UserName(JsonObject user) => Text(Get(user, "userName"));

    public static string? DisplayName(JsonObject group) => Text(Get(group, "displayName"));

    public static bool Active(JsonObject user) => Get(user, "active") switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => !string.Equals(s, "false", StringComparison.OrdinalIgnoreCase),
        _ => true,
    };

    /// <summary>
    /// The product's view of a user: what mapping policies computed (the provisioning extension) where they did,
    /// else the username, display name (or the name's parts), and the primary, work or first email.
    /// </summary>
    public static AtlassianUserData UserData(JsonObject user, string missingEmailFormat)
    {
        var mapped = ProvisionedUser.Read(user);
        var userName = mapped.UserName ?? UserName(user) ?? throw new InvalidOperationException("A stored User has no userName.");
        var name = Get(user, "name") as JsonObject;
        var displayName = Text(Get(user, "displayName"))
            ?? (name is null ? null : Text(Get(name, "formatted")))
            ?? Join(name is null ? null : Text(Get(name, "givenName")), name is null ? null : Text(Get(name, "familyName")))
            ?? userName;
        var email = mapped.Email ?? Email(user) ?? string.Format(CultureInfo.InvariantCulture, missingEmailFormat, userName);
        return new AtlassianUserData(userName, mapped.DisplayName ?? displayName, email);
    }

    /// <summary>The target groups mapping policies gave a user, or <see langword="null"/> when no policy wrote it.</summary>
    public static IReadOnlyList<string>? MappedGroups(JsonObject? user)
    {
        if (user is null)
        {
            return null;
        }

        var mapped = ProvisionedUser.Read(user);
        return ReferenceEquals(mapped, ProvisionedUser.Empty) ? null : [.. mapped.Memberships.Memberships.Select(m => m.Group)];
    }

    /// <summary>Resolves an attribute path (<c>title</c>, <c>name.givenName</c>, or an extension's <c>urn:…:attribute</c>).</summary>
    public static JsonNode? Resolve(JsonObject resource, string path)
    {
        JsonObject container = resource;
        var attribute = path;
        if (path.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            var colon = path.LastIndexOf(':');
            if (Get(resource, path[..colon]) is not JsonObject extension)
            {
                return null;
            }

            container = extension;
            attribute = path[(colon + 1)..];
        }

        var dot = attribute.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return Get(container, attribute);
        }

        return Get(container, attribute[..dot]) is JsonObject complex ? Get(complex, attribute[(dot + 1)..]) : null;
    }

    /// <summary>The members a Group resource lists.</summary>
    public static IReadOnlyList<ScimSync.Stores.GroupMember> Members(JsonObject group)
    {
        if (Get(group, "members") is not JsonArray members)
        {
            return [];
        }

        var list = new List<ScimSync.Stores.GroupMember>(members.Count);
        foreach (var item in members)
        {
            if (item is JsonObject member && Text(Get(member, "value")) is { } value)
            {
                list.Add(new ScimSync.Stores.GroupMember(value, Text(Get(member, "type"))));
            }
        }

        return list;
    }

    private static string? Email(JsonObject user)
    {
        if (Get(user, "emails") is not JsonArray emails)
        {
            return null;
        }

        string? work = null, first = null;
        foreach (var item in emails)
        {
            if (item is not JsonObject email || Text(Get(email, "value")) is not { } value)
            {
                continue;
            }

            if (Get(email, "primary") is JsonValue p && p.TryGetValue<bool>(out var primary) && primary)
            {
                return value;
            }

            first ??= value;
            if (work is null && string.Equals(Text(Get(email, "type")), "work", StringComparison.OrdinalIgnoreCase))
            {
                work = value;
            }
        }

        return work ?? first;
    }

    private static string? Join(string? given, string? family) =>
        (given, family) switch
        {
            (null, null) => null,
            (_, null) => given,
            (null, _) => family,
            _ => given + " " + family,
        };

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text ? text : null;

    /// <summary>A member by name, ignoring case as SCIM attribute names do.</summary>
    private static JsonNode? Get(JsonObject resource, string name)
    {
        if (resource.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in resource)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
