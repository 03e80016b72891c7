// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ScimSync.Schema;

namespace ScimSync.Tool.Load;

/// <summary>What the ceiling answers with.</summary>
internal enum CeilingBodies
{
    /// <summary>
    /// Bodies the size a conforming server answers the cycle's requests with: a user as created by phase A with its
    /// five group memberships and <c>meta</c>, a page of <c>count</c> such users, a group without members.
    /// </summary>
    Sized,

    /// <summary>The smallest valid bodies: a one-attribute user, and an empty list for every query and page.</summary>
    Minimal,
}

/// <summary>
/// <c>scimsync ceiling</c>: bare Kestrel answering every SCIM request of the load cycle with precomputed bytes. What
/// it reaches is the most any server can reach on the machine, so load reports give a server's share of it.
/// </summary>
/// <remarks>
/// Where the sizes differ it errs in the ceiling's favour: <c>userName eq</c> lookups get an empty list (phase A's
/// answer; phase C's real answer holds the user), member PATCHes get 204 without a body, a created user has no groups
/// yet, and the users carry only the core and enterprise attributes the cycle sends, none of the extensions a host's
/// policies may add.
/// </remarks>
internal sealed class CeilingCommand
{
    private const string BaseUrl = "http://127.0.0.1:5091/scim/v2/";
    private const int MaxPage = 1000;

    private static readonly byte[] s_emptyList = Encoding.UTF8.GetBytes(
        $$"""{"schemas":["{{ScimSchemas.ListResponse}}"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}""");

    private readonly CeilingBodies _bodies;
    private readonly byte[] _user;
    private readonly byte[] _newUser;
    private readonly byte[] _group;
    private readonly ConcurrentDictionary<int, byte[]> _pages = new();

    private CeilingCommand(CeilingBodies bodies)
    {
        _bodies = bodies;
        _user = bodies == CeilingBodies.Sized
            ? Write(writer => WriteUser(writer, 1, groups: 5))
            : Encoding.UTF8.GetBytes($$$"""{"schemas":["{{{ScimSchemas.User}}}"],"id":"00000000-0000-0000-0000-000000000001","userName":"ceiling","meta":{"resourceType":"User","version":"W/\"1\""}}""");
        _newUser = bodies == CeilingBodies.Sized ? Write(writer => WriteUser(writer, 1, groups: 0)) : _user;
        _group = bodies == CeilingBodies.Sized ? Write(WriteGroup) : _user;
    }

    /// <summary>Gets the option that chooses the bodies, shared by <c>ceiling</c> and <c>load --ceiling</c>.</summary>
    public static Option<CeilingBodies> BodiesOption() => new("--ceiling-bodies")
    {
        Description = "What the ceiling answers with: Sized (bodies the size a conforming server sends, pages of full users) or Minimal (the smallest valid bodies, empty pages).",
        DefaultValueFactory = _ => CeilingBodies.Sized,
    };

    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5090" };
        var bodies = BodiesOption();
        var command = new Command("ceiling", "Serve precomputed SCIM responses on bare Kestrel: the machine's ceiling for 'scimsync load --ceiling'.") { urls, bodies };
        command.SetAction((result, cancellationToken) =>
        {
            var listen = result.GetValue(urls)!;
            return LocalServer.ServeAsync("Ceiling", listen, Build(listen, result.GetValue(bodies)), cancellationToken);
        });
        return command;
    }

    public static WebApplication Build(string urls, CeilingBodies bodies)
    {
        var app = LocalServer.CreateBuilder(urls).Build();
        app.Run(new CeilingCommand(bodies).Answer);
        return app;
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return stream.ToArray();
    }

    private static string Id(int kind, int n) => string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8{kind:D3}-{n:D12}");

    // A user of the cycle as a conforming server returns it: what phase A sent, plus id, meta and the groups it is in
    // (100 groups of 500 members over 10,000 users: five each; none when just created).
    private static void WriteUser(Utf8JsonWriter writer, int n, int groups)
    {
        var userName = string.Create(CultureInfo.InvariantCulture, $"load-ceiling-{n:D7}@example.com");
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimSchemas.User);
        writer.WriteStringValue(ScimSchemas.EnterpriseUser);
        writer.WriteEndArray();
        writer.WriteString("id", Id(1, n));
        writer.WriteString("externalId", string.Create(CultureInfo.InvariantCulture, $"ext-ceiling-{n}"));
        writer.WriteString("userName", userName);
        writer.WriteBoolean("active", true);
        writer.WriteString("displayName", string.Create(CultureInfo.InvariantCulture, $"Load User {n}"));
        writer.WriteStartObject("name");
        writer.WriteString("givenName", "Load");
        writer.WriteString("familyName", string.Create(CultureInfo.InvariantCulture, $"User {n}"));
        writer.WriteString("formatted", string.Create(CultureInfo.InvariantCulture, $"Load User {n}"));
        writer.WriteEndObject();
        writer.WriteStartArray("emails");
        writer.WriteStartObject();
        writer.WriteString("value", userName);
        writer.WriteString("type", "work");
        writer.WriteBoolean("primary", true);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteString("title", "Engineer");
        writer.WriteString("preferredLanguage", "en-US");
        writer.WriteStartObject(ScimSchemas.EnterpriseUser);
        writer.WriteString("employeeNumber", n.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("department", string.Create(CultureInfo.InvariantCulture, $"Load {n % 10}"));
        writer.WriteEndObject();
        if (groups > 0)
        {
            writer.WriteStartArray("groups");
        }

        for (var g = 0; g < groups; g++)
        {
            writer.WriteStartObject();
            writer.WriteString("value", Id(2, g));
            writer.WriteString("display", string.Create(CultureInfo.InvariantCulture, $"load-ceiling-group-{g}"));
            writer.WriteString("type", "direct");
            writer.WriteString("$ref", BaseUrl + "Groups/" + Id(2, g));
            writer.WriteEndObject();
        }

        if (groups > 0)
        {
            writer.WriteEndArray();
        }

        WriteMeta(writer, "User", "Users/" + Id(1, n));
        writer.WriteEndObject();
    }

    private static void WriteGroup(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimSchemas.Group);
        writer.WriteEndArray();
        writer.WriteString("id", Id(2, 0));
        writer.WriteString("externalId", "gext-ceiling-0");
        writer.WriteString("displayName", "load-ceiling-group-0");
        WriteMeta(writer, "Group", "Groups/" + Id(2, 0));
        writer.WriteEndObject();
    }

    private static void WriteMeta(Utf8JsonWriter writer, string resourceType, string path)
    {
        writer.WriteStartObject("meta");
        writer.WriteString("resourceType", resourceType);
        writer.WriteString("created", "2026-12-03T00:00:00.0000000Z");
        writer.WriteString("lastModified", "2026-12-03T00:00:00.0000000Z");
        writer.WriteString("location", BaseUrl + path);
        writer.WriteString("version", "W/\"AAAAAAAAB9E=\"");
        writer.WriteEndObject();
    }

    private byte[] Page(int startIndex, int count) => _pages.GetOrAdd(count, c => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimSchemas.ListResponse);
        writer.WriteEndArray();
        writer.WriteNumber("totalResults", 10_000);
        writer.WriteNumber("startIndex", startIndex);
        writer.WriteNumber("itemsPerPage", c);
        writer.WriteStartArray("Resources");
        for (var i = 0; i < c; i++)
        {
            WriteUser(writer, i + 1, groups: 5);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }));

    private async Task Answer(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            // Read the body as any server must.
            await request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
        }

        var groups = request.Path.Value?.Contains("/Groups", StringComparison.Ordinal) == true;
        var (status, body) = request.Method switch
        {
            "POST" => (StatusCodes.Status201Created, groups ? _group : _newUser),
            "PATCH" when groups && _bodies == CeilingBodies.Sized => (StatusCodes.Status204NoContent, []),
            "PATCH" or "PUT" => (StatusCodes.Status200OK, groups ? _group : _user),
            "DELETE" => (StatusCodes.Status204NoContent, []),
            _ when request.Query.ContainsKey("filter") => (StatusCodes.Status200OK, s_emptyList),
            _ when request.Query.ContainsKey("startIndex") || request.Query.ContainsKey("count") => (StatusCodes.Status200OK, ListBody(request.Query)),
            _ => (StatusCodes.Status200OK, groups ? _group : _user),
        };
        context.Response.StatusCode = status;
        if (body.Length > 0)
        {
            context.Response.ContentType = "application/scim+json";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private byte[] ListBody(IQueryCollection query)
    {
        if (_bodies == CeilingBodies.Minimal)
        {
            return s_emptyList;
        }

        var count = int.TryParse(query["count"], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? Math.Min(c, MaxPage) : 100;
        var startIndex = int.TryParse(query["startIndex"], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? Math.Max(s, 1) : 1;

        // Precomputed once per count; the startIndex inside is the first request's, which costs nothing to keep.
        return Page(startIndex, count);
    }
}
