// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Schema;
using ScimSync.Serialization;
using ScimSync.Server.Internal;
using ScimSync.Stores;

namespace ScimSync.Server.Endpoints;

/// <summary>
/// <c>POST /Bulk</c> (RFC 7644 §3.7): runs each operation through the same pipeline as the single-resource
/// endpoints, with the request's operation context, and answers 200 with a <c>BulkResponse</c> listing each
/// operation's outcome. Limits are checked (413) and the whole request is read (400) before anything runs.
/// </summary>
/// <remarks>
/// Operations run in request order, except that the POST defining a <c>bulkId</c> runs before the first operation
/// that refers to it. POSTs that refer to each other in a cycle are answered 409 <c>invalidValue</c> without running
/// (RFC 7644 §3.7.1 allows it), as is any operation that refers to a <c>bulkId</c> no successful POST defined.
/// </remarks>
internal sealed class BulkEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ScimRoute route)
    {
        var services = context.RequestServices.GetRequiredService<ScimServerServices>();
        var limits = services.Options.CurrentValue.Bulk;
        if (!limits.Enabled)
        {
            throw new ScimException(ScimError.NotImplemented("/Bulk is not enabled on this service provider."));
        }

        ScimRequest.RequireJsonContent(context.Request);
        var body = await ScimRequest.ReadBodyAsync(context, limits.MaxPayloadSize, "maxPayloadSize").ConfigureAwait(false);
        var request = ScimBulkRequest.Parse(body, limits.MaxOperations);
        var order = request.Plan(out var circular);

        var run = new BulkRun(ScimRequest.OperationContext(context), route.BaseUrl(context), request.Operations);
        var results = new BulkResult?[request.Operations.Count];
        var failures = 0;
        foreach (var index in order)
        {
            var operation = request.Operations[index];
            var result = circular.Contains(index)
                ? BulkRun.Failed(operation, null, new ScimError(StatusCodes.Status409Conflict, ScimErrorType.InvalidValue,
                    $"The operation is part of a circular bulkId reference ('{operation.BulkId}'); this service provider does not resolve circular references."))
                : await run.ExecuteAsync(operation).ConfigureAwait(false);
            results[index] = result;
            if (result.Error is not null && ++failures >= (request.FailOnErrors ?? int.MaxValue))
            {
                break;
            }
        }

        var done = results.OfType<BulkResult>().ToList();
        Log.BulkCompleted(services.Logger, run.Context.Connection.Name, request.Operations.Count, done.Count, failures);
        return ScimResults.Json(StatusCodes.Status200OK, writer => Write(writer, done));
    }

    private static void Write(Utf8JsonWriter writer, List<BulkResult> results)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimSchemas.BulkResponse);
        writer.WriteEndArray();
        writer.WriteStartArray("Operations");
        foreach (var result in results)
        {
            writer.WriteStartObject();
            writer.WriteString("method", result.Operation.Method);
            if (result.Operation.BulkId is { } bulkId)
            {
                writer.WriteString("bulkId", bulkId);
            }

            if (result.Version is { } version)
            {
                writer.WriteString("version", version);
            }

            if (result.Location is { } location)
            {
                writer.WriteString("location", location);
            }

            writer.WriteString("status", result.Status.ToString(CultureInfo.InvariantCulture));
            if (result.Error is { } error)
            {
                writer.WritePropertyName("response");
                ScimResults.WriteError(writer, error);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The outcome of one operation; <see cref="Error"/> is set when it failed.</summary>
    private sealed record BulkResult(ScimBulkOperation Operation, int Status, string? Location, string? Version, ScimError? Error);

    /// <summary>The state of one bulk request while it runs: the ids the POSTs created, by <c>bulkId</c>.</summary>
    private sealed class BulkRun(ScimOperationContext context, string baseUrl, IReadOnlyList<ScimBulkOperation> operations)
    {
        private readonly Dictionary<string, string> _created = new(StringComparer.Ordinal);

        public ScimOperationContext Context { get; } = context;

        public static BulkResult Failed(ScimBulkOperation operation, string? location, ScimError error) =>
            new(operation, error.Status, location, null, error);

        public async Task<BulkResult> ExecuteAsync(ScimBulkOperation operation)
        {
            if (operation.Error is { } invalid)
            {
                return Failed(operation, null, invalid);
            }

            if (!TryResolveTarget(operation, out var handler, out var id, out var targetError))
            {
                return Failed(operation, null, targetError);
            }

            var location = id is null ? null : ScimResourceWriter.Location(baseUrl, handler, id);
            if (Unresolved(operation) is { } unresolved)
            {
                return Failed(operation, location, unresolved);
            }

            try
            {
                var ifMatch = ScimRequest.ParseIfMatch(operation.Version);
                switch (operation.Method)
                {
                    case "POST":
                    {
                        var resource = Read(handler, operation, ScimReadMode.Create);
                        var stored = await ScimResourceOperations.CreateAsync(Context, handler, resource).ConfigureAwait(false);
                        _created[operation.BulkId!] = stored.Id;
                        return Succeeded(operation, StatusCodes.Status201Created, ScimResourceWriter.Location(baseUrl, handler, stored.Id), stored.Version);
                    }

                    case "PUT":
                    {
                        var resource = Read(handler, operation, ScimReadMode.Replace);
                        var stored = await ScimResourceOperations.ReplaceAsync(Context, handler, id!, resource, ifMatch).ConfigureAwait(false);
                        return Succeeded(operation, StatusCodes.Status200OK, location, stored.Version);
                    }

                    case "PATCH":
                    {
                        var data = ScimBulkRequest.Resolve(operation.Data!.Value, _created);
                        if (!ScimPatch.TryParse(data, out var patch, out var error, handler.PatchOptions))
                        {
                            return Failed(operation, location, error);
                        }

                        var outcome = await ScimResourceOperations.PatchAsync(Context, handler, id!, patch, ifMatch).ConfigureAwait(false);
                        return Succeeded(operation, StatusCodes.Status200OK, location, outcome.Version);
                    }

                    default:
                        await ScimResourceOperations.DeleteAsync(Context, handler, id!, ifMatch).ConfigureAwait(false);
                        return Succeeded(operation, StatusCodes.Status204NoContent, location, null);
                }
            }
            catch (ScimException e)
            {
                return Failed(operation, location, e.Error);
            }
            catch (ScimStoreUnavailableException)
            {
                // The operations that ran stay applied: report this one, so the client retries only what failed.
                return Failed(operation, location, ScimError.ServiceUnavailable("The directory store is temporarily unavailable; retry the operation later."));
            }
        }

        private static BulkResult Succeeded(ScimBulkOperation operation, int status, string? location, string? version) =>
            new(operation, status, location, version is null ? null : ScimRequest.ETag(version), null);

        private JsonObject Read(ScimResourceHandler handler, ScimBulkOperation operation, ScimReadMode mode)
        {
            var data = ScimBulkRequest.Resolve(operation.Data!.Value, _created);
            return handler.Reader.TryRead(data, mode, out var resource, out var error) ? resource : throw new ScimException(error);
        }

        /// <summary>The 409 for the first <c>bulkId</c> the operation refers to that no successful POST defined.</summary>
        private ScimError? Unresolved(ScimBulkOperation operation)
        {
            foreach (var reference in operation.References)
            {
                if (_created.ContainsKey(reference))
                {
                    continue;
                }

                var defined = operations.Any(o => o.Method == "POST" && o.BulkId == reference);
                return new ScimError(StatusCodes.Status409Conflict, ScimErrorType.InvalidValue, defined
                    ? $"The reference 'bulkId:{reference}' cannot be resolved: the operation that creates it did not succeed."
                    : $"The reference 'bulkId:{reference}' cannot be resolved: no POST operation of this request has that bulkId.");
            }

            return null;
        }

        /// <summary>Reads <c>/Users</c>, <c>/Groups</c> (POST) or <c>/Users/{id}</c>, <c>/Groups/{id}</c> (the rest).</summary>
        private bool TryResolveTarget(ScimBulkOperation operation, out ScimResourceHandler handler, out string? id, out ScimError error)
        {
            handler = Context.Connection.Users;
            id = null;
            error = null!;
            var path = operation.Path!;
            var segments = path.StartsWith('/') ? path[1..].Split('/') : [];
            var isPost = operation.Method == "POST";
            if (segments.Length != (isPost ? 1 : 2) || (!isPost && segments[1].Length == 0))
            {
                error = ScimError.InvalidValue(isPost
                    ? $"The path '{path}' of a POST must be a resource type endpoint: '/Users' or '/Groups'."
                    : $"The path '{path}' of a {operation.Method} must name a resource: '/Users/{{id}}' or '/Groups/{{id}}'.");
                return false;
            }

            if (string.Equals(segments[0], "Users", StringComparison.OrdinalIgnoreCase))
            {
                handler = Context.Connection.Users;
            }
            else if (string.Equals(segments[0], "Groups", StringComparison.OrdinalIgnoreCase))
            {
                handler = Context.Connection.Groups;
            }
            else
            {
                error = ScimError.NotFound($"No resource type is served at '/{segments[0]}'.");
                return false;
            }

            if (!isPost)
            {
                id = Uri.UnescapeDataString(segments[1]);
                if (ScimBulkRequest.ReferenceOf(id) is { } reference)
                {
                    // An unresolved reference is reported by Unresolved (409); keep the path as sent meanwhile.
                    id = _created.GetValueOrDefault(reference);
                }
            }

            return true;
        }
    }
}
