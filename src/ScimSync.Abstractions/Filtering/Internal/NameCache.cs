// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Frozen;
using ScimSync.Patching;

namespace ScimSync.Filtering.Internal;

/// <summary>
/// Shared string instances for the attribute names and schema URNs that nearly every filter and path uses, so
/// parsing them allocates nothing. Lookups are exact (ordinal): names keep the case they were written in.
/// </summary>
internal static class NameCache
{
    private static readonly FrozenSet<string> s_names = FrozenSet.Create(
        StringComparer.Ordinal,
        "id", "externalId", "meta", "schemas", "resourceType", "created", "lastModified", "location", "version",
        "userName", "name", "formatted", "familyName", "givenName", "middleName", "honorificPrefix",
        "honorificSuffix", "displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage",
        "locale", "timezone", "active", "password", "emails", "phoneNumbers", "ims", "photos", "addresses",
        "streetAddress", "locality", "region", "postalCode", "country", "groups", "entitlements", "roles",
        "x509Certificates", "value", "display", "type", "primary", "$ref", "members", "employeeNumber",
        "costCenter", "organization", "division", "department", "manager");

    private static readonly FrozenSet<string> s_uris = FrozenSet.Create(
        StringComparer.Ordinal,
        Schema.ScimSchemas.User,
        Schema.ScimSchemas.Group,
        Schema.ScimSchemas.EnterpriseUser);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_nameLookup =
        s_names.GetAlternateLookup<ReadOnlySpan<char>>();

    // AttributePath is an immutable record, so the unqualified paths of the known names can be shared too; most
    // filter terms are one of them (userName, externalId, displayName, and the sub-attributes inside brackets).
    private static readonly FrozenDictionary<string, AttributePath>.AlternateLookup<ReadOnlySpan<char>> s_pathLookup =
        s_names.ToFrozenDictionary(name => name, name => new AttributePath(null, name), StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_uriLookup =
        s_uris.GetAlternateLookup<ReadOnlySpan<char>>();

    public static string Name(ReadOnlySpan<char> name) =>
        s_nameLookup.TryGetValue(name, out var cached) ? cached : name.ToString();

    public static AttributePath UnqualifiedPath(ReadOnlySpan<char> name) =>
        s_pathLookup.TryGetValue(name, out var cached) ? cached : new AttributePath(null, name.ToString());

    public static string Uri(ReadOnlySpan<char> uri) =>
        s_uriLookup.TryGetValue(uri, out var cached) ? cached : uri.ToString();
}
