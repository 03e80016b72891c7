// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace ScimSync.MicrosoftGraph.Emulator;

/// <content>The routes: the token endpoint and Graph's users, groups, delta and members.</content>
public sealed partial class GraphEmulator
{
    private async Task HandleAsync(HttpContext context)
    {
        if (Down)
        {
            context.Abort();
            return;
        }

        var path = context.Request.Path.Value ?? "/";
        var tokenRoute = TokenPath().Match(path);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var route = tokenRoute.Success ? "token" : RouteName(segments);
        _requests.AddOrUpdate(route, 1, (_, n) => n + 1);
        if (!tokenRoute.Success)
        {
            _log.Enqueue(path + context.Request.QueryString.Value);
        }
        else
        {
            Interlocked.Increment(ref _tokenRequests);
        }

        if (NextFault() is { } fault)
        {
            if (fault.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            var code = fault.Status switch
            {
                HttpStatusCode.TooManyRequests => "TooManyRequests",
                HttpStatusCode.ServiceUnavailable => "serviceNotAvailable",
                _ => "generalException",
            };
            await WriteErrorAsync(context, fault.Status, code, "Injected fault.").ConfigureAwait(false);
            return;
        }

        if (tokenRoute.Success)
        {
            await TokenAsync(context, Uri.UnescapeDataString(tokenRoute.Groups["tenant"].Value)).ConfigureAwait(false);
            return;
        }

        if (segments.Length < 2 || segments[0] != "v1.0")
        {
            await WriteErrorAsync(context, HttpStatusCode.NotFound, "Request_ResourceNotFound", $"No route for '{path}'.").ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await WriteErrorAsync(context, HttpStatusCode.MethodNotAllowed, "Request_BadRequest", "The emulator serves GET only on Graph routes.").ConfigureAwait(false);
            return;
        }

        if (RequireBearer && !HasValidToken(context, out var problem))
        {
            await WriteErrorAsync(context, HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", problem).ConfigureAwait(false);
            return;
        }

        if (DenyAccess)
        {
            await WriteErrorAsync(context, HttpStatusCode.Forbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.").ConfigureAwait(false);
            return;
        }

        var (status, body) = route switch
        {
            "users/delta" => UsersDelta(context.Request.Query),
            "groups/delta" => GroupsDelta(context.Request.Query),
            "users" => ListUsers(context.Request.Query),
            "users/{id}" => GetUserByKey(Uri.UnescapeDataString(segments[2]), context.Request.Query),
            "groups/{id}" => GetGroup(Uri.UnescapeDataString(segments[2]), context.Request.Query),
            "groups/{id}/members" => Members(segments[2], segments.Length == 5, context.Request.Query),
            _ => (HttpStatusCode.NotFound, Error("Request_ResourceNotFound", $"No route for '{path}'.")),
        };
        await WriteAsync(context, status, body).ConfigureAwait(false);
    }

    private static string RouteName(string[] s) => s.Length switch
    {
        3 when s[0] == "v1.0" && s[2] == "delta" => s[1] + "/delta",
        2 when s[0] == "v1.0" && s[1] == "users" => "users",
        3 when s[0] == "v1.0" && s[1] is "users" or "groups" => s[1] + "/{id}",
        4 or 5 when s[0] == "v1.0" && s[1] == "groups" && s[3] == "members" && (s.Length == 4 || s[4] == "microsoft.graph.user") => "groups/{id}/members",
        _ => "other",
    };

    private (HttpStatusCode Status, TimeSpan? RetryAfter)? NextFault()
    {
        lock (_gate)
        {
            if (_failCount <= 0)
            {
                return null;
            }

            _failCount--;
            return (_failStatus, _failRetryAfter);
        }
    }

    private bool HasValidToken(HttpContext context, out string problem)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            problem = "Access token is empty.";
            return false;
        }

        if (!_tokens.TryGetValue(header[7..].Trim(), out var expiresAt) || expiresAt <= _time.GetUtcNow())
        {
            problem = "Access token has expired or is not yet valid.";
            return false;
        }

        problem = string.Empty;
        return true;
    }

    // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow (request, success and
    // error responses) and https://learn.microsoft.com/en-us/entra/identity-platform/certificate-credentials (assertion).
    private async Task TokenAsync(HttpContext context, string tenant)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType)
        {
            await WriteTokenErrorAsync(context, HttpStatusCode.BadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.").ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync().ConfigureAwait(false);
        var clientId = form["client_id"].ToString();
        string? secret;
        X509Certificate2? certificate;
        lock (_gate)
        {
            secret = _secrets.GetValueOrDefault(clientId);
            certificate = _certificates.GetValueOrDefault(clientId);
        }

        var refusal = !string.Equals(tenant, TenantId, StringComparison.OrdinalIgnoreCase)
            ? (HttpStatusCode.BadRequest, "invalid_request", 90002, $"Tenant '{tenant}' not found.")
            : form["grant_type"] != "client_credentials"
            ? (HttpStatusCode.BadRequest, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.")
            : !form["scope"].ToString().EndsWith("/.default", StringComparison.Ordinal)
            ? (HttpStatusCode.BadRequest, "invalid_scope", 1002012, "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.")
            : secret is null && certificate is null
            ? (HttpStatusCode.BadRequest, "unauthorized_client", 700016, $"Application with identifier '{clientId}' was not found in the directory '{tenant}'.")
            : CheckCredentialSafely(context, form, clientId, tenant, secret, certificate);
        if (refusal is { } r)
        {
            await WriteTokenErrorAsync(context, r.Item1, r.Item2, r.Item3, r.Item4).ConfigureAwait(false);
            return;
        }

        var token = "emu." + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var lifetime = TokenLifetime;
        _tokens[token] = _time.GetUtcNow() + lifetime;
        var seconds = (long)lifetime.TotalSeconds;
        await WriteAsync(context, HttpStatusCode.OK, new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = seconds,
            ["ext_expires_in"] = seconds,
            ["access_token"] = token,
        }).ConfigureAwait(false);
    }

    private (HttpStatusCode, string, int, string)? CheckCredentialSafely(HttpContext context, IFormCollection form, string clientId, string tenant, string? secret, X509Certificate2? certificate)
    {
        try
        {
            return CheckCredential(context, form, clientId, tenant, secret, certificate);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or CryptographicException)
        {
            // An assertion the emulator cannot read (a claim of the wrong type): a 400, as the real endpoint would.
            return (HttpStatusCode.BadRequest, "invalid_request", 50027, "Invalid JWT token. " + e.Message);
        }
    }

    private (HttpStatusCode, string, int, string)? CheckCredential(HttpContext context, IFormCollection form, string clientId, string tenant, string? secret, X509Certificate2? certificate)
    {
        if (form.ContainsKey("client_secret"))
        {
            return secret is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(form["client_secret"].ToString()))
                ? null
                : (HttpStatusCode.Unauthorized, "invalid_client", 7000215, $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.");
        }

        if (!form.ContainsKey("client_assertion"))
        {
            return (HttpStatusCode.Unauthorized, "invalid_client", 7000216, "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
        }

        if (form["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        {
            return (HttpStatusCode.BadRequest, "invalid_request", 700023, "Client assertion type is not supported.");
        }

        var parts = form["client_assertion"].ToString().Split('.');
        JsonObject? header = null;
        JsonObject? claims = null;
        byte[]? signature = null;
        try
        {
            if (parts.Length == 3)
            {
                header = JsonNode.Parse(FromBase64Url(parts[0])) as JsonObject;
                claims = JsonNode.Parse(FromBase64Url(parts[1])) as JsonObject;
                signature = FromBase64Url(parts[2]);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
        }

        if (header is null || claims is null || signature is null)
        {
            return (HttpStatusCode.BadRequest, "invalid_request", 50027, "Invalid JWT token. The token is not in a valid format.");
        }

        using var key = certificate?.GetRSAPublicKey();
        var thumbprintMatches = certificate is not null
            && ((header["x5t#S256"] as JsonValue)?.GetValue<string>() == ToBase64Url(certificate.GetCertHash(HashAlgorithmName.SHA256))
                || (header["x5t"] as JsonValue)?.GetValue<string>() == ToBase64Url(certificate.GetCertHash()));
        // RS256 or PS256 (MSAL signs with PS256).
        var padding = (header["alg"] as JsonValue)?.GetValue<string>() switch
        {
            "RS256" => RSASignaturePadding.Pkcs1,
            "PS256" => RSASignaturePadding.Pss,
            _ => null,
        };
        if (key is null || !thumbprintMatches || padding is null
            || !key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, padding))
        {
            return (HttpStatusCode.Unauthorized, "invalid_client", 700027, "Client assertion failed signature validation.");
        }

        var audience = $"{context.Request.Scheme}://{context.Request.Host}/{tenant}/oauth2/v2.0/token";
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var exp = UnixTime(claims["exp"]);
        var nbf = UnixTime(claims["nbf"]);
        if (!string.Equals((claims["aud"] as JsonValue)?.GetValue<string>(), audience, StringComparison.OrdinalIgnoreCase))
        {
            return (HttpStatusCode.BadRequest, "invalid_client", 700212, "No matching federated identity record found for presented assertion audience.");
        }

        if ((claims["iss"] as JsonValue)?.GetValue<string>() != clientId || (claims["sub"] as JsonValue)?.GetValue<string>() != clientId)
        {
            return (HttpStatusCode.Unauthorized, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
        }

        return exp <= now || nbf > now + 300
            ? (HttpStatusCode.BadRequest, "invalid_client", 700024, "Client assertion is not within its valid time range.")
            : null;
    }

    // NumericDate (RFC 7519 §2) is a number; MSAL's assertions carry it as a string of digits: accept both.
    private static long UnixTime(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue<long>(out var n) ? n : long.TryParse(v.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out n) ? n : 0
        : 0;

    private (HttpStatusCode, JsonNode) UsersDelta(IQueryCollection query)
    {
        lock (_gate)
        {
            if (!TryStartRound("users", query, out var state, out var failure))
            {
                return failure;
            }

            var rows = new List<JsonObject>();
            foreach (var user in _users.Values.OrderBy(u => u.Created))
            {
                if (state.Since < 0)
                {
                    if (user.State == EntryState.Active)
                    {
                        rows.Add(Project(user, state.Select));
                    }

                    continue;
                }

                if (user.State != EntryState.Active)
                {
                    // user-delta: "@removed" with reason "changed" (in the deleted items, restorable) or "deleted" (permanently).
                    if (user.StateVersion > state.Since && user.Created <= state.Since)
                    {
                        rows.Add(new JsonObject { ["id"] = user.Id, ["@removed"] = new JsonObject { ["reason"] = user.State == EntryState.SoftDeleted ? "changed" : "deleted" } });
                    }

                    continue;
                }

                if (user.Created > state.Since || user.StateVersion > state.Since)
                {
                    rows.Add(Project(user, state.Select));
                    continue;
                }

                // Later rounds carry the changed properties (among those selected) only.
                var changed = user.Versions.Where(v => v.Value > state.Since).Select(v => v.Key)
                    .Where(p => state.Select.Length == 0 || state.Select.Contains(p, StringComparer.OrdinalIgnoreCase)).ToArray();
                if (changed.Length > 0)
                {
                    rows.Add(Project(user, changed));
                }
            }

            return Page("users", rows, state);
        }
    }

    private (HttpStatusCode, JsonNode) GroupsDelta(IQueryCollection query)
    {
        lock (_gate)
        {
            if (!TryStartRound("groups", query, out var state, out var failure))
            {
                return failure;
            }

            var withMembers = state.Select.Length == 0 || state.Select.Contains("members", StringComparer.OrdinalIgnoreCase);
            var withName = state.Select.Length == 0 || state.Select.Contains("displayName", StringComparer.OrdinalIgnoreCase);
            var rows = new List<JsonObject>();
            foreach (var group in _groups.Values.OrderBy(g => g.Created))
            {
                if (state.Filter.Length > 0 && !state.Filter.Contains(group.Id, StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                var full = state.Since < 0 || group.Created > state.Since;
                if (group.Deleted)
                {
                    if (state.Since >= 0 && group.DeletedVersion > state.Since && group.Created <= state.Since)
                    {
                        rows.Add(new JsonObject { ["id"] = group.Id, ["@removed"] = new JsonObject { ["reason"] = "deleted" } });
                    }

                    continue;
                }

                var members = withMembers
                    ? group.Members.Where(m => full ? m.Value.Present : m.Value.Version > state.Since).OrderBy(m => m.Value.Version)
                        .Select(m => m.Value.Present
                            ? new JsonObject { ["@odata.type"] = m.Value.Type, ["id"] = m.Key }
                            : new JsonObject { ["@odata.type"] = m.Value.Type, ["id"] = m.Key, ["@removed"] = new JsonObject { ["reason"] = "deleted" } })
                        .ToList()
                    : [];
                var nameChanged = withName && (full || group.NameVersion > state.Since);
                if (!full && !nameChanged && members.Count == 0)
                {
                    continue;
                }

                // A group with more members than a page holds is spread over several pages, as Graph does.
                var chunks = members.Chunk(Math.Max(1, state.Top)).ToList();
                if (chunks.Count == 0)
                {
                    chunks.Add([]);
                }

                for (var i = 0; i < chunks.Count; i++)
                {
                    var row = new JsonObject { ["id"] = group.Id };
                    if (i == 0 && nameChanged)
                    {
                        row["displayName"] = group.DisplayName;
                    }

                    if (withMembers && (chunks[i].Length > 0 || full))
                    {
                        row["members@delta"] = new JsonArray([.. chunks[i]]);
                    }

                    rows.Add(row);
                }
            }

            return Page("groups", rows, state);
        }
    }

    private (HttpStatusCode, JsonNode) ListUsers(IQueryCollection query)
    {
        var filter = query["$filter"].ToString();
        var match = UpnFilter().Match(filter);
        if (!match.Success)
        {
            return (HttpStatusCode.BadRequest, Error("Request_UnsupportedQuery", "The emulator supports only $filter=userPrincipalName eq '…'."));
        }

        var upn = match.Groups["upn"].Value.Replace("''", "'", StringComparison.Ordinal);
        lock (_gate)
        {
            var select = Select(query);
            var found = _users.Values.Where(u => u.State == EntryState.Active
                && string.Equals((u.Properties["userPrincipalName"] as JsonValue)?.GetValue<string>(), upn, StringComparison.OrdinalIgnoreCase));
            return (HttpStatusCode.OK, new JsonObject
            {
                ["@odata.context"] = $"{GraphBase}/$metadata#users",
                ["value"] = new JsonArray([.. found.Select(u => Project(u, select))]),
            });
        }
    }

    private (HttpStatusCode, JsonNode) GetUserByKey(string key, IQueryCollection query)
    {
        lock (_gate)
        {
            var user = _users.TryGetValue(key, out var byId) ? byId
                : _users.Values.FirstOrDefault(u => string.Equals((u.Properties["userPrincipalName"] as JsonValue)?.GetValue<string>(), key, StringComparison.OrdinalIgnoreCase));
            return user is { State: EntryState.Active }
                ? (HttpStatusCode.OK, Project(user, Select(query)))
                : (HttpStatusCode.NotFound, Error("Request_ResourceNotFound", $"Resource '{key}' does not exist or one of its queried reference-property objects are not present."));
        }
    }

    private (HttpStatusCode, JsonNode) GetGroup(string id, IQueryCollection query)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(id, out var group) || group.Deleted)
            {
                return (HttpStatusCode.NotFound, Error("Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present."));
            }

            _ = query;
            return (HttpStatusCode.OK, new JsonObject { ["id"] = group.Id, ["displayName"] = group.DisplayName });
        }
    }

    private (HttpStatusCode, JsonNode) Members(string id, bool usersOnly, IQueryCollection query)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(Uri.UnescapeDataString(id), out var group) || group.Deleted)
            {
                return (HttpStatusCode.NotFound, Error("Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present."));
            }

            var select = Select(query);
            var members = new List<JsonObject>();
            foreach (var (memberId, member) in group.Members.Where(m => m.Value.Present).OrderBy(m => m.Value.Version))
            {
                if (member.Type == UserODataType && _users.TryGetValue(memberId, out var user) && user.State == EntryState.Active)
                {
                    var row = Project(user, select);
                    row["@odata.type"] = UserODataType;
                    members.Add(row);
                }
                else if (!usersOnly && member.Type == GroupODataType && _groups.TryGetValue(memberId, out var nested) && !nested.Deleted)
                {
                    members.Add(new JsonObject { ["@odata.type"] = GroupODataType, ["id"] = nested.Id, ["displayName"] = nested.DisplayName });
                }
            }

            var top = Top(query);
            var offset = int.TryParse(query["$skiptoken"], NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
            var page = new JsonObject { ["@odata.context"] = $"{GraphBase}/$metadata#directoryObjects", ["value"] = new JsonArray([.. members.Skip(offset).Take(top)]) };
            if (offset + top < members.Count)
            {
                var cast = usersOnly ? "/microsoft.graph.user" : string.Empty;
                page["@odata.nextLink"] = $"{GraphBase}/groups/{group.Id}/members{cast}?$select={Uri.EscapeDataString(string.Join(',', select))}&$top={top}&$skiptoken={offset + top}";
            }

            return (HttpStatusCode.OK, page);
        }
    }

    private bool TryStartRound(string kind, IQueryCollection query, out DeltaState state, out (HttpStatusCode, JsonNode) failure)
    {
        failure = default;
        var token = query.ContainsKey("$skiptoken") ? query["$skiptoken"].ToString() : query.ContainsKey("$deltatoken") ? query["$deltatoken"].ToString() : null;
        if (token is null)
        {
            var filter = query["$filter"].ToString();
            var ids = IdFilter().Matches(filter).Select(m => m.Groups["id"].Value).ToArray();
            if (filter.Length > 0 && ids.Length == 0)
            {
                state = null!;
                failure = (HttpStatusCode.BadRequest, Error("Request_UnsupportedQuery", "Delta supports $filter on id only ('id eq …' joined by 'or')."));
                return false;
            }

            state = new DeltaState(kind, _epoch, -1, _version, 0, Select(query), Top(query), ids);
            return true;
        }

        DeltaState? decoded;
        try
        {
            decoded = JsonSerializer.Deserialize(FromBase64Url(token), EmulatorJsonContext.Default.DeltaState);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            decoded = null;
        }

        if (decoded is null || decoded.Kind != kind)
        {
            state = null!;
            failure = (HttpStatusCode.BadRequest, Error("badRequest", "The delta or skip token cannot be read."));
            return false;
        }

        if (decoded.Epoch != _epoch)
        {
            state = null!;
            failure = _expiredStatus == HttpStatusCode.Gone
                ? (HttpStatusCode.Gone, Error("resyncRequired", "Resync required. Replace any local items with the server's versions and start again."))
                : (_expiredStatus, Error("syncStateNotFound", "The sync state generation is not found. The delta token is expired and data must be synchronized again."));
            return false;
        }

        // A delta token starts a new round from the snapshot it was issued at; a skip token continues a round.
        state = query.ContainsKey("$deltatoken") ? decoded with { Since = decoded.Snapshot, Snapshot = _version, Offset = 0 } : decoded;
        return true;
    }

    private (HttpStatusCode, JsonNode) Page(string kind, List<JsonObject> rows, DeltaState state)
    {
        var page = new JsonObject { ["@odata.context"] = $"{GraphBase}/$metadata#{kind}", ["value"] = new JsonArray([.. rows.Skip(state.Offset).Take(state.Top)]) };
        if (state.Offset + state.Top < rows.Count)
        {
            page["@odata.nextLink"] = $"{GraphBase}/{kind}/delta?$skiptoken={Encode(state with { Offset = state.Offset + state.Top })}";
        }
        else
        {
            page["@odata.deltaLink"] = $"{GraphBase}/{kind}/delta?$deltatoken={Encode(state with { Offset = 0 })}";
        }

        return (HttpStatusCode.OK, page);
    }

    private string GraphBase => GraphBaseAddress.AbsoluteUri.TrimEnd('/');

    private static string Encode(DeltaState state) => ToBase64Url(JsonSerializer.SerializeToUtf8Bytes(state, EmulatorJsonContext.Default.DeltaState));

    private static string[] Select(IQueryCollection query) =>
        query["$select"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int Top(IQueryCollection query) =>
        int.TryParse(query["$top"], NumberStyles.None, CultureInfo.InvariantCulture, out var top) ? Math.Clamp(top, 1, 999) : 100;

    private static JsonObject Project(UserRecord user, string[] select)
    {
        if (select.Length == 0)
        {
            return (JsonObject)user.Properties.DeepClone();
        }

        var row = new JsonObject { ["id"] = user.Id };
        foreach (var property in select)
        {
            var name = user.Properties.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, property, StringComparison.OrdinalIgnoreCase)) ?? property;
            row[name] = user.Properties[name]?.DeepClone();
        }

        return row;
    }

    private JsonObject Error(string code, string message) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["innerError"] = new JsonObject
            {
                ["date"] = _time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                ["request-id"] = Guid.NewGuid().ToString(),
                ["client-request-id"] = Guid.NewGuid().ToString(),
            },
        },
    };

    private Task WriteErrorAsync(HttpContext context, HttpStatusCode status, string code, string message) => WriteAsync(context, status, Error(code, message));

    private Task WriteTokenErrorAsync(HttpContext context, HttpStatusCode status, string error, int code, string description)
    {
        var now = _time.GetUtcNow();
        var trace = Guid.NewGuid().ToString();
        return WriteAsync(context, status, new JsonObject
        {
            ["error"] = error,
            ["error_description"] = $"AADSTS{code}: {description} Trace ID: {trace} Correlation ID: {Guid.NewGuid()} Timestamp: {now:yyyy-MM-dd HH:mm:ssZ}",
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = now.ToString("yyyy-MM-dd HH:mm:ssZ", CultureInfo.InvariantCulture),
            ["trace_id"] = trace,
            ["correlation_id"] = Guid.NewGuid().ToString(),
        });
    }

    private static async Task WriteAsync(HttpContext context, HttpStatusCode status, JsonNode body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }

    private static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^/(?<tenant>[^/]+)/oauth2/v2\\.0/token$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TokenPath();

    [GeneratedRegex("^\\s*userPrincipalName\\s+eq\\s+'(?<upn>(?:[^']|'')*)'\\s*$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex UpnFilter();

    [GeneratedRegex("id\\s+eq\\s+'(?<id>[^']+)'", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex IdFilter();
}

/// <summary>The state a delta or skip token carries (opaque to clients).</summary>
internal sealed record DeltaState(string Kind, int Epoch, long Since, long Snapshot, int Offset, string[] Select, int Top, string[] Filter);

[System.Text.Json.Serialization.JsonSerializable(typeof(DeltaState))]
internal sealed partial class EmulatorJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
