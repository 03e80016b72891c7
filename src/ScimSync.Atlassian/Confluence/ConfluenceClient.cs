// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Confluence;

/// <summary>
/// Confluence Data Center's user and group administration over its REST API (<c>rest/api/admin/user</c>,
/// <c>rest/api/admin/group</c>, <c>rest/api/user</c>, <c>rest/api/group</c>), as documented for Confluence Data Center
/// 8.4 and later.
/// </summary>
/// <remarks>
/// <para>
/// Confluence requires lower-case usernames when it creates a user, so <see cref="CreateUserAsync"/> lower-cases the
/// name. Its REST API cannot rename a user: <see cref="UpdateUserAsync"/> throws <see cref="NotSupportedException"/>
/// when asked to change more than the letter case of a username. Display name and email are written with
/// <c>PUT rest/api/admin/user/{username}</c>, which the Confluence 10 reference documents; the request is only sent
/// when one of them changes, so that older versions without the route keep working for unchanged users.
/// </para>
/// <para>
/// Deleting a user is a long-running task in Confluence; <see cref="DeleteUserAsync"/> waits for it to finish.
/// </para>
/// </remarks>
public sealed class ConfluenceClient : AtlassianProductClient
{
    private const int PageSize = 200;
    private const int MaxTaskPolls = 120;
    private static readonly TimeSpan TaskPollInterval = TimeSpan.FromMilliseconds(500);

    private readonly HttpClient _http;

    /// <summary>Initializes a new instance of the <see cref="ConfluenceClient"/> class.</summary>
    /// <param name="httpClient">
    /// The client, with <see cref="HttpClient.BaseAddress"/> set to Confluence's base address with a trailing slash
    /// (for example <c>https://wiki.example.com/confluence/</c>) and the administrator's authorization header.
    /// </param>
    public ConfluenceClient(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _http = httpClient;
    }

    /// <inheritdoc/>
    public override AtlassianProduct Product => AtlassianProduct.Confluence;

    /// <inheritdoc/>
    public override bool CanDeactivateUsers => true;

    /// <inheritdoc/>
    public override async Task<AtlassianUser?> FindUserAsync(string username, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        using var request = new HttpRequestMessage(HttpMethod.Get, Relative($"rest/api/user?username={Q(username)}&expand=status,details.personal"));
        using var response = await SendAsync(request, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        using var document = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        return ConfluenceJson.ReadUser(document.RootElement);
    }

    /// <inheritdoc/>
    public override async Task<AtlassianUser> CreateUserAsync(AtlassianUserData user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var name = user.Name.ToLowerInvariant();
        var body = new JsonObject
        {
            ["userName"] = name,
            ["fullName"] = user.DisplayName,
            ["email"] = user.Email,

            // The API needs a password unless it emails the user; nobody ever sees this one.
            ["password"] = RandomPassword.Create(),
            ["notifyViaEmail"] = false,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, Relative("rest/api/admin/user")) { Content = Json(body) };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        using var document = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        if (document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("userKey", out var key)
            && key.ValueKind == JsonValueKind.String)
        {
            return new AtlassianUser(key.GetString()!, name, user.DisplayName, user.Email, true);
        }

        // Without the key in the answer, read the user back.
        return await FindUserAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new AtlassianProductException(
                AtlassianProduct.Confluence,
                AtlassianErrorKind.NotFound,
                null,
                [$"Confluence created the user '{name}' but does not find it."]);
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">The username changes: Confluence's REST API cannot rename users.</exception>
    public override async Task<AtlassianUser> UpdateUserAsync(AtlassianUser existing, AtlassianUserData user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(user);
        if (!string.Equals(existing.Name, user.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException(
                $"Confluence's REST API cannot rename the user '{existing.Name}' to '{user.Name}'; rename it in Confluence's administration or its user directory.");
        }

        if (string.Equals(existing.DisplayName, user.DisplayName, StringComparison.Ordinal)
            && string.Equals(existing.Email, user.Email, StringComparison.OrdinalIgnoreCase))
        {
            return existing;
        }

        var body = new JsonObject { ["fullName"] = user.DisplayName, ["email"] = user.Email };
        using var request = new HttpRequestMessage(HttpMethod.Put, Relative($"rest/api/admin/user/{P(existing.Name)}")) { Content = Json(body) };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return existing with { DisplayName = user.DisplayName, Email = user.Email };
    }

    /// <inheritdoc/>
    public override async Task SetActiveAsync(string username, bool active, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        var action = active ? "enable" : "disable";
        using var request = new HttpRequestMessage(HttpMethod.Put, Relative($"rest/api/admin/user/{P(username)}/{action}"));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task DeleteUserAsync(string username, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        string? taskId = null;
        using (var request = new HttpRequestMessage(HttpMethod.Delete, Relative($"rest/api/admin/user/{P(username)}")))
        using (var response = await SendAsync(request, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false))
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return;
            }

            if (response.Content.Headers.ContentLength is not 0)
            {
                using var document = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
                taskId = ConfluenceJson.ReadTaskId(document.RootElement);
            }
        }

        if (taskId is null)
        {
            return;
        }

        // The deletion runs as a long task: wait until Confluence reports it finished.
        for (var poll = 0; poll < MaxTaskPolls; poll++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Relative($"rest/api/longtask/{P(taskId)}"));
            using var response = await SendAsync(request, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                // Confluence forgets finished tasks after a while: a task that is gone has run.
                return;
            }

            using var document = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            var (finished, successful, messages) = ConfluenceJson.ReadTaskStatus(document.RootElement);
            if (finished)
            {
                if (!successful)
                {
                    throw new AtlassianProductException(
                        AtlassianProduct.Confluence,
                        AtlassianErrorKind.Refused,
                        null,
                        messages.Count > 0 ? messages : [$"Confluence could not delete the user '{username}'."]);
                }

                return;
            }

            await Task.Delay(TaskPollInterval, cancellationToken).ConfigureAwait(false);
        }

        throw new AtlassianProductException(
            AtlassianProduct.Confluence,
            AtlassianErrorKind.Unavailable,
            null,
            [$"Confluence's task deleting the user '{username}' did not finish in time."]);
    }

    /// <inheritdoc/>
    public override async Task<bool> EnsureGroupAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        var body = new JsonObject { ["type"] = "group", ["name"] = group };
        using var request = new HttpRequestMessage(HttpMethod.Post, Relative("rest/api/admin/group")) { Content = Json(body) };
        using var response = await SendAsync(request, cancellationToken, HttpStatusCode.Conflict).ConfigureAwait(false);
        return response.StatusCode != HttpStatusCode.Conflict;
    }

    /// <inheritdoc/>
    public override async Task DeleteGroupAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        using var request = new HttpRequestMessage(HttpMethod.Delete, Relative($"rest/api/admin/group/{P(group)}"));
        using var response = await SendAsync(request, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task AddMembersAsync(string group, IReadOnlyCollection<string> usernames, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        ArgumentNullException.ThrowIfNull(usernames);

        // One request per user: Confluence has no bulk membership route, and this one is idempotent.
        foreach (var username in usernames)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, Relative($"rest/api/user/{P(username)}/group/{P(group)}"));
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override async Task RemoveMemberAsync(string group, string username, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        using var request = new HttpRequestMessage(HttpMethod.Delete, Relative($"rest/api/user/{P(username)}/group/{P(group)}"));
        using var response = await SendAsync(request, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<string>> ListGroupMembersAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        return ListAsync($"rest/api/group/{P(group)}/member?", "username", cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<string>> ListGroupsOfUserAsync(string username, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        return ListAsync($"rest/api/user/memberof?username={Q(username)}&", "name", cancellationToken);
    }

    private static Uri Relative(string uri) => new(uri, UriKind.Relative);

    private static string P(string segment) => Uri.EscapeDataString(segment);

    private static string Q(string value) => Uri.EscapeDataString(value);

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<string>> ListAsync(string pathAndQuery, string nameProperty, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var start = 0;
        while (true)
        {
            var uri = string.Create(CultureInfo.InvariantCulture, $"{pathAndQuery}start={start}&limit={PageSize}");
            using var request = new HttpRequestMessage(HttpMethod.Get, Relative(uri));
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            using var document = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            var (page, hasNext) = ConfluenceJson.ReadPage(document.RootElement, nameProperty);
            names.AddRange(page);

            // Confluence may cap the limit below the one asked for: the next link, not the page size, says whether
            // more remain.
            if (!hasNext || page.Count == 0)
            {
                return names;
            }

            start += page.Count;
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, params HttpStatusCode[] accepted)
    {
        request.Headers.Accept.ParseAdd("application/json");
        return AtlassianHttp.SendAsync(_http, request, AtlassianProduct.Confluence, ConfluenceJson.ReadErrors, cancellationToken, accepted);
    }
}
