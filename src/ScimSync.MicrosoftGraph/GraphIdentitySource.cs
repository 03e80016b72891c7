// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Pull;

namespace ScimSync.MicrosoftGraph;

/// <summary>
/// Reads the users and groups of a Microsoft Entra ID tenant through Microsoft Graph v1.0: delta queries
/// (<c>/users/delta</c>, <c>/groups/delta</c>) for the whole tenant, or the members of the groups in
/// <see cref="GraphSourceOptions.GroupIds"/>; paging, throttling and token renewal handled.
/// </summary>
/// <remarks>
/// Delta semantics: https://learn.microsoft.com/en-us/graph/delta-query-overview,
/// https://learn.microsoft.com/en-us/graph/api/user-delta and https://learn.microsoft.com/en-us/graph/api/group-delta.
/// Throttling: https://learn.microsoft.com/en-us/graph/throttling. Errors: https://learn.microsoft.com/en-us/graph/errors.
/// </remarks>
public sealed class GraphIdentitySource : IIdentitySource
{
    private const string UserType = "#microsoft.graph.user";
    private static readonly string[] AlwaysSelected = ["id", "accountEnabled", "userPrincipalName"];
    private readonly GraphSourceOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly GraphTokenClient _tokens;
    private readonly SourceAttributeMap _map;
    private readonly string _base;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The connection's options (valid: see <see cref="GraphSourceOptions.Validate"/>).</param>
    /// <param name="httpClient">The HTTP client, for Graph and (through MSAL) the token endpoint; its own timeout should be infinite (each Graph attempt is timed by <see cref="GraphSourceOptions.Timeout"/>).</param>
    /// <param name="tokenCache">Where access tokens are kept between runs.</param>
    /// <param name="timeProvider">The clock for retry delays and timeouts (MSAL keeps token expiry on the system clock); <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public GraphIdentitySource(GraphSourceOptions options, HttpClient httpClient, GraphTokenCache tokenCache, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(tokenCache);
        _options = options;
        _http = httpClient;
        _time = timeProvider ?? TimeProvider.System;
        _tokens = new GraphTokenClient(options, tokenCache, httpClient, _time);
        _map = new SourceAttributeMap(DefaultAttributeMap, options.AttributeMap);
        _base = options.GraphBaseAddress.AbsoluteUri.TrimEnd('/');
        SelectedProperties = [.. AlwaysSelected
            .Concat(_map.Attributes.Select(a => a.Split('.')[0]))
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Gets the default map from SCIM paths to Graph user properties; <see cref="GraphSourceOptions.AttributeMap"/> changes it.
    /// </summary>
    /// <remarks>Property names: https://learn.microsoft.com/en-us/graph/api/resources/user.</remarks>
    public static IReadOnlyDictionary<string, string> DefaultAttributeMap { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["userName"] = "userPrincipalName",
        ["displayName"] = "displayName",
        ["name.givenName"] = "givenName",
        ["name.familyName"] = "surname",
        ["title"] = "jobTitle",
        ["userType"] = "userType",
        ["preferredLanguage"] = "preferredLanguage",
        ["emails[type eq \"work\"].value"] = "mail",
        ["phoneNumbers[type eq \"work\"].value"] = "businessPhones",
        ["phoneNumbers[type eq \"mobile\"].value"] = "mobilePhone",
        ["enterprise.employeeNumber"] = "employeeId",
        ["enterprise.department"] = "department",
        ["enterprise.organization"] = "companyName",
        ["enterprise.costCenter"] = "employeeOrgData.costCenter",
        ["enterprise.division"] = "employeeOrgData.division",
    };

    /// <summary>Gets the user properties asked for (<c>$select</c>).</summary>
    internal IReadOnlyList<string> SelectedProperties { get; }

    private string Select => string.Join(',', SelectedProperties);

    /// <inheritdoc/>
    public async IAsyncEnumerable<SourceUser> ReadUsersAsync(SourceRead read, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (_options.GroupIds.Count > 0)
        {
            await foreach (var user in ReadScopedUsersAsync(read, cancellationToken).ConfigureAwait(false))
            {
                yield return user;
            }

            yield break;
        }

        var full = read.Cursor is null;
        var url = read.Cursor ?? $"{_base}/users/delta?$select={Select}&$top={_options.PageSize}";
        CheckCursor(url);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var page = await GetAsync(url, delta: true, cancellationToken).ConfigureAwait(false)
                ?? throw new IdentitySourceException(IdentitySourceErrorKind.InvalidResponse, "Graph answered 404 to a users delta request.", status: 404);
            foreach (var item in Items(page))
            {
                if (Id(item) is not { } id || !seen.Add(id))
                {
                    continue;
                }

                if (item["@removed"] is JsonObject removed)
                {
                    yield return new SourceUser { Id = id, Removal = Reason(removed) == "changed" ? SourceRemoval.SoftDeleted : SourceRemoval.Deleted, Raw = item };
                    continue;
                }

                // A delta round after the first names a changed user with at least its changed properties only, so
                // the whole user is read again (https://learn.microsoft.com/en-us/graph/api/user-delta).
                var user = full ? item : await GetAsync($"{_base}/users/{Uri.EscapeDataString(id)}?$select={Select}", delta: false, cancellationToken).ConfigureAwait(false);
                if (user is not null)
                {
                    yield return ToSourceUser(id, user);
                }
            }

            if (!NextPage(page, read, full, ref url))
            {
                yield break;
            }
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SourceGroup> ReadGroupsAsync(SourceRead read, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        var full = read.Cursor is null;
        var url = read.Cursor ?? $"{_base}/groups/delta?$select=displayName,members&$top={_options.PageSize}" + GroupFilter();
        CheckCursor(url);

        // A group's members can be spread over several pages, the group appearing on each: gather before yielding.
        var groups = new Dictionary<string, GroupChanges>(StringComparer.Ordinal);
        var order = new List<string>();
        while (true)
        {
            var page = await GetAsync(url, delta: true, cancellationToken).ConfigureAwait(false)
                ?? throw new IdentitySourceException(IdentitySourceErrorKind.InvalidResponse, "Graph answered 404 to a groups delta request.", status: 404);
            foreach (var item in Items(page))
            {
                if (Id(item) is not { } id)
                {
                    continue;
                }

                if (!groups.TryGetValue(id, out var group))
                {
                    groups[id] = group = new GroupChanges();
                    order.Add(id);
                }

                if (item["@removed"] is JsonObject)
                {
                    group.Removed = true;
                    continue;
                }

                if (item["displayName"] is JsonValue name && name.TryGetValue<string>(out var text))
                {
                    group.DisplayName = text;
                }

                if (item["members@delta"] is JsonArray members)
                {
                    foreach (var member in members.OfType<JsonObject>())
                    {
                        if (Id(member) is not { } memberId || (member["@odata.type"] as JsonValue)?.GetValue<string>() != UserType)
                        {
                            continue;
                        }

                        if (member["@removed"] is JsonObject)
                        {
                            group.Added.Remove(memberId);
                            group.RemovedMembers.Add(memberId);
                        }
                        else
                        {
                            group.RemovedMembers.Remove(memberId);
                            group.Added.Add(memberId);
                        }
                    }
                }
            }

            if (!NextPage(page, read, full, ref url))
            {
                break;
            }
        }

        foreach (var id in order)
        {
            var group = groups[id];
            if (!group.Removed && group.DisplayName is null)
            {
                // Later rounds carry only what changed: a membership change comes without the name.
                var current = await GetAsync($"{_base}/groups/{Uri.EscapeDataString(id)}?$select=id,displayName", delta: false, cancellationToken).ConfigureAwait(false);
                group.Removed = current is null;
                group.DisplayName = (current?["displayName"] as JsonValue)?.GetValue<string>() ?? id;
            }

            yield return group.Removed
                ? new SourceGroup { Id = id, Removed = true }
                : full
                    ? new SourceGroup { Id = id, DisplayName = group.DisplayName, Members = [.. group.Added] }
                    : new SourceGroup { Id = id, DisplayName = group.DisplayName, AddedMembers = [.. group.Added], RemovedMembers = [.. group.RemovedMembers] };
        }
    }

    /// <inheritdoc/>
    public async Task<SourceUser?> FindUserAsync(string login, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(login);
        var filter = Uri.EscapeDataString($"userPrincipalName eq '{login.Trim().Replace("'", "''", StringComparison.Ordinal)}'");
        var page = await GetAsync($"{_base}/users?$filter={filter}&$select={Select}", delta: false, cancellationToken).ConfigureAwait(false);
        var user = page is null ? null : Items(page).FirstOrDefault();
        return user is not null && Id(user) is { } id ? ToSourceUser(id, user) : null;
    }

    private async IAsyncEnumerable<SourceUser> ReadScopedUsersAsync(SourceRead read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Graph has no delta of the members of some groups' profiles: in a group scope every run lists in full.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var groupId in _options.GroupIds)
        {
            string? url = $"{_base}/groups/{Uri.EscapeDataString(groupId)}/members/microsoft.graph.user?$select={Select}&$top={_options.PageSize}";
            while (url is not null)
            {
                var page = await GetAsync(url, delta: false, cancellationToken).ConfigureAwait(false)
                    ?? throw new IdentitySourceException(IdentitySourceErrorKind.InvalidResponse, $"The group '{groupId}' of GroupIds was not found in the tenant.", status: 404);
                foreach (var item in Items(page))
                {
                    if (Id(item) is { } id && seen.Add(id))
                    {
                        yield return ToSourceUser(id, item);
                    }
                }

                url = (page["@odata.nextLink"] as JsonValue)?.GetValue<string>();
                if (url is not null)
                {
                    CheckCursor(url);
                }
            }
        }

        read.ListsEverything = true;
    }

    private bool NextPage(JsonObject page, SourceRead read, bool full, ref string url)
    {
        if ((page["@odata.nextLink"] as JsonValue)?.GetValue<string>() is { } next)
        {
            CheckCursor(next);
            url = next;
            return true;
        }

        if ((page["@odata.deltaLink"] as JsonValue)?.GetValue<string>() is { } deltaLink)
        {
            read.NextCursor = deltaLink;
            read.ListsEverything = full;
            return false;
        }

        throw new IdentitySourceException(IdentitySourceErrorKind.InvalidResponse, "A Graph delta page had neither @odata.nextLink nor @odata.deltaLink.");
    }

    private void CheckCursor(string url)
    {
        // The token goes only to the configured Graph: a cursor from another address (the connection was moved) is stale.
        if (!url.StartsWith(_base + "/", StringComparison.OrdinalIgnoreCase))
        {
            throw new IdentitySourceException(IdentitySourceErrorKind.CursorExpired, "The delta link does not belong to the configured GraphBaseAddress; a full read is needed.");
        }
    }

    private string GroupFilter() => _options.GroupIds.Count == 0
        ? string.Empty
        : "&$filter=" + Uri.EscapeDataString(string.Join(" or ", _options.GroupIds.Select(g => $"id eq '{g}'")));

    private SourceUser ToSourceUser(string id, JsonObject user)
    {
        var active = user["accountEnabled"] is JsonValue enabled && enabled.TryGetValue<bool>(out var value) ? value : true;
        return new SourceUser { Id = id, Resource = _map.MapUser(id, active, a => ReadProperty(user, a)), Raw = user };
    }

    internal static string? ReadProperty(JsonObject user, string attribute)
    {
        JsonNode? node = user;
        foreach (var part in attribute.Split('.'))
        {
            node = (node as JsonObject)?[part];
        }

        if (node is JsonArray array)
        {
            node = array.FirstOrDefault(n => n is JsonValue);
        }

        return node is JsonValue v
            ? v.GetValueKind() switch
            {
                JsonValueKind.String => v.GetValue<string>(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => v.ToJsonString(),
            }
            : null;
    }

    private static IEnumerable<JsonObject> Items(JsonObject page) => (page["value"] as JsonArray)?.OfType<JsonObject>() ?? [];

    private static string? Id(JsonObject item) => item["id"] is JsonValue v && v.TryGetValue<string>(out var id) && id.Length > 0 ? id : null;

    private static string? Reason(JsonObject removed) => removed["reason"] is JsonValue v && v.TryGetValue<string>(out var r) ? r : null;

    /// <summary>GETs Graph with a bearer token; <see langword="null"/> on 404.</summary>
    private async Task<JsonObject?> GetAsync(string url, bool delta, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            // After a 401, ask for a new token: the cached one was revoked or expired early.
            var token = await _tokens.GetTokenAsync(forceRefresh: attempt > 0, cancellationToken).ConfigureAwait(false);
            using var response = await SendAsync(
                () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, url);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                    return request;
                },
                "Microsoft Graph",
                cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
            {
                continue;
            }

            if (response.StatusCode == HttpStatusCode.NotFound && !delta)
            {
                return null;
            }

            JsonObject? json = null;
            try
            {
                json = JsonNode.Parse(body) as JsonObject;
            }
            catch (JsonException) when (!response.IsSuccessStatusCode)
            {
            }
            catch (JsonException e)
            {
                throw new IdentitySourceException(IdentitySourceErrorKind.InvalidResponse, "Graph answered with JSON that cannot be read.", e, (int)response.StatusCode);
            }

            if (response.IsSuccessStatusCode)
            {
                return json ?? throw new IdentitySourceException(IdentitySourceErrorKind.InvalidResponse, "Graph answered without a JSON object.", status: (int)response.StatusCode);
            }

            throw Failure(response.StatusCode, json, delta);
        }
    }

    private static IdentitySourceException Failure(HttpStatusCode status, JsonObject? body, bool delta)
    {
        var code = (body?["error"]?["code"] as JsonValue)?.GetValue<string>() ?? status.ToString();
        var message = (body?["error"]?["message"] as JsonValue)?.GetValue<string>() ?? string.Empty;
        var what = $"{(int)status} {code}: {message}".TrimEnd(' ', ':');
        if (delta && (status == HttpStatusCode.Gone || code.Equals("syncStateNotFound", StringComparison.OrdinalIgnoreCase)
            || code.Equals("resyncRequired", StringComparison.OrdinalIgnoreCase) || code.Equals("syncStateInvalid", StringComparison.OrdinalIgnoreCase)))
        {
            return new IdentitySourceException(IdentitySourceErrorKind.CursorExpired, $"Graph no longer accepts the delta link ({what}); a full read is needed.", status: (int)status);
        }

        return status switch
        {
            HttpStatusCode.Unauthorized => new IdentitySourceException(IdentitySourceErrorKind.Unauthorized, $"Graph refused the access token ({what}). Check the tenant and the app registration.", status: 401),
            HttpStatusCode.Forbidden => new IdentitySourceException(IdentitySourceErrorKind.Unauthorized, $"Graph denied access ({what}). The app likely lacks the application permission User.Read.All (users) or GroupMember.Read.All (groups), or admin consent was not granted.", status: 403),
            _ => new IdentitySourceException(IdentitySourceErrorKind.InvalidResponse, $"Graph refused the request ({what}).", status: (int)status),
        };
    }

    /// <summary>Sends with retries: network failures, timeouts, 429 and 5xx (honouring <c>Retry-After</c>).</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, string what, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            IdentitySourceException? failure = null;
            using (var timeout = new CancellationTokenSource(_options.Timeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                using var request = create();
                HttpResponseMessage response;
                try
                {
                    response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
                }
                catch (HttpRequestException e)
                {
                    failure = new IdentitySourceException(IdentitySourceErrorKind.Unavailable, $"{what} could not be reached ({e.Message}).", e);
                    response = null!;
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = new IdentitySourceException(IdentitySourceErrorKind.Unavailable, $"{what} did not answer within {_options.Timeout}.", e);
                    response = null!;
                }

                if (response is not null)
                {
                    var status = (int)response.StatusCode;
                    if (status != 429 && status < 500)
                    {
                        return response;
                    }

                    retryAfter = response.Headers.RetryAfter switch
                    {
                        { Delta: { } d } => d,
                        { Date: { } date } => date - _time.GetUtcNow(),
                        _ => null,
                    };
                    failure = status == 429
                        ? new IdentitySourceException(IdentitySourceErrorKind.Throttled, $"{what} kept throttling the requests (429) after {attempt} retries.", status: status)
                        : new IdentitySourceException(IdentitySourceErrorKind.Unavailable, $"{what} kept failing ({status}) after {attempt} retries.", status: status);
                    response.Dispose();
                }
            }

            if (attempt >= _options.MaxRetries)
            {
                throw failure ?? new IdentitySourceException(IdentitySourceErrorKind.Unavailable, $"{what} failed.");
            }

            var delay = retryAfter ?? _options.RetryDelay * Math.Pow(2, attempt);
            delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class GroupChanges
    {
        public string? DisplayName { get; set; }

        public bool Removed { get; set; }

        public HashSet<string> Added { get; } = new(StringComparer.Ordinal);

        public HashSet<string> RemovedMembers { get; } = new(StringComparer.Ordinal);
    }
}
