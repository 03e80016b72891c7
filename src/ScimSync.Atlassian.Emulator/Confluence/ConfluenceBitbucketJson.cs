// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ScimSync.Atlassian.Emulator;

/// <summary>
/// Reading and writing JSON for the emulated Confluence and Bitbucket (named for them so that it cannot collide with a
/// helper of another product's emulator).
/// </summary>
internal static class ConfluenceBitbucketJson
{
    /// <summary>Writes a JSON answer.</summary>
    public static Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json;charset=UTF-8";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    /// <summary>Answers without a body.</summary>
    public static Task NoContent(HttpContext context, int status = StatusCodes.Status204NoContent)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>Reads the request's JSON object, or <see langword="null"/> when the body is not one.</summary>
    public static async Task<JsonObject?> ReadObjectAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads a string property of a JSON object.</summary>
    public static string? String(JsonObject? body, string property) =>
        body?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Reads a boolean property that may be sent as a JSON boolean or as the text "true"/"false".</summary>
    public static bool? Boolean(JsonObject? body, string property)
    {
        if (body?[property] is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<bool>(out var flag))
        {
            return flag;
        }

        return value.TryGetValue<string>(out var text) && bool.TryParse(text, out flag) ? flag : null;
    }

    /// <summary>Reads a non-negative integer query parameter, or the default.</summary>
    public static int Query(HttpContext context, string name, int fallback) =>
        int.TryParse(context.Request.Query[name], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
