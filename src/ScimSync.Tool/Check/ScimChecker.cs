// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimSync.Tool.Check;

/// <summary>The outcome of one protocol check.</summary>
internal enum CheckOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>One protocol check: its group and name, what happened, and the measured time.</summary>
internal sealed record CheckResult(string Group, string Name, CheckOutcome Outcome, string Detail, double Milliseconds);

/// <summary>
/// Runs RFC 7643/7644 protocol checks against any SCIM endpoint, in the order an identity provider would: discovery,
/// authentication, error shapes, a lookup of a missing user, then (only with writes allowed) create, read, filter,
/// PATCH, PUT and DELETE of one user and one group with fresh unique names, cleaning up what it created.
/// </summary>
/// <remarks>
/// The request sequences follow the conformance kit in tests/ScimSync.Conformance, which cannot be reused here: it is
/// xunit test code over ASP.NET Core's TestServer, and the tool must check any server without depending on xunit.
/// </remarks>
internal sealed class ScimChecker
{
    private const string ScimMediaType = "application/scim+json";
    private const string ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
    private const string ListResponseSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    private const string PatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    private readonly HttpClient _http;
    private readonly Uri _baseUrl;
    private readonly string _token;
    private readonly bool _includeWrites;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];
    private string? _userId;
    private string? _groupId;

    /// <param name="http">The client to send with (no base address or default headers needed).</param>
    /// <param name="baseUrl">The SCIM base URL, for example <c>https://host/scim/entra/v2</c>.</param>
    /// <param name="token">The bearer token.</param>
    /// <param name="includeWrites">Whether to create, change and delete a user and a group.</param>
    public ScimChecker(HttpClient http, Uri baseUrl, string token, bool includeWrites)
    {
        _http = http;
        _baseUrl = new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/");
        _token = token;
        _includeWrites = includeWrites;
        Checks = BuildChecks();
    }

    /// <summary>Gets the checks in the order they run.</summary>
    public IReadOnlyList<(string Group, string Name, Func<CancellationToken, Task<string>> Run, bool Writes)> Checks { get; }

    private string UserName => $"scimsync-check-{_suffix}@example.com";

    private string GroupName => $"scimsync-check-{_suffix}";

    /// <summary>Runs every check; <paramref name="onResult"/> sees each result as it is known.</summary>
    public async Task<IReadOnlyList<CheckResult>> RunAsync(Action<CheckResult>? onResult, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>(Checks.Count);
        try
        {
            foreach (var (group, name, run, writes) in Checks)
            {
                CheckResult result;
                if (writes && !_includeWrites)
                {
                    result = new CheckResult(group, name, CheckOutcome.Skipped, "writes not allowed (pass --include-writes)", 0);
                }
                else
                {
                    var clock = Stopwatch.StartNew();
                    try
                    {
                        var detail = await run(cancellationToken).ConfigureAwait(false);
                        result = new CheckResult(group, name, CheckOutcome.Passed, detail, clock.Elapsed.TotalMilliseconds);
                    }
                    catch (CheckSkippedException e)
                    {
                        result = new CheckResult(group, name, CheckOutcome.Skipped, e.Message, 0);
                    }
                    catch (CheckFailedException e)
                    {
                        result = new CheckResult(group, name, CheckOutcome.Failed, e.Message, clock.Elapsed.TotalMilliseconds);
                    }
                    catch (HttpRequestException e)
                    {
                        result = new CheckResult(group, name, CheckOutcome.Failed, "request failed: " + e.Message, clock.Elapsed.TotalMilliseconds);
                    }
                    catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        result = new CheckResult(group, name, CheckOutcome.Failed, "timed out", clock.Elapsed.TotalMilliseconds);
                    }
                }

                results.Add(result);
                onResult?.Invoke(result);
            }
        }
        finally
        {
            await CleanUpAsync().ConfigureAwait(false);
        }

        return results;
    }

    private List<(string, string, Func<CancellationToken, Task<string>>, bool)> BuildChecks() =>
    [
        ("discovery", "GET /ServiceProviderConfig", ServiceProviderConfigAsync, false),
        ("discovery", "GET /Schemas", SchemasAsync, false),
        ("discovery", "GET /ResourceTypes", ResourceTypesAsync, false),
        ("errors", "wrong token is 401", WrongTokenAsync, false),
        ("errors", "bad filter is 400 invalidFilter", BadFilterAsync, false),
        ("errors", "unknown id is 404", UnknownIdAsync, false),
        ("users", "lookup of a missing userName", MissingUserAsync, false),
        ("users", "POST /Users", CreateUserAsync, true),
        ("users", "GET /Users/{id}", GetUserAsync, true),
        ("users", "filter userName eq", FilterUserAsync, true),
        ("users", "PATCH replace (deactivate)", PatchUserAsync, true),
        ("users", "PUT /Users/{id}", ReplaceUserAsync, true),
        ("groups", "POST /Groups", CreateGroupAsync, true),
        ("groups", "PATCH add member", AddMemberAsync, true),
        ("groups", "filter displayName eq", FilterGroupAsync, true),
        ("groups", "PATCH remove member", RemoveMemberAsync, true),
        ("groups", "PUT /Groups/{id}", ReplaceGroupAsync, true),
        ("groups", "DELETE /Groups/{id}", DeleteGroupAsync, true),
        ("users", "DELETE /Users/{id}", DeleteUserAsync, true),
    ];

    private async Task<string> ServiceProviderConfigAsync(CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Get, "ServiceProviderConfig", null, cancellationToken).ConfigureAwait(false);
        var body = Expect(response, HttpStatusCode.OK);
        RequireSchema(body, "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
        return string.Create(CultureInfo.InvariantCulture, $"patch {Supported(body, "patch")}, filter {Supported(body, "filter")}, bulk {Supported(body, "bulk")}, etag {Supported(body, "etag")}{MediaTypeNote(response)}");
    }

    private async Task<string> SchemasAsync(CancellationToken cancellationToken)
    {
        var body = Expect(await SendAsync(HttpMethod.Get, "Schemas", null, cancellationToken).ConfigureAwait(false), HttpStatusCode.OK);
        var resources = ListResources(body);
        return resources.Any(r => (string?)r?["id"] == UserSchema)
            ? $"{resources.Count} schemas, including the core User schema"
            : throw new CheckFailedException($"the core User schema ({UserSchema}) is not listed");
    }

    private async Task<string> ResourceTypesAsync(CancellationToken cancellationToken)
    {
        var body = Expect(await SendAsync(HttpMethod.Get, "ResourceTypes", null, cancellationToken).ConfigureAwait(false), HttpStatusCode.OK);
        var names = ListResources(body).Select(r => (string?)r?["name"]).OfType<string>().ToList();
        return names.Contains("User", StringComparer.Ordinal)
            ? string.Join(", ", names)
            : throw new CheckFailedException("no resource type 'User' (found: " + string.Join(", ", names) + ")");
    }

    private async Task<string> WrongTokenAsync(CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Get, "Users?count=1", null, cancellationToken, token: "scimsync-check-wrong-" + _suffix).ConfigureAwait(false);
        if (response.Status != HttpStatusCode.Unauthorized)
        {
            throw new CheckFailedException($"expected 401, got {Describe(response)}");
        }

        var challenge = response.Challenge ? "WWW-Authenticate present" : "no WWW-Authenticate header";
        return HasSchema(response.Body, ErrorSchema) ? $"401 with a SCIM error, {challenge}" : $"401 ({challenge})";
    }

    private async Task<string> BadFilterAsync(CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString("userName eq \"unterminated"), null, cancellationToken).ConfigureAwait(false);
        var body = ExpectError(response, HttpStatusCode.BadRequest);
        var scimType = (string?)body["scimType"];
        return scimType == "invalidFilter"
            ? "400 invalidFilter: " + (string?)body["detail"]
            : throw new CheckFailedException($"expected scimType invalidFilter, got {scimType ?? "none"}");
    }

    private async Task<string> UnknownIdAsync(CancellationToken cancellationToken)
    {
        ExpectError(await SendAsync(HttpMethod.Get, "Users/" + Guid.NewGuid(), null, cancellationToken).ConfigureAwait(false), HttpStatusCode.NotFound);
        return "404 with a SCIM error";
    }

    private async Task<string> MissingUserAsync(CancellationToken cancellationToken)
    {
        var body = Expect(await SendAsync(HttpMethod.Get, FilterPath("Users", "userName", UserName), null, cancellationToken).ConfigureAwait(false), HttpStatusCode.OK);
        var total = ListTotal(body);
        return total == 0 ? "200, an empty ListResponse (as Entra ID's Test Connection expects)" : throw new CheckFailedException($"expected no results, got totalResults {total}");
    }

    private async Task<string> CreateUserAsync(CancellationToken cancellationToken)
    {
        var body = Expect(await SendAsync(HttpMethod.Post, "Users", UserJson("Check User", active: true), cancellationToken).ConfigureAwait(false), HttpStatusCode.Created);
        _userId = (string?)body["id"] ?? throw new CheckFailedException("the created user has no id");
        return string.Equals((string?)body["userName"], UserName, StringComparison.OrdinalIgnoreCase)
            ? "201, id " + _userId
            : throw new CheckFailedException($"userName came back as '{(string?)body["userName"]}'");
    }

    private async Task<string> GetUserAsync(CancellationToken cancellationToken)
    {
        var id = RequireUser();
        var body = Expect(await SendAsync(HttpMethod.Get, "Users/" + id, null, cancellationToken).ConfigureAwait(false), HttpStatusCode.OK);
        return (string?)body["id"] == id ? "200" + (body["meta"]?["version"] is { } version ? ", version " + version : string.Empty) : throw new CheckFailedException("a different id came back");
    }

    private async Task<string> FilterUserAsync(CancellationToken cancellationToken)
    {
        var id = RequireUser();
        var body = Expect(await SendAsync(HttpMethod.Get, FilterPath("Users", "userName", UserName), null, cancellationToken).ConfigureAwait(false), HttpStatusCode.OK);
        var resources = ListResources(body);
        return ListTotal(body) == 1 && resources.Count == 1 && (string?)resources[0]?["id"] == id
            ? "exactly the created user"
            : throw new CheckFailedException($"expected the created user alone, got totalResults {ListTotal(body)}");
    }

    private async Task<string> PatchUserAsync(CancellationToken cancellationToken)
    {
        var id = RequireUser();
        var patch = $$"""{"schemas":["{{PatchSchema}}"],"Operations":[{"op":"replace","path":"displayName","value":"Check User Patched"},{"op":"replace","path":"active","value":false}]}""";
        var response = await SendAsync(HttpMethod.Patch, "Users/" + id, patch, cancellationToken).ConfigureAwait(false);
        if (response.Status is not (HttpStatusCode.OK or HttpStatusCode.NoContent))
        {
            throw new CheckFailedException("expected 200 or 204, got " + Describe(response));
        }

        var read = Expect(await SendAsync(HttpMethod.Get, "Users/" + id, null, cancellationToken).ConfigureAwait(false), HttpStatusCode.OK);
        return (bool?)read["active"] == false && (string?)read["displayName"] == "Check User Patched"
            ? $"{(int)response.Status}; the user reads back deactivated"
            : throw new CheckFailedException("the user does not read back with active false and the new displayName");
    }

    private async Task<string> ReplaceUserAsync(CancellationToken cancellationToken)
    {
        var id = RequireUser();
        var body = Expect(await SendAsync(HttpMethod.Put, "Users/" + id, UserJson("Check User Replaced", active: true), cancellationToken).ConfigureAwait(false), HttpStatusCode.OK);
        return (string?)body["displayName"] == "Check User Replaced" && (bool?)body["active"] == true
            ? "200 with the new displayName"
            : throw new CheckFailedException("the answer does not carry the replaced values");
    }

    private async Task<string> CreateGroupAsync(CancellationToken cancellationToken)
    {
        var body = Expect(await SendAsync(HttpMethod.Post, "Groups", GroupJson(GroupName), cancellationToken).ConfigureAwait(false), HttpStatusCode.Created);
        _groupId = (string?)body["id"] ?? throw new CheckFailedException("the created group has no id");
        return "201, id " + _groupId;
    }

    private async Task<string> AddMemberAsync(CancellationToken cancellationToken)
    {
        var (groupId, userId) = (RequireGroup(), RequireUser());
        var patch = $$"""{"schemas":["{{PatchSchema}}"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{userId}}"}]}]}""";
        var status = ExpectSuccess(await SendAsync(HttpMethod.Patch, "Groups/" + groupId, patch, cancellationToken).ConfigureAwait(false));
        return await HasMemberAsync(groupId, userId, cancellationToken).ConfigureAwait(false)
            ? $"{status}; the group lists the user"
            : throw new CheckFailedException("the group does not list the added member");
    }

    private async Task<string> FilterGroupAsync(CancellationToken cancellationToken)
    {
        var groupId = RequireGroup();
        var body = Expect(await SendAsync(HttpMethod.Get, FilterPath("Groups", "displayName", GroupName) + "&excludedAttributes=members", null, cancellationToken).ConfigureAwait(false), HttpStatusCode.OK);
        var resources = ListResources(body);
        return resources.Count == 1 && (string?)resources[0]?["id"] == groupId
            ? "exactly the created group"
            : throw new CheckFailedException($"expected the created group alone, got totalResults {ListTotal(body)}");
    }

    private async Task<string> RemoveMemberAsync(CancellationToken cancellationToken)
    {
        var (groupId, userId) = (RequireGroup(), RequireUser());
        var patch = $$"""{"schemas":["{{PatchSchema}}"],"Operations":[{"op":"remove","path":"members[value eq \"{{userId}}\"]"}]}""";
        var status = ExpectSuccess(await SendAsync(HttpMethod.Patch, "Groups/" + groupId, patch, cancellationToken).ConfigureAwait(false));
        return await HasMemberAsync(groupId, userId, cancellationToken).ConfigureAwait(false)
            ? throw new CheckFailedException("the group still lists the removed member")
            : $"{status}; the member is gone";
    }

    private async Task<string> ReplaceGroupAsync(CancellationToken cancellationToken)
    {
        var groupId = RequireGroup();
        var body = Expect(await SendAsync(HttpMethod.Put, "Groups/" + groupId, GroupJson(GroupName + "-renamed"), cancellationToken).ConfigureAwait(false), HttpStatusCode.OK);
        return (string?)body["displayName"] == GroupName + "-renamed" ? "200 with the new displayName" : throw new CheckFailedException("the answer does not carry the new displayName");
    }

    private async Task<string> DeleteGroupAsync(CancellationToken cancellationToken)
    {
        var groupId = RequireGroup();
        return await DeleteAndConfirmAsync("Groups/" + groupId, () => _groupId = null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> DeleteUserAsync(CancellationToken cancellationToken)
    {
        var userId = RequireUser();
        return await DeleteAndConfirmAsync("Users/" + userId, () => _userId = null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> DeleteAndConfirmAsync(string path, Action deleted, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Delete, path, null, cancellationToken).ConfigureAwait(false);
        if (response.Status != HttpStatusCode.NoContent)
        {
            throw new CheckFailedException("expected 204, got " + Describe(response));
        }

        deleted();
        var read = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return read.Status == HttpStatusCode.NotFound ? "204; then 404" : throw new CheckFailedException("deleted, but a read answers " + Describe(read));
    }

    private async Task<bool> HasMemberAsync(string groupId, string userId, CancellationToken cancellationToken)
    {
        var group = Expect(await SendAsync(HttpMethod.Get, "Groups/" + groupId, null, cancellationToken).ConfigureAwait(false), HttpStatusCode.OK);
        return group["members"] is JsonArray members && members.Any(m => (string?)m?["value"] == userId);
    }

    private async Task CleanUpAsync()
    {
        // Best effort, also after a failure or cancellation: never leave check resources behind if it can be helped.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var path in new[] { _groupId is null ? null : "Groups/" + _groupId, _userId is null ? null : "Users/" + _userId })
        {
            if (path is null)
            {
                continue;
            }

            try
            {
                await SendAsync(HttpMethod.Delete, path, null, timeout.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Cleanup must not hide the report.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private string UserJson(string displayName, bool active) => $$"""
        {"schemas":["{{UserSchema}}"],"userName":"{{UserName}}","displayName":"{{displayName}}","active":{{(active ? "true" : "false")}},
         "name":{"givenName":"Check","familyName":"User"},"emails":[{"value":"{{UserName}}","type":"work","primary":true}]}
        """;

    private static string GroupJson(string displayName) => $$"""{"schemas":["{{GroupSchema}}"],"displayName":"{{displayName}}"}""";

    private static string FilterPath(string endpoint, string attribute, string value) =>
        endpoint + "?filter=" + Uri.EscapeDataString($"{attribute} eq \"{value}\"");

    private string RequireUser() => _userId ?? throw new CheckSkippedException("needs the user from POST /Users");

    private string RequireGroup() => _groupId ?? throw new CheckSkippedException("needs the group from POST /Groups");

    private static JsonObject Expect(Response response, HttpStatusCode status)
    {
        if (response.Status != status)
        {
            throw new CheckFailedException($"expected {(int)status}, got {Describe(response)}");
        }

        return response.Body ?? throw new CheckFailedException($"{(int)status} without a JSON object body");
    }

    private static int ExpectSuccess(Response response) =>
        response.Status is HttpStatusCode.OK or HttpStatusCode.NoContent ? (int)response.Status : throw new CheckFailedException("expected 200 or 204, got " + Describe(response));

    private static JsonObject ExpectError(Response response, HttpStatusCode status)
    {
        var body = Expect(response, status);
        return HasSchema(body, ErrorSchema) ? body : throw new CheckFailedException($"{(int)status}, but the body lacks the SCIM error schema");
    }

    private static List<JsonNode?> ListResources(JsonObject body)
    {
        if (!HasSchema(body, ListResponseSchema))
        {
            throw new CheckFailedException("not a ListResponse (schemas lacks " + ListResponseSchema + ")");
        }

        return body["Resources"] is JsonArray resources ? [.. resources] : [];
    }

    private static int ListTotal(JsonObject body)
    {
        ListResources(body);
        return body["totalResults"] is JsonValue total && total.TryGetValue<int>(out var value)
            ? value
            : throw new CheckFailedException("the ListResponse has no integer totalResults");
    }

    private static void RequireSchema(JsonObject body, string schema)
    {
        if (!HasSchema(body, schema))
        {
            throw new CheckFailedException("schemas lacks " + schema);
        }
    }

    private static bool HasSchema(JsonObject? body, string schema) =>
        body?["schemas"] is JsonArray schemas && schemas.Any(s => (string?)s == schema);

    private static string Supported(JsonObject body, string feature) =>
        body[feature]?["supported"] is JsonValue value && value.TryGetValue<bool>(out var supported) ? (supported ? "yes" : "no") : "?";

    private static string MediaTypeNote(Response response) =>
        response.MediaType == ScimMediaType ? string.Empty : $" (served as {response.MediaType ?? "no media type"}, not {ScimMediaType})";

    private static string Describe(Response response)
    {
        var text = ((int)response.Status).ToString(CultureInfo.InvariantCulture);
        if (response.Body is { } body && HasSchema(body, ErrorSchema))
        {
            text += (string?)body["scimType"] is { } scimType ? " " + scimType : string.Empty;
            text += (string?)body["detail"] is { } detail ? ": " + detail : string.Empty;
        }

        return text;
    }

    private async Task<Response> SendAsync(HttpMethod method, string path, string? json, CancellationToken cancellationToken, string? token = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? _token);
        request.Headers.Accept.ParseAdd(ScimMediaType);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, ScimMediaType);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonObject? body = null;
        if (text.Length > 0)
        {
            try
            {
                body = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
                // Not JSON: the checks report the missing body.
            }
        }

        return new Response(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType, response.Headers.WwwAuthenticate.Count > 0);
    }

    private sealed record Response(HttpStatusCode Status, JsonObject? Body, string? MediaType, bool Challenge);

    private sealed class CheckFailedException(string message) : Exception(message);

    private sealed class CheckSkippedException(string message) : Exception(message);
}
