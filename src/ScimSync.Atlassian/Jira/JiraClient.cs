// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Jira;

/// <summary>
/// Jira Data Center's user, group, user property and lead administration over its REST API (<c>rest/api/2</c>).
/// </summary>
/// <remarks>
/// <para>
/// Written from Atlassian's Jira Data Center REST reference (the 8.x to 10.x <c>api/2</c> resources: <c>user</c>,
/// <c>user/properties</c>, <c>group</c>, <c>group/user</c>, <c>group/member</c>, <c>project</c>, <c>component</c>).
/// Users are addressed by username (<c>?username=</c>); <see cref="AtlassianUser.Key"/> is Jira's user <c>key</c>, which
/// survives a rename.
/// </para>
/// <para>
/// Deactivation sends <c>"active": false</c> to <c>PUT rest/api/2/user</c>, which Jira accepts since 8.3
/// (JRASERVER-37294); older versions answer 400. Jira refuses to deactivate a project or component lead, and to
/// delete a project lead; move the leads first with <see cref="ListLeadsAsync"/> and <see cref="SetLeadAsync"/>.
/// </para>
/// </remarks>
public sealed class JiraClient : AtlassianProductClient, IAtlassianUserProperties, IAtlassianLeadership
{
    private const int PageSize = 50;

    private readonly HttpClient _http;

    /// <summary>Initializes a new instance of the <see cref="JiraClient"/> class.</summary>
    /// <param name="httpClient">
    /// The client, with <see cref="HttpClient.BaseAddress"/> set to Jira's base address with a trailing slash (for
    /// example <c>https://jira.example.com/jira/</c>) and the <c>Authorization</c> header set.
    /// </param>
    public JiraClient(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _http = httpClient;
    }

    /// <inheritdoc/>
    public override AtlassianProduct Product => AtlassianProduct.Jira;

    /// <inheritdoc/>
    /// <value>Always <see langword="true"/>: Jira 8.3 and later accept <c>active</c> on <c>PUT rest/api/2/user</c>.</value>
    public override bool CanDeactivateUsers => true;

    /// <inheritdoc/>
    public override async Task<AtlassianUser?> FindUserAsync(string username, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        var node = await SendForJsonAsync(HttpMethod.Get, Route("rest/api/2/user", ("username", username)), null, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
        return node is null ? null : ReadUser(node);
    }

    /// <inheritdoc/>
    public override async Task<AtlassianUser> CreateUserAsync(AtlassianUserData user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);

        // No password: Jira generates a random one. "notification" is a string in Jira's UserWriteBean.
        var body = new JsonObject
        {
            ["name"] = user.Name,
            ["displayName"] = user.DisplayName,
            ["emailAddress"] = user.Email,
            ["notification"] = "false",
        };
        var node = await SendForJsonAsync(HttpMethod.Post, "rest/api/2/user", body, cancellationToken).ConfigureAwait(false);
        return ReadUser(node!);
    }

    /// <inheritdoc/>
    public override async Task<AtlassianUser> UpdateUserAsync(AtlassianUser existing, AtlassianUserData user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(user);

        var body = new JsonObject
        {
            ["displayName"] = user.DisplayName,
            ["emailAddress"] = user.Email,
        };
        if (!string.Equals(existing.Name, user.Name, StringComparison.Ordinal))
        {
            body["name"] = user.Name;
        }

        var node = await SendForJsonAsync(HttpMethod.Put, Route("rest/api/2/user", ("username", existing.Name)), body, cancellationToken).ConfigureAwait(false);
        return ReadUser(node!);
    }

    /// <inheritdoc/>
    public override async Task SetActiveAsync(string username, bool active, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        var body = new JsonObject { ["active"] = active };
        using var response = await SendAsync(HttpMethod.Put, Route("rest/api/2/user", ("username", username)), body, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task DeleteUserAsync(string username, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        using var response = await SendAsync(HttpMethod.Delete, Route("rest/api/2/user", ("username", username)), null, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<bool> EnsureGroupAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        var body = new JsonObject { ["name"] = group };
        using var response = await SendAsync(HttpMethod.Post, "rest/api/2/group", body, cancellationToken, HttpStatusCode.BadRequest).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        // Jira answers 400 for an existing group; the same status covers an invalid name, so look before concluding.
        if (await GroupExistsAsync(group, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        throw await AtlassianHttp.ToExceptionAsync(response, Product, ReadErrors, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task DeleteGroupAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        using var response = await SendAsync(HttpMethod.Delete, Route("rest/api/2/group", ("groupname", group)), null, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task AddMembersAsync(string group, IReadOnlyCollection<string> usernames, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentNullException.ThrowIfNull(usernames);
        foreach (var username in usernames)
        {
            var body = new JsonObject { ["name"] = username };
            using var response = await SendAsync(HttpMethod.Post, Route("rest/api/2/group/user", ("groupname", group)), body, cancellationToken, HttpStatusCode.BadRequest).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                continue;
            }

            // 400 is how Jira says "already a member" (and other refusals): a member is what we wanted.
            if (await IsMemberAsync(group, username, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            throw await AtlassianHttp.ToExceptionAsync(response, Product, ReadErrors, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override async Task RemoveMemberAsync(string group, string username, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(username);

        // 404: the user or the group does not exist, so the user is not a member.
        using var response = await SendAsync(
            HttpMethod.Delete,
            Route("rest/api/2/group/user", ("groupname", group), ("username", username)),
            null,
            cancellationToken,
            HttpStatusCode.NotFound,
            HttpStatusCode.BadRequest).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.BadRequest)
        {
            return;
        }

        if (!await IsMemberAsync(group, username, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        throw await AtlassianHttp.ToExceptionAsync(response, Product, ReadErrors, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<string>> ListGroupMembersAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        var names = new List<string>();
        var startAt = 0;
        while (true)
        {
            var uri = Route(
                "rest/api/2/group/member",
                ("groupname", group),
                ("includeInactiveUsers", "true"),
                ("startAt", startAt.ToString(CultureInfo.InvariantCulture)),
                ("maxResults", PageSize.ToString(CultureInfo.InvariantCulture)));
            var page = await SendForJsonAsync(HttpMethod.Get, uri, null, cancellationToken).ConfigureAwait(false);
            var values = page?["values"] as JsonArray ?? [];
            foreach (var value in values)
            {
                if (Text(value?["name"]) is { } name)
                {
                    names.Add(name);
                }
            }

            var isLast = Flag(page?["isLast"]) ?? true;
            if (isLast || values.Count == 0)
            {
                return names;
            }

            startAt += values.Count;
        }
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<string>> ListGroupsOfUserAsync(string username, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        var node = await SendForJsonAsync(HttpMethod.Get, Route("rest/api/2/user", ("username", username), ("expand", "groups")), null, cancellationToken).ConfigureAwait(false);
        return GroupNames(node!);
    }

    /// <inheritdoc/>
    public async Task SetUserPropertyAsync(string username, string key, JsonNode value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        using var response = await SendAsync(HttpMethod.Put, PropertyUri(username, key), value, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task DeleteUserPropertyAsync(string username, string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(key);
        using var response = await SendAsync(HttpMethod.Delete, PropertyUri(username, key), null, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<JsonNode?> GetUserPropertyAsync(string username, string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var node = await SendForJsonAsync(HttpMethod.Get, PropertyUri(username, key), null, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
        return node?["value"]?.DeepClone();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AtlassianLead>> ListLeadsAsync(string username, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        var projects = await SendForJsonAsync(HttpMethod.Get, Route("rest/api/2/project", ("expand", "lead")), null, cancellationToken).ConfigureAwait(false) as JsonArray ?? [];

        var leads = new List<AtlassianLead>();
        var keys = new List<string>();
        foreach (var project in projects)
        {
            if (project is null || Text(project["key"]) is not { } key)
            {
                continue;
            }

            keys.Add(key);
            if (IsUser(project["lead"]?["name"], username))
            {
                leads.Add(new AtlassianLead(AtlassianLeadKind.Project, key, null, Text(project["name"]) ?? key));
            }
        }

        foreach (var key in keys)
        {
            var components = await SendForJsonAsync(HttpMethod.Get, "rest/api/2/project/" + EscapeSegment(key) + "/components", null, cancellationToken).ConfigureAwait(false) as JsonArray ?? [];
            foreach (var component in components)
            {
                if (component is null)
                {
                    continue;
                }

                if (IsUser(component["lead"]?["name"], username) || IsUser(component["leadUserName"], username))
                {
                    var id = component["id"]?.ToString() ?? string.Empty;
                    leads.Add(new AtlassianLead(AtlassianLeadKind.Component, key, id, Text(component["name"]) ?? id));
                }
            }
        }

        return leads;
    }

    /// <inheritdoc/>
    public async Task SetLeadAsync(AtlassianLead lead, string username, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lead);
        ArgumentException.ThrowIfNullOrEmpty(username);
        if (lead.Kind == AtlassianLeadKind.Project)
        {
            var body = new JsonObject { ["lead"] = username };
            using var response = await SendAsync(HttpMethod.Put, "rest/api/2/project/" + EscapeSegment(lead.Key), body, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (string.IsNullOrEmpty(lead.Id))
            {
                throw new ArgumentException("A component lead needs the component's id.", nameof(lead));
            }

            var body = new JsonObject { ["leadUserName"] = username };
            using var response = await SendAsync(HttpMethod.Put, "rest/api/2/component/" + EscapeSegment(lead.Id), body, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads Jira's error body: <c>{"errorMessages":[...],"errors":{"field":"message"}}</c>.</summary>
    internal static IReadOnlyList<string> ReadErrors(JsonElement root)
    {
        var messages = new List<string>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return messages;
        }

        if (root.TryGetProperty("errorMessages", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text)
                {
                    messages.Add(text);
                }
            }
        }

        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in errors.EnumerateObject())
            {
                if (field.Value.ValueKind == JsonValueKind.String && field.Value.GetString() is { Length: > 0 } text)
                {
                    messages.Add(text);
                }
            }
        }

        return messages;
    }

    private static AtlassianUser ReadUser(JsonNode node)
    {
        var name = Text(node["name"]) ?? string.Empty;
        return new AtlassianUser(
            Text(node["key"]) ?? name,
            name,
            Text(node["displayName"]) ?? name,
            Text(node["emailAddress"]) is { Length: > 0 } email ? email : null,
            Flag(node["active"]) ?? true);
    }

    private static List<string> GroupNames(JsonNode user)
    {
        var names = new List<string>();
        if (user["groups"]?["items"] is JsonArray items)
        {
            foreach (var item in items)
            {
                if (Text(item?["name"]) is { } name)
                {
                    names.Add(name);
                }
            }
        }

        return names;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool? Flag(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;

    private static bool IsUser(JsonNode? name, string username) =>
        name is JsonValue value && value.TryGetValue<string>(out var text) && string.Equals(text, username, StringComparison.OrdinalIgnoreCase);

    private static string EscapeSegment(string value) => System.Uri.EscapeDataString(value);

    private static string PropertyUri(string username, string key) =>
        Route("rest/api/2/user/properties/" + EscapeSegment(key), ("username", username));

    private static string Route(string path, params (string Name, string Value)[] query)
    {
        var builder = new StringBuilder(path);
        for (var i = 0; i < query.Length; i++)
        {
            builder.Append(i == 0 ? '?' : '&')
                .Append(query[i].Name)
                .Append('=')
                .Append(System.Uri.EscapeDataString(query[i].Value));
        }

        return builder.ToString();
    }

    private async Task<bool> GroupExistsAsync(string group, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            HttpMethod.Get,
            Route("rest/api/2/group/member", ("groupname", group), ("includeInactiveUsers", "true"), ("maxResults", "1")),
            null,
            cancellationToken,
            HttpStatusCode.NotFound).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    private async Task<bool> IsMemberAsync(string group, string username, CancellationToken cancellationToken)
    {
        var user = await SendForJsonAsync(HttpMethod.Get, Route("rest/api/2/user", ("username", username), ("expand", "groups")), null, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
        return user is not null && GroupNames(user).Contains(group, StringComparer.OrdinalIgnoreCase);
    }

    private async Task<JsonNode?> SendForJsonAsync(HttpMethod method, string uri, JsonNode? body, CancellationToken cancellationToken, params HttpStatusCode[] accepted)
    {
        using var response = await SendAsync(method, uri, body, cancellationToken, accepted).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new AtlassianProductException(Product, AtlassianErrorKind.Unavailable, response.StatusCode, ["The answer was not JSON."], null, e);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, JsonNode? body, CancellationToken cancellationToken, params HttpStatusCode[] accepted)
    {
        using var request = new HttpRequestMessage(method, new Uri(uri, UriKind.Relative));
        request.Headers.Accept.ParseAdd("application/json");
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return await AtlassianHttp.SendAsync(_http, request, Product, ReadErrors, cancellationToken, accepted).ConfigureAwait(false);
    }
}
