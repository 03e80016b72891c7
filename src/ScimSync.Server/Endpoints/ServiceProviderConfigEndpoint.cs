// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Schema;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Endpoints;

/// <summary><c>GET /ServiceProviderConfig</c>: what this server supports, from the options in force (RFC 7643 §5).</summary>
internal sealed class ServiceProviderConfigEndpoint
{
    public static IResult Handle(HttpContext context, ScimRoute route)
    {
        var services = context.RequestServices.GetRequiredService<ScimServerServices>();
        var options = services.Options.CurrentValue;
        var baseUrl = route.BaseUrl(context);
        var connection = ScimRequestContext.Get(context).Connection;
        var users = connection.Users.GetStore(context.RequestServices).Capabilities;
        var groups = connection.Groups.GetStore(context.RequestServices).Capabilities;
        var sort = users.SupportsSorting && groups.SupportsSorting;
        var cursor = users.SupportsCursor && groups.SupportsCursor;

        // The shorter lifetime is the one a client can rely on; no timeout at all when neither store expires cursors.
        var cursorTimeout = (users.CursorTimeout, groups.CursorTimeout) switch
        {
            ({ } u, { } g) => u < g ? u : g,
            (var u, var g) => u ?? g,
        };
        return ScimResults.Json(StatusCodes.Status200OK, writer => Write(writer, options, connection, sort, cursor ? new Cursor(cursorTimeout) : null, baseUrl));
    }

    private sealed record Cursor(TimeSpan? Timeout);

    private static void Write(Utf8JsonWriter writer, ScimServerOptions options, ScimConnection connection, bool sort, Cursor? cursor, string baseUrl)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimSchemas.ServiceProviderConfig);
        writer.WriteEndArray();
        Supported(writer, "patch", true);
        writer.WriteStartObject("bulk");
        writer.WriteBoolean("supported", options.Bulk.Enabled);
        writer.WriteNumber("maxOperations", options.Bulk.Enabled ? options.Bulk.MaxOperations : 0);
        writer.WriteNumber("maxPayloadSize", options.Bulk.Enabled ? options.Bulk.MaxPayloadSize : 0);
        writer.WriteEndObject();
        writer.WriteStartObject("filter");
        writer.WriteBoolean("supported", true);
        writer.WriteNumber("maxResults", options.MaxResults);
        writer.WriteEndObject();
        // RFC 9865 §4: both methods of paging, index by default (what existing clients expect).
        writer.WriteStartObject("pagination");
        writer.WriteBoolean("cursor", cursor is not null);
        writer.WriteBoolean("index", true);
        writer.WriteString("defaultPaginationMethod", "index");
        writer.WriteNumber("defaultPageSize", options.MaxResults);
        writer.WriteNumber("maxPageSize", options.MaxResults);
        if (cursor?.Timeout is { } timeout)
        {
            writer.WriteNumber("cursorTimeout", (long)timeout.TotalSeconds);
        }

        writer.WriteEndObject();
        Supported(writer, "changePassword", false);
        Supported(writer, "sort", sort);
        Supported(writer, "etag", true);
        writer.WriteStartArray("authenticationSchemes");
        if (connection.AuthenticationScheme is not null)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "oauthbearertoken");
            writer.WriteString("name", "OAuth Bearer Token");
            writer.WriteString("description", "Authentication with an OAuth 2.0 access token (RFC 6750 header).");
            writer.WriteString("specUri", "https://www.rfc-editor.org/rfc/rfc6750");
            writer.WriteBoolean("primary", true);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteString("type", "oauthbearertoken");
            writer.WriteString("name", "Bearer Token");
            writer.WriteString("description", "Authentication with a shared secret bearer token (RFC 6750 header).");
            writer.WriteString("specUri", "https://www.rfc-editor.org/rfc/rfc6750");
            writer.WriteBoolean("primary", true);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("meta");
        writer.WriteString("resourceType", "ServiceProviderConfig");
        writer.WriteString("location", baseUrl + "/ServiceProviderConfig");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void Supported(Utf8JsonWriter writer, string name, bool supported)
    {
        writer.WriteStartObject(name);
        writer.WriteBoolean("supported", supported);
        writer.WriteEndObject();
    }
}
