// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Internal;
using ScimSync.Schema;

namespace ScimSync.Patching;

/// <summary>Parses SCIM PATCH request bodies into <see cref="PatchRequest"/>s.</summary>
/// <remarks>
/// RFC 7644 §3.5.2. Checks the body's structure only: that <c>schemas</c> names the PatchOp message, that
/// <c>Operations</c> holds between one and <see cref="ScimPatchOptions.MaxOperations"/> operations, that each
/// <c>op</c> is known, each <c>path</c> parses, <c>add</c> and <c>replace</c> carry a <c>value</c> and
/// <c>remove</c> carries a <c>path</c>. What the operations mean for a resource is the job of
/// <see cref="ScimPatchEngine"/>.
/// </remarks>
public static partial class ScimPatch
{
    private const int MaxJsonDepth = 64;

    /// <summary>Parses a PATCH request body.</summary>
    /// <param name="utf8Json">The request body as UTF-8 JSON.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ScimException">The body is not a valid PATCH request.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the body type (UTF-8 bytes or a parsed JsonObject), not in trailing parameters.")]
    public static PatchRequest Parse(ReadOnlySpan<byte> utf8Json, ScimPatchOptions? options = null) =>
        TryParse(utf8Json, out var request, out var error, options) ? request : throw new ScimException(error);

    /// <summary>Parses a PATCH request body.</summary>
    /// <param name="utf8Json">The request body as UTF-8 JSON.</param>
    /// <param name="request">The request, when the body is valid.</param>
    /// <param name="error">
    /// The error, when it is not: <c>invalidSyntax</c> (with the byte offset) for bad JSON or structure,
    /// <c>invalidPath</c>, <c>invalidValue</c>, <c>noTarget</c> or <c>tooMany</c>.
    /// </param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <returns><see langword="true"/> when the body is a valid PATCH request.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the body type (UTF-8 bytes or a parsed JsonObject), not in trailing parameters.")]
    public static bool TryParse(
        ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out PatchRequest? request,
        [NotNullWhen(false)] out ScimError? error,
        ScimPatchOptions? options = null)
    {
        if (JsonText.FindInvalidText(utf8Json) is var invalid and >= 0)
        {
            request = null;
            error = ScimError.InvalidSyntax(
                $"The request body is not valid JSON: invalid UTF-8 or an unpaired surrogate escape at byte {invalid}.",
                invalid);
            return false;
        }

        JsonNode? body;
        try
        {
            body = JsonNode.Parse(
                utf8Json,
                documentOptions: new JsonDocumentOptions { MaxDepth = MaxJsonDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            request = null;
            error = ScimError.InvalidSyntax(
                "The request body is not valid JSON: " + ex.Message,
                ByteOffset(utf8Json, ex.LineNumber, ex.BytePositionInLine));
            return false;
        }

        if (body is not JsonObject obj)
        {
            request = null;
            error = ScimError.InvalidSyntax("The request body must be a JSON object.");
            return false;
        }

        return TryParse(obj, out request, out error, options);
    }

    /// <summary>Reads a PATCH request from an already parsed body.</summary>
    /// <param name="body">The request body. It is read, not changed.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ScimException">The body is not a valid PATCH request.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the body type (UTF-8 bytes or a parsed JsonObject), not in trailing parameters.")]
    public static PatchRequest Parse(JsonObject body, ScimPatchOptions? options = null) =>
        TryParse(body, out var request, out var error, options) ? request : throw new ScimException(error);

    /// <summary>Reads a PATCH request from an already parsed body.</summary>
    /// <param name="body">The request body. It is read, not changed.</param>
    /// <param name="request">The request, when the body is valid.</param>
    /// <param name="error">The error, when it is not.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <returns><see langword="true"/> when the body is a valid PATCH request.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the body type (UTF-8 bytes or a parsed JsonObject), not in trailing parameters.")]
    public static bool TryParse(
        JsonObject body,
        [NotNullWhen(true)] out PatchRequest? request,
        [NotNullWhen(false)] out ScimError? error,
        ScimPatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        options ??= ScimPatchOptions.Default;
        request = null;
        error = Read(body, options, out var operations);
        if (error is not null)
        {
            return false;
        }

        request = new PatchRequest(operations!);
        return true;
    }

    private static ScimError? Read(JsonObject body, ScimPatchOptions options, out PatchOperation[]? operations)
    {
        operations = null;
        if (body.GetPropertyIgnoreCase("schemas") is not JsonArray schemas || !ContainsPatchOp(schemas))
        {
            return ScimError.InvalidSyntax($"The request's \"schemas\" must contain \"{ScimSchemas.PatchOp}\".");
        }

        if (body.GetPropertyIgnoreCase("Operations") is not JsonArray list)
        {
            return ScimError.InvalidSyntax("The request must have an \"Operations\" array.");
        }

        if (list.Count == 0)
        {
            return ScimError.InvalidSyntax("The \"Operations\" array must hold at least one operation.");
        }

        if (list.Count > options.MaxOperations)
        {
            return ScimError.TooMany(
                $"The request has {list.Count} operations; at most {options.MaxOperations} are accepted.");
        }

        var result = new PatchOperation[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject item)
            {
                return ScimError.InvalidSyntax($"Operation {i} must be a JSON object.");
            }

            var error = ReadOperation(item, i, options.Compatibility, out var operation);
            if (error is not null)
            {
                return error;
            }

            result[i] = operation!;
        }

        operations = result;
        return null;
    }

    private static ScimError? ReadOperation(JsonObject item, int index, ScimCompatibility compatibility, out PatchOperation? operation)
    {
        operation = null;
        if (item.GetPropertyIgnoreCase("op") is not JsonValue opNode ||
            opNode.GetValueKind() != JsonValueKind.String ||
            !TryParseOperationType(opNode.GetValue<string>(), compatibility, out var type))
        {
            return ScimError.InvalidSyntax(
                $"Operation {index} must have an \"op\" of \"add\", \"remove\" or \"replace\".");
        }

        PatchPath? path = null;
        if (item.TryGetPropertyIgnoreCase("path", out _, out var pathNode) && pathNode is not null)
        {
            if (pathNode is not JsonValue pathValue || pathValue.GetValueKind() != JsonValueKind.String)
            {
                return ScimError.InvalidPath($"Operation {index}: \"path\" must be a string.");
            }

            if (!PatchPath.TryParse(pathValue.GetValue<string>(), out path, out var pathError))
            {
                return pathError! with { Detail = $"Operation {index}: {pathError!.Detail}" };
            }
        }

        var value = item.GetPropertyIgnoreCase("value");
        if (type != PatchOperationType.Remove && value is null)
        {
            return ScimError.InvalidValue($"Operation {index} ({ToWireName(type)}) must have a \"value\".");
        }

        if (type == PatchOperationType.Remove && path is null)
        {
            // RFC 7644 §3.5.2.2: a remove without a path fails with noTarget.
            return ScimError.NoTarget($"Operation {index} (remove) must have a \"path\".");
        }

        operation = new PatchOperation(type, path, value);
        return null;
    }

    private static bool TryParseOperationType(string text, ScimCompatibility compatibility, out PatchOperationType type)
    {
        var comparison = compatibility.CaseInsensitivePatchOperations ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (string.Equals(text, "add", comparison))
        {
            type = PatchOperationType.Add;
            return true;
        }

        if (string.Equals(text, "replace", comparison))
        {
            type = PatchOperationType.Replace;
            return true;
        }

        if (string.Equals(text, "remove", comparison))
        {
            type = PatchOperationType.Remove;
            return true;
        }

        type = default;
        return false;
    }

    internal static string ToWireName(PatchOperationType type) => type switch
    {
        PatchOperationType.Add => "add",
        PatchOperationType.Remove => "remove",
        _ => "replace",
    };

    private static bool ContainsPatchOp(JsonArray schemas)
    {
        foreach (var schema in schemas)
        {
            if (schema is JsonValue v && v.GetValueKind() == JsonValueKind.String &&
                string.Equals(v.GetValue<string>(), ScimSchemas.PatchOp, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static int? ByteOffset(ReadOnlySpan<byte> utf8Json, long? lineNumber, long? bytePositionInLine)
    {
        if (lineNumber is not { } line || bytePositionInLine is not { } column)
        {
            return null;
        }

        var offset = 0;
        for (long l = 0; l < line; l++)
        {
            var next = utf8Json[offset..].IndexOf((byte)'\n');
            if (next < 0)
            {
                break;
            }

            offset += next + 1;
        }

        return (int)Math.Min(offset + column, utf8Json.Length);
    }
}
