// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using ScimSync.Schema;
using ScimSync.Stores;

namespace ScimSync.Serialization;

/// <summary>
/// The <c>meta</c> attribute a service provider writes for a stored resource (RFC 7643 §3.1), and the URLs and
/// version tags it is made of.
/// </summary>
/// <remarks>
/// <c>meta.location</c> is the resource's URL under the base URL, <c>meta.version</c> equals the resource's ETag
/// (RFC 7644 §3.14), and times are written in UTC to the millisecond (<c>2026-12-04T15:49:49.123Z</c>).
/// </remarks>
public static class ScimResourceMeta
{
    // yyyy-MM-ddTHH:mm:ss.fffZ
    internal const int TimeLength = 24;

    /// <summary>Builds <c>meta</c> as an object: <c>resourceType</c>, <c>created</c>, <c>lastModified</c>, <c>location</c>, <c>version</c>.</summary>
    /// <param name="stored">The stored resource.</param>
    /// <param name="resourceType">The resource's type.</param>
    /// <param name="baseUrl">The SCIM base URL, without a trailing slash (<c>https://host/scim/v2</c>).</param>
    /// <returns>A new object.</returns>
    public static JsonObject Create(StoredResource stored, ScimResourceTypeDefinition resourceType, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(baseUrl);
        return new(
        [
            new("resourceType", resourceType.Name),
            new("created", FormatTime(stored.Created)),
            new("lastModified", FormatTime(stored.LastModified)),
            new("location", Location(baseUrl, resourceType, stored.Id)),
            new("version", ETag(stored.Version)),
        ]);
    }

    /// <summary>The URL of a resource: the base URL, the type's endpoint, and the escaped id.</summary>
    /// <param name="baseUrl">The SCIM base URL, without a trailing slash.</param>
    /// <param name="resourceType">The resource's type.</param>
    /// <param name="id">The resource's id.</param>
    /// <returns>The URL, as <c>meta.location</c> and the <c>Location</c> header give it.</returns>
    public static string Location(string baseUrl, ScimResourceTypeDefinition resourceType, string id)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        return string.Concat(baseUrl, resourceType.Endpoint, "/", Uri.EscapeDataString(id));
    }

    /// <summary>
    /// The URL a <c>$ref</c> of a User's <c>groups</c> (RFC 7643 §4.1.2) or a Group's <c>members</c> (§4.2) holds:
    /// <c>/Groups/</c> and the escaped id for a group, <c>/Users/</c> and the escaped id for a user.
    /// </summary>
    /// <param name="baseUrl">The SCIM base URL, without a trailing slash.</param>
    /// <param name="id">The referenced resource's id.</param>
    /// <param name="isGroup">Whether it is a group (a member's <c>type</c> is <c>Group</c>, or any of a user's groups).</param>
    /// <returns>The URL.</returns>
    public static string ReferenceLocation(string baseUrl, string id, bool isGroup) =>
        string.Concat(baseUrl, ReferenceEndpoint(isGroup), "/", Uri.EscapeDataString(id));

    // Where a reference points; ReferenceLocation's endpoint, for writers that build the URL in a buffer of their own.
    internal static string ReferenceEndpoint(bool isGroup) => isGroup ? "/Groups" : "/Users";

    /// <summary>The weak entity tag of a version (<c>W/"version"</c>), as <c>meta.version</c> and the <c>ETag</c> header give it.</summary>
    /// <param name="version">The store's opaque version.</param>
    /// <returns>The entity tag.</returns>
    public static string ETag(string version) => $"W/\"{version}\"";

    /// <summary>Formats a time as <c>meta.created</c> and <c>meta.lastModified</c> hold it: UTC, to the millisecond.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The text, <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</returns>
    public static string FormatTime(DateTimeOffset time) =>
        string.Create(TimeLength, time, static (span, time) => FormatTime(time, span));

    // Cut from the round-trip form ("O": yyyy-MM-ddTHH:mm:ss.fffffffZ for a UTC time), which the runtime formats without
    // interpreting a pattern.
    internal static void FormatTime(DateTimeOffset time, Span<char> destination)
    {
        Span<char> roundTrip = stackalloc char[28];
        time.UtcDateTime.TryFormat(roundTrip, out _, "O", CultureInfo.InvariantCulture);
        roundTrip[..23].CopyTo(destination);
        destination[23] = 'Z';
    }
}
