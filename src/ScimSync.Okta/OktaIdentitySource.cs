// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ScimSync.Okta.Internal;
using ScimSync.Pull;

namespace ScimSync.Okta;

/// <summary>
/// Reads the users and groups of an Okta org through its management API (<c>/api/v1/users</c>,
/// <c>/api/v1/groups</c>, <c>/api/v1/groups/{id}/users</c>) for the pull engine.
/// </summary>
/// <remarks>
/// <para>
/// A full read lists every user in scope, DEPROVISIONED ones included (Okta's plain list leaves them out, so they are
/// read by a second <c>status eq "DEPROVISIONED"</c> search): they come back inactive rather than missing. An
/// incremental read lists the users whose <c>lastUpdated</c> is after the cursor, and the groups whose
/// <c>lastUpdated</c> or <c>lastMembershipUpdated</c> is, with all their members. Okta cannot list deleted users or
/// groups, so incremental reads never report a removal: full reads find them by their absence.
/// </para>
/// <para>
/// <c>active</c> is false for STAGED (never activated), SUSPENDED and DEPROVISIONED users, and true for ACTIVE,
/// PROVISIONED (activated, awaiting the user's first sign-in), RECOVERY, PASSWORD_EXPIRED and LOCKED_OUT, which are
/// passing states of an account that is still in use.
/// </para>
/// </remarks>
public sealed class OktaIdentitySource : IIdentitySource
{
    /// <summary>The default map: SCIM path to Okta user attribute.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultAttributeMap = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["userName"] = "profile.login",
        ["displayName"] = "profile.displayName",
        ["nickName"] = "profile.nickName",
        ["title"] = "profile.title",
        ["userType"] = "profile.userType",
        ["preferredLanguage"] = "profile.preferredLanguage",
        ["locale"] = "profile.locale",
        ["timezone"] = "profile.timezone",
        ["profileUrl"] = "profile.profileUrl",
        ["name.givenName"] = "profile.firstName",
        ["name.familyName"] = "profile.lastName",
        ["name.middleName"] = "profile.middleName",
        ["name.honorificPrefix"] = "profile.honorificPrefix",
        ["name.honorificSuffix"] = "profile.honorificSuffix",
        ["emails[type eq \"work\"].value"] = "profile.email",
        ["phoneNumbers[type eq \"mobile\"].value"] = "profile.mobilePhone",
        ["phoneNumbers[type eq \"work\"].value"] = "profile.primaryPhone",
        ["enterprise.employeeNumber"] = "profile.employeeNumber",
        ["enterprise.costCenter"] = "profile.costCenter",
        ["enterprise.organization"] = "profile.organization",
        ["enterprise.division"] = "profile.division",
        ["enterprise.department"] = "profile.department",
    };

    private static readonly string[] InactiveStatuses = ["STAGED", "SUSPENDED", "DEPROVISIONED"];

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private readonly OktaSourceOptions _options;
    private readonly OktaApiClient _api;
    private readonly SourceAttributeMap _map;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The org and how to read it; must be valid (<see cref="OktaSourceOptions.Validate"/>).</param>
    /// <param name="httpClient">The client requests go through (from <c>IHttpClientFactory</c>); it needs no base address.</param>
    /// <param name="tokenCache">Where service-app tokens are kept between runs, or <see langword="null"/> for one of its own.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system's.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public OktaIdentitySource(OktaSourceOptions options, HttpClient httpClient, OktaTokenCache? tokenCache = null, TimeProvider? timeProvider = null, ILogger<OktaIdentitySource>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Okta source options: " + string.Join(" ", problems), nameof(options));
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _map = new SourceAttributeMap(DefaultAttributeMap, options.AttributeMap);
        _api = new OktaApiClient(options, httpClient, tokenCache ?? new OktaTokenCache(), _time, (ILogger?)logger ?? NullLogger.Instance);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SourceUser> ReadUsersAsync(SourceRead read, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        var since = ParseCursor(read.Cursor);
        var changed = since is { } s ? $"lastUpdated gt \"{Format(s)}\"" : null;
        string?[] searches =
        [
            And(_options.UserSearch, changed),
            And(_options.UserSearch, changed, "status eq \"DEPROVISIONED\""),
        ];

        var seen = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset? listedAt = null;
        foreach (var search in searches)
        {
            var next = ListUri("/api/v1/users", search);
            while (next is not null)
            {
                var page = await _api.GetPageAsync(next, cancellationToken).ConfigureAwait(false);
                listedAt ??= page.ServerTime ?? _time.GetUtcNow();
                foreach (var item in page.Items)
                {
                    if (item is JsonObject user && ToSourceUser(user) is { } sourceUser && seen.Add(sourceUser.Id))
                    {
                        yield return sourceUser;
                    }
                }

                next = page.Next;
            }
        }

        read.ListsEverything = since is null;
        read.NextCursor = NextCursor(listedAt);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SourceGroup> ReadGroupsAsync(SourceRead read, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        var since = ParseCursor(read.Cursor);
        var changed = since is { } s ? $"(lastUpdated gt \"{Format(s)}\" or lastMembershipUpdated gt \"{Format(s)}\")" : null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset? listedAt = null;
        var next = ListUri("/api/v1/groups", And(_options.GroupSearch, changed));
        while (next is not null)
        {
            var page = await _api.GetPageAsync(next, cancellationToken).ConfigureAwait(false);
            listedAt ??= page.ServerTime ?? _time.GetUtcNow();
            foreach (var item in page.Items)
            {
                if (item is not JsonObject group || Text(group, "id") is not { Length: > 0 } id || !seen.Add(id))
                {
                    continue;
                }

                var members = await ReadMembersAsync(id, cancellationToken).ConfigureAwait(false);
                yield return new SourceGroup
                {
                    Id = id,
                    DisplayName = group["profile"] is JsonObject profile ? Text(profile, "name") ?? id : id,
                    Members = members,
                };
            }

            next = page.Next;
        }

        read.ListsEverything = since is null;
        read.NextCursor = NextCursor(listedAt);
    }

    /// <inheritdoc/>
    public async Task<SourceUser?> FindUserAsync(string login, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(login);

        // GET /api/v1/users/{id or login}: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/getUser
        var user = await _api.GetObjectAsync(new Uri(_api.OrgUrl, "/api/v1/users/" + Uri.EscapeDataString(login.Trim())), cancellationToken).ConfigureAwait(false);
        return user is null ? null : ToSourceUser(user);
    }

    private async Task<IReadOnlyCollection<string>> ReadMembersAsync(string groupId, CancellationToken cancellationToken)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        var next = ListUri("/api/v1/groups/" + Uri.EscapeDataString(groupId) + "/users", search: null);
        while (next is not null)
        {
            var page = await _api.GetPageAsync(next, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                if (item is JsonObject user && Text(user, "id") is { Length: > 0 } id)
                {
                    members.Add(id);
                }
            }

            next = page.Next;
        }

        return members;
    }

    private SourceUser? ToSourceUser(JsonObject user)
    {
        if (Text(user, "id") is not { Length: > 0 } id)
        {
            return null;
        }

        var status = Text(user, "status");
        var active = status is null || !InactiveStatuses.Contains(status, StringComparer.OrdinalIgnoreCase);
        var profile = user["profile"] as JsonObject;
        return new SourceUser
        {
            Id = id,
            Resource = _map.MapUser(id, active, attribute => attribute.StartsWith("profile.", StringComparison.Ordinal)
                ? (profile is null ? null : Text(profile, attribute["profile.".Length..]))
                : Text(user, attribute)),
            Raw = user,
        };
    }

    private Uri ListUri(string path, string? search)
    {
        var query = "limit=" + _options.PageSize.ToString(CultureInfo.InvariantCulture);
        if (search is not null)
        {
            query += "&search=" + Uri.EscapeDataString(search);
        }

        return new Uri(_api.OrgUrl, path + "?" + query);
    }

    private string NextCursor(DateTimeOffset? listedAt) =>
        Format((listedAt ?? _time.GetUtcNow()) - _options.CursorSafetyMargin);

    private static DateTimeOffset? ParseCursor(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(cursor, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        throw new IdentitySourceException(IdentitySourceErrorKind.CursorExpired, $"The Okta cursor '{cursor}' is not a lastUpdated time this connector wrote; reading everything.");
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static string? And(params string?[] terms)
    {
        var present = terms.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        return present.Count switch
        {
            0 => null,
            1 => present[0],
            _ => string.Join(" and ", present.Select(t => "(" + t + ")")),
        };
    }

    private static string? Text(JsonObject node, string name) => node[name] switch
    {
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonValue value when value.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue value => value.ToJsonString(),
        _ => null,
    };
}
