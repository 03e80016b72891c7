// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using ScimSync.Samples.EfCore.Data;
using ScimSync.Schema;
using ScimSync.Stores;

namespace ScimSync.Samples.EfCore.Scim;

/// <summary>
/// Maps a SCIM User onto an <see cref="Employee"/> row and back. The row has a fixed set of columns: what has no
/// column (phone numbers, addresses, emails other than work and home, <c>primary</c> flags, <c>name.formatted</c>,
/// the manager, ...) is dropped on write and absent on read.
/// </summary>
internal static class EmployeeMapping
{
    public const string Work = "work";
    public const string Home = "home";

    public static StoredResource ToStored(Employee e) =>
        new(ScimIds.OfEmployee(e.Id), ToScim(e), VersionOf(e.RowVersion), e.CreatedAt, e.UpdatedAt);

    public static string VersionOf(long rowVersion) => rowVersion.ToString(CultureInfo.InvariantCulture);

    public static JsonObject ToScim(Employee e)
    {
        var user = new JsonObject { ["schemas"] = new JsonArray(ScimSchemas.User), ["userName"] = e.Login };
        Set(user, "externalId", e.ExternalRef);
        if (e.FirstName is not null || e.LastName is not null)
        {
            var name = new JsonObject();
            Set(name, "givenName", e.FirstName);
            Set(name, "familyName", e.LastName);
            user["name"] = name;
        }

        Set(user, "displayName", e.DisplayName);
        Set(user, "title", e.JobTitle);
        user["active"] = e.IsActive;
        var emails = new JsonArray();
        if (e.Email is not null)
        {
            emails.Add(new JsonObject { ["value"] = e.Email, ["type"] = Work });
        }

        if (e.PersonalEmail is not null)
        {
            emails.Add(new JsonObject { ["value"] = e.PersonalEmail, ["type"] = Home });
        }

        if (emails.Count > 0)
        {
            user["emails"] = emails;
        }

        if (e.Department is not null || e.EmployeeNumber is not null)
        {
            var enterprise = new JsonObject();
            Set(enterprise, "employeeNumber", e.EmployeeNumber);
            Set(enterprise, "department", e.Department);
            user[ScimSchemas.EnterpriseUser] = enterprise;
            ((JsonArray)user["schemas"]!).Add(ScimSchemas.EnterpriseUser);
        }

        return user;
    }

    /// <summary>The user as a filter sees it: with <c>id</c> and <c>meta</c>, for the bounded in-memory path.</summary>
    public static JsonObject View(Employee e)
    {
        var view = ToScim(e);
        view["id"] = ScimIds.OfEmployee(e.Id);
        view["meta"] = Meta("User", e.CreatedAt, e.UpdatedAt, e.RowVersion);
        return view;
    }

    public static JsonObject Meta(string resourceType, DateTimeOffset created, DateTimeOffset lastModified, long rowVersion) => new()
    {
        ["resourceType"] = resourceType,
        ["created"] = created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["lastModified"] = lastModified.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["version"] = VersionOf(rowVersion),
    };

    /// <summary>Writes every mapped attribute (a replace: what the resource lacks is cleared).</summary>
    public static void FromScim(JsonObject user, Employee e)
    {
        e.Login = Text(user, "userName") ?? "";
        e.ExternalRef = Text(user, "externalId");
        var name = user["name"] as JsonObject;
        e.FirstName = name is null ? null : Text(name, "givenName");
        e.LastName = name is null ? null : Text(name, "familyName");
        e.DisplayName = Text(user, "displayName");
        e.JobTitle = Text(user, "title");

        // The column is NOT NULL: an absent (unassigned) active is stored as active.
        e.IsActive = user["active"] is not JsonValue active || !active.TryGetValue<bool>(out var isActive) || isActive;

        e.Email = null;
        e.PersonalEmail = null;
        string? untyped = null;
        foreach (var email in (user["emails"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var value = Text(email, "value");
            var type = Text(email, "type");
            if (string.Equals(type, Work, StringComparison.OrdinalIgnoreCase))
            {
                e.Email ??= value;
            }
            else if (string.Equals(type, Home, StringComparison.OrdinalIgnoreCase))
            {
                e.PersonalEmail ??= value;
            }
            else if (type is null)
            {
                untyped ??= value;
            }
        }

        // An address without a type is the work address when no typed one is given.
        e.Email ??= untyped;

        var enterprise = user[ScimSchemas.EnterpriseUser] as JsonObject;
        e.Department = enterprise is null ? null : Text(enterprise, "department");
        e.EmployeeNumber = enterprise is null ? null : Text(enterprise, "employeeNumber");
    }

    private static void Set(JsonObject target, string name, string? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }

    // Empty strings are unassigned (RFC 7643 §2.5), so they are stored as NULL.
    private static string? Text(JsonObject source, string name) =>
        source[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
