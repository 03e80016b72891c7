// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Atlassian.Products;

namespace ScimSync.Atlassian.Bitbucket;

/// <summary>
/// Bitbucket Data Center's user and group administration over its REST API (<c>rest/api/latest/admin/users</c> and
/// <c>rest/api/latest/admin/groups</c>, the "Permission management" group of the reference).
/// </summary>
/// <remarks>
/// <para>
/// Bitbucket's REST API cannot deactivate a user (a user is active or not in its user directory), so
/// <see cref="CanDeactivateUsers"/> is <see langword="false"/> and <see cref="SetActiveAsync"/> throws
/// <see cref="NotSupportedException"/>. It can rename users (<c>POST admin/users/rename</c>) and update their display
/// name and email (<c>PUT admin/users</c>).
/// </para>
/// <para>
/// Users are created without being added to Bitbucket's default group (<c>addToDefaultGroup=false</c>): the groups
/// ScimSync is configured with decide what they may do.
/// </para>
/// </remarks>
public sealed class BitbucketClient : AtlassianProductClient
{
    private const int PageSize = 100;
    private const int AddChunk = 100;

    private readonly HttpClient _http;

    /// <summary>Initializes a new instance of the <see cref="BitbucketClient"/> class.</summary>
    /// <param name="httpClient">
    /// The client, with <see cref="HttpClient.BaseAddress"/> set to Bitbucket's base address with a trailing slash
    /// (for example <c>https://git.example.com/bitbucket/</c>) and the administrator's authorization header.
    /// </param>
    public BitbucketClient(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _http = httpClient;
    }

    /// <inheritdoc/>
    public override AtlassianProduct Product => AtlassianProduct.Bitbucket;

    /// <inheritdoc/>
    public override bool CanDeactivateUsers => false;

    /// <inheritdoc/>
    public override async Task<AtlassianUser?> FindUserAsync(string username, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);

        // The filter matches usernames, display names and emails containing the text: page until the exact name.
        var start = 0;
        while (true)
        {
            var uri = string.Create(CultureInfo.InvariantCulture, $"rest/api/latest/admin/users?filter={Q(username)}&start={start}&limit={PageSize}");
            using var request = new HttpRequestMessage(HttpMethod.Get, Relative(uri));
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            using var document = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            var page = document.RootElement;
            if (page.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array)
            {
                foreach (var value in values.EnumerateArray())
                {
                    var user = BitbucketJson.ReadUser(value);
                    if (string.Equals(user.Name, username, StringComparison.OrdinalIgnoreCase))
                    {
                        return user;
                    }
                }
            }

            if (BitbucketJson.NextPageStart(page) is not { } next || next <= start)
            {
                return null;
            }

            start = next;
        }
    }

    /// <inheritdoc/>
    public override async Task<AtlassianUser> CreateUserAsync(AtlassianUserData user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);

        // Bitbucket takes the new user in query parameters; it needs a password unless it emails the user.
        var uri = "rest/api/latest/admin/users"
            + $"?name={Q(user.Name)}"
            + $"&password={Q(RandomPassword.Create())}"
            + $"&displayName={Q(user.DisplayName)}"
            + $"&emailAddress={Q(user.Email)}"
            + "&addToDefaultGroup=false"
            + "&notify=false";
        using (var request = new HttpRequestMessage(HttpMethod.Post, Relative(uri)))
        using (await SendAsync(request, cancellationToken).ConfigureAwait(false))
        {
        }

        // 204 without a body: read the user back for its id.
        return await FindUserAsync(user.Name, cancellationToken).ConfigureAwait(false)
            ?? throw new AtlassianProductException(
                AtlassianProduct.Bitbucket,
                AtlassianErrorKind.NotFound,
                null,
                [$"Bitbucket created the user '{user.Name}' but does not list it."]);
    }

    /// <inheritdoc/>
    public override async Task<AtlassianUser> UpdateUserAsync(AtlassianUser existing, AtlassianUserData user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(user);
        var current = existing;
        if (!string.Equals(existing.Name, user.Name, StringComparison.Ordinal))
        {
            var rename = new JsonObject { ["name"] = existing.Name, ["newName"] = user.Name };
            using var request = new HttpRequestMessage(HttpMethod.Post, Relative("rest/api/latest/admin/users/rename")) { Content = Json(rename) };
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            using var document = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            current = BitbucketJson.ReadUser(document.RootElement);
        }

        if (string.Equals(current.DisplayName, user.DisplayName, StringComparison.Ordinal)
            && string.Equals(current.Email, user.Email, StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        var update = new JsonObject { ["name"] = current.Name, ["displayName"] = user.DisplayName, ["email"] = user.Email };
        using (var request = new HttpRequestMessage(HttpMethod.Put, Relative("rest/api/latest/admin/users")) { Content = Json(update) })
        using (var response = await SendAsync(request, cancellationToken).ConfigureAwait(false))
        {
            using var document = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            return BitbucketJson.ReadUser(document.RootElement);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: Bitbucket's REST API cannot deactivate users.</exception>
    public override Task SetActiveAsync(string username, bool active, CancellationToken cancellationToken) =>
        throw new NotSupportedException(
            "Bitbucket Data Center's REST API cannot activate or deactivate users; remove the user from every group instead, or deactivate it in its user directory.");

    /// <inheritdoc/>
    public override async Task DeleteUserAsync(string username, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        using var request = new HttpRequestMessage(HttpMethod.Delete, Relative($"rest/api/latest/admin/users?name={Q(username)}"));
        using var response = await SendAsync(request, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<bool> EnsureGroupAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        using var request = new HttpRequestMessage(HttpMethod.Post, Relative($"rest/api/latest/admin/groups?name={Q(group)}"));
        using var response = await SendAsync(request, cancellationToken, HttpStatusCode.Conflict).ConfigureAwait(false);
        return response.StatusCode != HttpStatusCode.Conflict;
    }

    /// <inheritdoc/>
    public override async Task DeleteGroupAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        using var request = new HttpRequestMessage(HttpMethod.Delete, Relative($"rest/api/latest/admin/groups?name={Q(group)}"));
        using var response = await SendAsync(request, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task AddMembersAsync(string group, IReadOnlyCollection<string> usernames, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        ArgumentNullException.ThrowIfNull(usernames);
        foreach (var chunk in usernames.Chunk(AddChunk))
        {
            var users = new JsonArray();
            foreach (var username in chunk)
            {
                users.Add(username);
            }

            var body = new JsonObject { ["group"] = group, ["users"] = users };
            using var request = new HttpRequestMessage(HttpMethod.Post, Relative("rest/api/latest/admin/groups/add-users")) { Content = Json(body) };
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override async Task RemoveMemberAsync(string group, string username, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        ArgumentException.ThrowIfNullOrWhiteSpace(username);

        // In this route's entity the context is the user and the item the group.
        var body = new JsonObject { ["context"] = username, ["itemName"] = group };
        using var request = new HttpRequestMessage(HttpMethod.Post, Relative("rest/api/latest/admin/users/remove-group")) { Content = Json(body) };
        using var response = await SendAsync(request, cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<string>> ListGroupMembersAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        return ListAsync($"rest/api/latest/admin/groups/more-members?context={Q(group)}", cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<string>> ListGroupsOfUserAsync(string username, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        return ListAsync($"rest/api/latest/admin/users/more-members?context={Q(username)}", cancellationToken);
    }

    private static Uri Relative(string uri) => new(uri, UriKind.Relative);

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

    private async Task<IReadOnlyList<string>> ListAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var start = 0;
        while (true)
        {
            var uri = string.Create(CultureInfo.InvariantCulture, $"{pathAndQuery}&start={start}&limit={PageSize}");
            using var request = new HttpRequestMessage(HttpMethod.Get, Relative(uri));
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            using var document = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            var page = document.RootElement;
            names.AddRange(BitbucketJson.ReadNames(page));
            if (BitbucketJson.NextPageStart(page) is not { } next || next <= start)
            {
                return names;
            }

            start = next;
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, params HttpStatusCode[] accepted)
    {
        request.Headers.Accept.ParseAdd("application/json");

        // Bitbucket refuses state-changing requests without this header when XSRF protection applies.
        request.Headers.TryAddWithoutValidation("X-Atlassian-Token", "no-check");
        return AtlassianHttp.SendAsync(_http, request, AtlassianProduct.Bitbucket, BitbucketJson.ReadErrors, cancellationToken, accepted);
    }
}
