// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using ScimSync.Errors;
using ScimSync.Internal;
using ScimSync.Patching;
using ScimSync.Serialization;

namespace ScimSync.Server.Internal;

/// <summary>Reads the parts of a SCIM request the endpoints share. Failures throw <see cref="ScimException"/>.</summary>
internal static class ScimRequest
{
    /// <summary>The pipeline context of an authenticated request.</summary>
    public static ScimOperationContext OperationContext(HttpContext context) =>
        new(ScimRequestContext.Get(context).Connection, context.RequestServices, context.RequestAborted, context.Features.Get<ScimRequestObservation>());

    /// <summary>Requires <c>application/scim+json</c> or <c>application/json</c> (RFC 7644 §3.1, §8.1), else 415.</summary>
    public static void RequireJsonContent(HttpRequest request)
    {
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) &&
            (mediaType.MediaType.Equals(ScimResults.MediaType, StringComparison.OrdinalIgnoreCase) ||
             mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        throw new ScimException(new ScimError(
            StatusCodes.Status415UnsupportedMediaType,
            null,
            "The request body must be 'application/scim+json' (or 'application/json')."));
    }

    /// <summary>
    /// Reads a JSON request body: checks the media type (415) and the size limit in force (413) before parsing
    /// anything.
    /// </summary>
    public static Task<byte[]> ReadJsonBodyAsync(HttpContext context)
    {
        RequireJsonContent(context.Request);
        var options = context.RequestServices.GetRequiredService<ScimServerServices>().Options.CurrentValue;
        return ReadBodyAsync(context, options.MaxRequestBodySize);
    }

    /// <summary>Reads a User or Group body with the resource type's schema-aware reader (400 on invalid input).</summary>
    public static async Task<JsonObject> ReadResourceAsync(HttpContext context, ScimResourceHandler handler, ScimReadMode mode)
    {
        var body = await ReadJsonBodyAsync(context).ConfigureAwait(false);
        return handler.Reader.TryRead(body, mode, out var resource, out var error)
            ? resource
            : throw new ScimException(error);
    }

    /// <summary>
    /// Reads the whole body, refusing more than <paramref name="maxBytes"/> (413, naming <paramref name="limitName"/>
    /// when given).
    /// </summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContext context, int maxBytes, string? limitName = null)
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes, limitName);
        }

        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            if (read.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                throw TooLarge(maxBytes, limitName);
            }

            if (read.IsCompleted)
            {
                var bytes = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);

                // Every JSON body comes through here; System.Text.Json would parse such strings and throw
                // InvalidOperationException (a 500) only when one is read.
                if (JsonText.FindInvalidText(bytes) is var invalid and >= 0)
                {
                    throw new ScimException(ScimError.InvalidSyntax(
                        $"The request body is not valid JSON: invalid UTF-8 or an unpaired surrogate escape at byte {invalid}.",
                        invalid));
                }

                return bytes;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    /// <summary>
    /// Reads <c>If-Match</c> (RFC 7644 §3.14, RFC 9110 §13.1.1): <see langword="null"/> when absent or <c>*</c>,
    /// otherwise the versions it lists (weak and strong tags both compare by their opaque value).
    /// </summary>
    public static IReadOnlyList<string>? IfMatch(HttpRequest request) => ParseTags(request.Headers.IfMatch.ToString(), out _);

    /// <summary>Reads an <c>If-Match</c> value given elsewhere than in the header (a bulk operation's <c>version</c>).</summary>
    public static IReadOnlyList<string>? ParseIfMatch(string? value) => ParseTags(value ?? string.Empty, out _);

    /// <summary>Returns whether <c>If-None-Match</c> matches <paramref name="version"/> (or is <c>*</c>).</summary>
    public static bool IfNoneMatchHits(HttpRequest request, string version)
    {
        var header = request.Headers.IfNoneMatch.ToString();
        var tags = ParseTags(header, out var any);
        return any || (tags?.Contains(version, StringComparer.Ordinal) ?? false);
    }

    public static string ETag(string version) => Serialization.ScimResourceMeta.ETag(version);

    public static int? ParseInt(string? text, string name)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ScimException(ScimError.InvalidValue($"'{name}' must be an integer."));
    }

    public static IReadOnlyList<AttributePath>? ParseAttributeList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return AttributePath.TryParseList(text, out var paths, out var error) ? paths : throw new ScimException(error!);
    }

    private static List<string>? ParseTags(string header, out bool any)
    {
        any = false;
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var tags = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "*")
            {
                any = true;
                continue;
            }

            var tag = part.StartsWith("W/", StringComparison.Ordinal) ? part[2..] : part;
            tags.Add(tag.Length >= 2 && tag[0] == '"' && tag[^1] == '"' ? tag[1..^1] : tag);
        }

        return any && tags.Count == 0 ? null : tags;
    }

    private static ScimException TooLarge(int maxBytes, string? limitName) =>
        new(new ScimError(
            StatusCodes.Status413PayloadTooLarge,
            null,
            limitName is null
                ? $"The request body is larger than {maxBytes} bytes."
                : $"The request body is larger than {limitName} ({maxBytes} bytes)."));
}
