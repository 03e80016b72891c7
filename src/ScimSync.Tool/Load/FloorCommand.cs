// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ScimSync.Schema;

namespace ScimSync.Tool.Load;

/// <summary>
/// <c>scimsync floor</c>: a toy SCIM server doing only the work no server can skip for the load cycle. It checks the
/// bearer token, parses every request body, keeps users and groups in dictionaries and answers with their bytes. What
/// it reaches, as a share of the ceiling, bounds what a real server can reach on the machine: a real one does the same
/// and more.
/// </summary>
/// <remarks>
/// It answers the cycle's requests and little else. It has no schema validation, no mapping policies, no store, no
/// durability, no logging and no routing. A user's <c>groups</c> are never derived. PATCH understands only the cycle's
/// paths: a top-level attribute, an extension's attribute and <c>emails[...].value</c>, which sets the first email. A
/// filter is read as <c>userName eq "..."</c> whatever it says. Nothing of it is fit to serve a client.
/// </remarks>
internal sealed class FloorCommand
{
    private const string Prefix = "/scim/v2/";

    private readonly byte[] _authorization;
    private readonly ConcurrentDictionary<string, byte[]> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _userIdsByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (byte[] Body, HashSet<string> Members)> _groups = new(StringComparer.Ordinal);
    private readonly List<string> _userOrder = [];
    private readonly Lock _orderGate = new();

    private FloorCommand(string token) => _authorization = Encoding.UTF8.GetBytes("Bearer " + token);

    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5092" };
        var token = new Option<string>("--token") { Description = "The bearer token to require.", Required = true };
        var command = new Command("floor", "Serve the load cycle from a toy SCIM server that does only the unavoidable work: a bound on any real server's share of the ceiling.") { urls, token };
        command.SetAction((result, cancellationToken) =>
        {
            var listen = result.GetValue(urls)!;
            return LocalServer.ServeAsync("Floor", listen, Build(LocalServer.CreateBuilder(listen), result.GetValue(token)!), cancellationToken);
        });
        return command;
    }

    /// <summary>Builds the floor on <paramref name="builder"/>; its SCIM base URL is <c>/scim/v2</c>.</summary>
    public static WebApplication Build(WebApplicationBuilder builder, string token)
    {
        var app = builder.Build();
        app.Run(new FloorCommand(token).AnswerAsync);
        return app;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(request.Headers.Authorization.ToString()), _authorization))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var body = Array.Empty<byte>();
        if (request.ContentLength is > 0 and var length)
        {
            body = new byte[length];
            await request.Body.ReadExactlyAsync(body, context.RequestAborted).ConfigureAwait(false);
        }

        var path = request.Path.Value is { } value && value.StartsWith(Prefix, StringComparison.Ordinal) ? value[Prefix.Length..] : string.Empty;
        var groups = path.StartsWith("Groups", StringComparison.Ordinal);
        var id = path.IndexOf('/', StringComparison.Ordinal) is var slash and > 0 ? path[(slash + 1)..] : null;
        var (status, answer) = request.Method switch
        {
            "POST" => Create(body, groups),
            "PATCH" when groups => AddMembers(body, id),
            "PATCH" => ChangeUser(body, id),
            "GET" when id is not null => Read(groups, id),
            "GET" => List(request.Query),
            _ => (StatusCodes.Status405MethodNotAllowed, []),
        };

        context.Response.StatusCode = status;
        if (answer.Length > 0)
        {
            context.Response.ContentType = "application/scim+json";
            context.Response.ContentLength = answer.Length;
            await context.Response.Body.WriteAsync(answer, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private (int Status, byte[] Body) Create(byte[] body, bool group)
    {
        using var document = JsonDocument.Parse(body);
        var id = Guid.NewGuid().ToString("D");
        var stored = WithIdAndMeta(document.RootElement, id, group ? "Group" : "User");
        if (group)
        {
            _groups[id] = (stored, new HashSet<string>(StringComparer.Ordinal));
            return (StatusCodes.Status201Created, stored);
        }

        if (!_userIdsByName.TryAdd(document.RootElement.GetProperty("userName").GetString()!, id))
        {
            return (StatusCodes.Status409Conflict, []);
        }

        _users[id] = stored;
        lock (_orderGate)
        {
            _userOrder.Add(id);
        }

        return (StatusCodes.Status201Created, stored);
    }

    private (int Status, byte[] Body) AddMembers(byte[] body, string? groupId)
    {
        if (groupId is null || !_groups.TryGetValue(groupId, out var group))
        {
            return (StatusCodes.Status404NotFound, []);
        }

        using var document = JsonDocument.Parse(body);
        lock (group.Members)
        {
            foreach (var operation in document.RootElement.GetProperty("Operations").EnumerateArray())
            {
                foreach (var member in operation.GetProperty("value").EnumerateArray())
                {
                    var value = member.GetProperty("value").GetString()!;
                    if (!_users.ContainsKey(value))
                    {
                        return (StatusCodes.Status400BadRequest, []);
                    }

                    group.Members.Add(value);
                }
            }
        }

        return (StatusCodes.Status204NoContent, []);
    }

    private (int Status, byte[] Body) ChangeUser(byte[] body, string? userId)
    {
        if (userId is null || !_users.TryGetValue(userId, out var current))
        {
            return (StatusCodes.Status404NotFound, []);
        }

        using var document = JsonDocument.Parse(body);
        var user = JsonNode.Parse(current)!.AsObject();
        foreach (var operation in document.RootElement.GetProperty("Operations").EnumerateArray())
        {
            var target = operation.GetProperty("path").GetString()!;
            var value = JsonSerializer.SerializeToNode(operation.GetProperty("value"));
            if (target.StartsWith("emails", StringComparison.Ordinal))
            {
                user["emails"]![0]!["value"] = value;
            }
            else if (target.StartsWith("urn:", StringComparison.Ordinal))
            {
                var colon = target.LastIndexOf(':');
                user[target[..colon]]![target[(colon + 1)..]] = value;
            }
            else
            {
                user[target] = value;
            }
        }

        var changed = JsonSerializer.SerializeToUtf8Bytes(user);
        _users[userId] = changed;
        return (StatusCodes.Status200OK, changed);
    }

    private (int Status, byte[] Body) Read(bool group, string id) =>
        (group ? _groups.TryGetValue(id, out var found) ? found.Body : null : _users.GetValueOrDefault(id)) is { } body
            ? (StatusCodes.Status200OK, body)
            : (StatusCodes.Status404NotFound, []);

    private (int Status, byte[] Body) List(IQueryCollection query)
    {
        List<byte[]> page = [];
        int total;
        var startIndex = 1;
        if (query["filter"].ToString() is { Length: > 0 } filter)
        {
            var open = filter.IndexOf('"', StringComparison.Ordinal);
            var close = filter.LastIndexOf('"');
            if (open >= 0 && close > open && _userIdsByName.TryGetValue(filter[(open + 1)..close], out var id) && _users.TryGetValue(id, out var user))
            {
                page.Add(user);
            }

            total = page.Count;
        }
        else
        {
            startIndex = int.TryParse(query["startIndex"], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? Math.Max(s, 1) : 1;
            var count = int.TryParse(query["count"], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 100;
            lock (_orderGate)
            {
                total = _userOrder.Count;
                for (var i = startIndex - 1; i < Math.Min(total, startIndex - 1 + count); i++)
                {
                    page.Add(_users[_userOrder[i]]);
                }
            }
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("schemas");
            writer.WriteStringValue(ScimSchemas.ListResponse);
            writer.WriteEndArray();
            writer.WriteNumber("totalResults", total);
            writer.WriteNumber("startIndex", startIndex);
            writer.WriteNumber("itemsPerPage", page.Count);
            writer.WriteStartArray("Resources");
            foreach (var resource in page)
            {
                writer.WriteRawValue(resource, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return (StatusCodes.Status200OK, buffer.WrittenSpan.ToArray());
    }

    private static byte[] WithIdAndMeta(JsonElement resource, string id, string resourceType)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            foreach (var property in resource.EnumerateObject())
            {
                property.WriteTo(writer);
            }

            var now = TimeProvider.System.GetUtcNow();
            writer.WriteStartObject("meta");
            writer.WriteString("resourceType", resourceType);
            writer.WriteString("created", now);
            writer.WriteString("lastModified", now);
            writer.WriteString("location", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1{Prefix}{resourceType}s/{id}"));
            writer.WriteString("version", "W/\"1\"");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
