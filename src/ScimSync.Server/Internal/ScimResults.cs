// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ScimSync.Errors;
using ScimSync.Schema;

namespace ScimSync.Server.Internal;

/// <summary>The responses the endpoints write, all as <c>application/scim+json</c> (RFC 7644 §3.1, §8.1).</summary>
internal static class ScimResults
{
    public const string MediaType = "application/scim+json";

    // Relaxed escaping keeps quotes in ETags and '+' in e-mail addresses readable; the body is JSON, never HTML.
    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Writes a SCIM error body (RFC 7644 §3.12): <c>status</c> is a string, <c>scimType</c> when known.</summary>
    public static IResult Error(ScimError error) => new JsonResult(error.Status, writer => WriteError(writer, error), null, null) { Error = error };

    public static IResult Json(int status, JsonObject body, string? etag = null, string? location = null) =>
        new JsonResult(status, writer => body.WriteTo(writer), etag, location);

    public static IResult Json(int status, Action<Utf8JsonWriter> write, string? etag = null, string? location = null) =>
        new JsonResult(status, write, etag, location);

    public static IResult NoContent() => new EmptyResult(StatusCodes.Status204NoContent, null);

    public static IResult NotModified(string etag) => new EmptyResult(StatusCodes.Status304NotModified, etag);

    public static void WriteError(Utf8JsonWriter writer, ScimError error)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimSchemas.Error);
        writer.WriteEndArray();
        writer.WriteString("status", error.Status.ToString(CultureInfo.InvariantCulture));
        if (error.ScimType is { } type)
        {
            writer.WriteString("scimType", type);
        }

        writer.WriteString("detail", error.Detail);
        writer.WriteEndObject();
    }

    internal sealed class JsonResult(int status, Action<Utf8JsonWriter> write, string? etag, string? location) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => status;

        /// <summary>The error this result writes, for the observability filter.</summary>
        public ScimError? Error { get; init; }

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = httpContext.Items.TryGetValue(AcceptFilter.MediaTypeKey, out var negotiated) && negotiated is string type ? type : MediaType;
            if (etag is not null)
            {
                response.Headers.ETag = etag;
            }

            if (location is not null)
            {
                response.Headers.Location = location;
            }

            if (status == StatusCodes.Status401Unauthorized)
            {
                response.Headers.WWWAuthenticate = "Bearer realm=\"scim\"";
            }

            var writer = new Utf8JsonWriter(response.BodyWriter, s_writerOptions);
            await using (writer.ConfigureAwait(false))
            {
                write(writer);
                await writer.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
            }
        }
    }

    private sealed class EmptyResult(int status, string? etag) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => status;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (etag is not null)
            {
                httpContext.Response.Headers.ETag = etag;
            }

            return Task.CompletedTask;
        }
    }
}
