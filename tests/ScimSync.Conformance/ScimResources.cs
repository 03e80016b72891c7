// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Schema;

namespace ScimSync.Conformance;

/// <summary>
/// Builds resources in the canonical form the server hands to stores: attribute names spelled as the schema spells
/// them, a <c>schemas</c> array, extension attributes under their schema URN, and no <c>id</c> or <c>meta</c>.
/// </summary>
public static class ScimResources
{
    /// <summary>Builds an active User.</summary>
    /// <param name="userName">The userName.</param>
    /// <param name="externalId">The externalId, or <see langword="null"/> to leave it out.</param>
    /// <param name="title">The title, or <see langword="null"/> to leave it out.</param>
    /// <returns>The resource.</returns>
    public static JsonObject User(string userName, string? externalId = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var user = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemas.User),
            ["userName"] = userName,
            ["active"] = true,
        };
        if (externalId is not null)
        {
            user["externalId"] = externalId;
        }

        if (title is not null)
        {
            user["title"] = title;
        }

        return user;
    }

    /// <summary>Adds a <c>displayName</c> to a User or Group.</summary>
    /// <param name="resource">The resource, changed in place.</param>
    /// <param name="displayName">The display name.</param>
    /// <returns><paramref name="resource"/>.</returns>
    public static JsonObject WithDisplayName(this JsonObject resource, string displayName)
    {
        ArgumentNullException.ThrowIfNull(resource);
        resource["displayName"] = displayName;
        return resource;
    }

    /// <summary>Adds an email to a User (<c>emails</c> is created when missing).</summary>
    /// <param name="user">The user, changed in place.</param>
    /// <param name="type">The email type (for example <c>work</c>).</param>
    /// <param name="value">The address.</param>
    /// <param name="primary">Whether it is the primary address.</param>
    /// <returns><paramref name="user"/>.</returns>
    public static JsonObject WithEmail(this JsonObject user, string type, string value, bool primary = false)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user["emails"] is not JsonArray emails)
        {
            emails = [];
            user["emails"] = emails;
        }

        var email = new JsonObject { ["value"] = value, ["type"] = type };
        if (primary)
        {
            email["primary"] = true;
        }

        emails.Add(email);
        return user;
    }

    /// <summary>Sets an attribute of the enterprise User extension, adding its URN to <c>schemas</c>.</summary>
    /// <param name="user">The user, changed in place.</param>
    /// <param name="attribute">The attribute name (for example <c>employeeNumber</c>).</param>
    /// <param name="value">The value.</param>
    /// <returns><paramref name="user"/>.</returns>
    public static JsonObject WithEnterprise(this JsonObject user, string attribute, string value)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user[ScimSchemas.EnterpriseUser] is not JsonObject extension)
        {
            extension = [];
            user[ScimSchemas.EnterpriseUser] = extension;
            ((JsonArray)user["schemas"]!).Add(ScimSchemas.EnterpriseUser);
        }

        extension[attribute] = value;
        return user;
    }

    /// <summary>Builds a Group with members (User or Group ids).</summary>
    /// <param name="displayName">The displayName.</param>
    /// <param name="memberIds">The member ids.</param>
    /// <returns>The resource.</returns>
    public static JsonObject Group(string displayName, params string[] memberIds)
    {
        ArgumentNullException.ThrowIfNull(displayName);
        ArgumentNullException.ThrowIfNull(memberIds);
        var group = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemas.Group),
            ["displayName"] = displayName,
        };
        if (memberIds.Length > 0)
        {
            group["members"] = new JsonArray([.. memberIds.Select(id => (JsonNode)new JsonObject { ["value"] = id })]);
        }

        return group;
    }

    /// <summary>Reads a top-level string attribute.</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="attribute">The attribute name.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public static string? StringOf(JsonObject resource, string attribute)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return resource[attribute] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }

    /// <summary>Reads the member ids of a group resource (empty when it has no <c>members</c>).</summary>
    /// <param name="group">The group.</param>
    /// <returns>The ids, in the order the store returned them.</returns>
    public static IReadOnlyList<string> MemberIds(JsonObject group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group["members"] is JsonArray members
            ? [.. members.OfType<JsonObject>().Select(m => StringOf(m, "value")!)]
            : [];
    }
}
