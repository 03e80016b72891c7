// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ScimSync.Errors;
using ScimSync.Schema;

namespace ScimSync.Server.Internal;

/// <summary>One operation of a <c>BulkRequest</c> (RFC 7644 §3.7), as read; nothing is resolved yet.</summary>
/// <param name="Index">Its 0-based position in the request.</param>
/// <param name="Method">The method in upper case (<c>POST</c>, <c>PUT</c>, <c>PATCH</c>, <c>DELETE</c>), or as sent when unknown.</param>
/// <param name="BulkId">The client's <c>bulkId</c>, if any.</param>
/// <param name="Version">The <c>version</c> (an ETag, used as <c>If-Match</c>), if any.</param>
/// <param name="Path">The <c>path</c>, if any.</param>
/// <param name="Data">The <c>data</c>, if any.</param>
/// <param name="References">The <c>bulkId</c>s its path and data refer to (<c>bulkId:xyz</c>).</param>
/// <param name="Error">Why the operation cannot run, found while reading it; other operations still run.</param>
internal sealed record ScimBulkOperation(
    int Index,
    string Method,
    string? BulkId,
    string? Version,
    string? Path,
    JsonElement? Data,
    IReadOnlySet<string> References,
    ScimError? Error);

/// <summary>
/// A parsed <c>BulkRequest</c>. Problems with the request as a whole throw <see cref="ScimException"/> (400, or 413
/// for too many operations) before anything runs; problems with one operation stay with that operation.
/// </summary>
internal sealed class ScimBulkRequest
{
    /// <summary>The prefix of a value that stands for the id of the resource another operation creates (RFC 7644 §3.7.2).</summary>
    public const string BulkIdPrefix = "bulkId:";

    private const int MaxDepth = 64;

    private ScimBulkRequest(IReadOnlyList<ScimBulkOperation> operations, int? failOnErrors)
    {
        Operations = operations;
        FailOnErrors = failOnErrors;
    }

    public IReadOnlyList<ScimBulkOperation> Operations { get; }

    /// <summary>The number of failed operations after which the rest are not run, or <see langword="null"/> for no limit.</summary>
    public int? FailOnErrors { get; }

    public static ScimBulkRequest Parse(ReadOnlySpan<byte> body, int maxOperations)
    {
        JsonElement root;
        try
        {
            root = JsonElement.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new ScimException(ScimError.InvalidSyntax("The request body is not valid JSON: " + e.Message));
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ScimException(ScimError.InvalidSyntax("The request body must be a JSON object."));
        }

        var hasSchema = false;
        int? failOnErrors = null;
        JsonElement? operations = null;
        foreach (var property in root.EnumerateObject())
        {
            // RFC 7643 §2.1: attribute names are case-insensitive.
            switch (property.Name.ToUpperInvariant())
            {
                case "SCHEMAS":
                    hasSchema = property.Value.ValueKind == JsonValueKind.Array &&
                        property.Value.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.String && e.GetString() == ScimSchemas.BulkRequest);
                    break;
                case "FAILONERRORS":
                    if (property.Value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var limit) || limit < 1)
                    {
                        throw new ScimException(ScimError.InvalidSyntax("'failOnErrors' must be a positive integer."));
                    }

                    failOnErrors = limit;
                    break;
                case "OPERATIONS":
                    operations = property.Value;
                    break;
                default:
                    break;
            }
        }

        if (!hasSchema)
        {
            throw new ScimException(ScimError.InvalidSyntax($"'schemas' must contain '{ScimSchemas.BulkRequest}'."));
        }

        if (operations is not { ValueKind: JsonValueKind.Array } array)
        {
            throw new ScimException(ScimError.InvalidSyntax("'Operations' must be an array of operations."));
        }

        var count = array.GetArrayLength();
        if (count > maxOperations)
        {
            // RFC 7644 §3.7.4: 413, and the body names the limit exceeded.
            throw new ScimException(new ScimError(
                StatusCodes.Status413PayloadTooLarge,
                null,
                $"The bulk request has {count} operations, more than maxOperations ({maxOperations})."));
        }

        var parsed = new List<ScimBulkOperation>(count);
        var bulkIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new ScimException(ScimError.InvalidSyntax($"Operations[{parsed.Count}] must be a JSON object."));
            }

            var operation = ReadOperation(parsed.Count, element);
            if (operation.BulkId is { } bulkId && !bulkIds.Add(bulkId))
            {
                throw new ScimException(ScimError.InvalidValue($"The bulkId '{bulkId}' is used by more than one operation; it must be unique within a bulk request."));
            }

            parsed.Add(operation);
        }

        return new ScimBulkRequest(parsed, failOnErrors);
    }

    /// <summary>
    /// Orders the operations for running: as in the request, except that the POST defining a <c>bulkId</c> runs before
    /// an operation that refers to it. Operations whose POSTs refer to each other (directly or through others) are
    /// returned in <paramref name="circular"/> instead: this server does not break such cycles (RFC 7644 §3.7.1
    /// allows answering 409). Iterative, so a long chain of references cannot exhaust the stack.
    /// </summary>
    public IReadOnlyList<int> Plan(out IReadOnlySet<int> circular)
    {
        var definedBy = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var operation in Operations)
        {
            if (operation is { Method: "POST", BulkId: { } bulkId, Error: null })
            {
                definedBy[bulkId] = operation.Index;
            }
        }

        var dependencies = Operations
            .Select(o => o.References.Where(definedBy.ContainsKey).Select(r => definedBy[r]).Distinct().Order().ToArray())
            .ToArray();
        var state = new byte[Operations.Count]; // 0 unvisited, 1 on the path, 2 done
        var cycles = new HashSet<int>();
        var order = new List<int>(Operations.Count);
        var path = new Stack<(int Node, int Next)>();
        for (var start = 0; start < Operations.Count; start++)
        {
            if (state[start] != 0)
            {
                continue;
            }

            state[start] = 1;
            path.Push((start, 0));
            while (path.Count > 0)
            {
                var (node, next) = path.Pop();
                if (next < dependencies[node].Length)
                {
                    path.Push((node, next + 1));
                    var dependency = dependencies[node][next];
                    if (state[dependency] == 0)
                    {
                        state[dependency] = 1;
                        path.Push((dependency, 0));
                    }
                    else if (state[dependency] == 1)
                    {
                        // Every operation on the path from the dependency to here is part of the cycle.
                        cycles.Add(dependency);
                        foreach (var (onPath, _) in path)
                        {
                            cycles.Add(onPath);
                            if (onPath == dependency)
                            {
                                break;
                            }
                        }
                    }

                    continue;
                }

                state[node] = 2;
                order.Add(node);
            }
        }

        circular = cycles;
        return order;
    }

    /// <summary>
    /// Writes <paramref name="data"/> with every <c>bulkId:xyz</c> string value replaced by the id
    /// <paramref name="ids"/> holds for <c>xyz</c>. The caller checked that every reference resolves.
    /// </summary>
    public static byte[] Resolve(JsonElement data, IReadOnlyDictionary<string, string> ids)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = MaxDepth + 1, SkipValidation = true }))
        {
            Write(writer, data, ids);
        }

        return buffer.WrittenSpan.ToArray();

        static void Write(Utf8JsonWriter writer, JsonElement element, IReadOnlyDictionary<string, string> ids)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (var property in element.EnumerateObject())
                    {
                        writer.WritePropertyName(property.Name);
                        Write(writer, property.Value, ids);
                    }

                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in element.EnumerateArray())
                    {
                        Write(writer, item, ids);
                    }

                    writer.WriteEndArray();
                    break;
                case JsonValueKind.String when ReferenceOf(element.GetString()) is { } reference && ids.TryGetValue(reference, out var id):
                    writer.WriteStringValue(id);
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }
    }

    /// <summary>Returns the <c>bulkId</c> a value refers to, or <see langword="null"/> when it is not a reference.</summary>
    public static string? ReferenceOf(string? value) =>
        value is { Length: > 7 } && value.StartsWith(BulkIdPrefix, StringComparison.Ordinal) ? value[BulkIdPrefix.Length..] : null;

    private static ScimBulkOperation ReadOperation(int index, JsonElement element)
    {
        string? method = null, bulkId = null, version = null, path = null;
        JsonElement? data = null;
        ScimError? error = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name.ToUpperInvariant())
            {
                case "METHOD":
                    method = String(property, ref error);
                    break;
                case "BULKID":
                    bulkId = String(property, ref error);
                    break;
                case "VERSION":
                    version = String(property, ref error);
                    break;
                case "PATH":
                    path = String(property, ref error);
                    break;
                case "DATA":
                    data = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
                    break;
                default:
                    break;
            }
        }

        var normalized = method?.ToUpperInvariant() ?? string.Empty;
        error ??= normalized switch
        {
            "" => ScimError.InvalidValue("The operation has no 'method'."),
            not ("POST" or "PUT" or "PATCH" or "DELETE") => ScimError.InvalidValue($"The method '{method}' is not supported in a bulk request; use POST, PUT, PATCH or DELETE."),
            _ when string.IsNullOrEmpty(path) => ScimError.InvalidValue("The operation has no 'path'."),
            "POST" when string.IsNullOrEmpty(bulkId) => ScimError.InvalidValue("A POST operation requires a 'bulkId'."),
            not "DELETE" when data is null => ScimError.InvalidSyntax($"A {normalized} operation requires 'data'."),
            not "DELETE" when data is { ValueKind: not JsonValueKind.Object } => ScimError.InvalidSyntax("'data' must be a JSON object."),
            _ => null,
        };

        var references = new HashSet<string>(StringComparer.Ordinal);
        if (error is null)
        {
            if (path is not null && ReferenceOf(LastSegment(path)) is { } inPath)
            {
                references.Add(inPath);
            }

            if (data is { } body)
            {
                CollectReferences(body, references);
            }
        }

        var known = normalized is "POST" or "PUT" or "PATCH" or "DELETE";
        return new ScimBulkOperation(index, known ? normalized : method ?? string.Empty, bulkId, version, path, data, references, error);

        static string? String(JsonProperty property, ref ScimError? error)
        {
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String:
                    return property.Value.GetString();
                case JsonValueKind.Null:
                    return null;
                default:
                    error ??= ScimError.InvalidSyntax($"'{property.Name}' must be a string.");
                    return null;
            }
        }
    }

    private static string LastSegment(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : Uri.UnescapeDataString(path[(slash + 1)..]);
    }

    private static void CollectReferences(JsonElement element, HashSet<string> references)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    CollectReferences(property.Value, references);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectReferences(item, references);
                }

                break;
            case JsonValueKind.String when ReferenceOf(element.GetString()) is { } reference:
                references.Add(reference);
                break;
            default:
                break;
        }
    }
}
