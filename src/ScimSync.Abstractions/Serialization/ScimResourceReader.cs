// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Internal;
using ScimSync.Schema;

namespace ScimSync.Serialization;

/// <summary>
/// Reads a SCIM resource (a request body or stored data) into ScimSync's canonical <see cref="JsonObject"/> form:
/// names spelled as the schema spells them, extension attributes nested under their schema URN, values type-checked,
/// unassigned values removed and read-only attributes ignored on input.
/// </summary>
/// <remarks>
/// <para>
/// RFC 7643 §2.1: names are matched ignoring case and rewritten to the schema's spelling (sub-attributes and extension
/// URNs too). §2.2: read-only attributes in a <see cref="ScimReadMode.Create"/> or <see cref="ScimReadMode.Replace"/>
/// body are ignored. §2.3: values must match the attribute's type, otherwise <c>invalidValue</c> naming the attribute
/// path. §2.4: at most one <c>primary</c> value per multi-valued attribute. §2.5: <c>null</c> and <c>[]</c> mean
/// unassigned and are dropped.
/// </para>
/// <para>
/// <c>schemas</c> (RFC 7643 §3): a value that is not an array of strings is <c>invalidSyntax</c> (the body does not
/// fit the message structure); a missing <c>schemas</c> or one that does not list the core schema URN is
/// <c>invalidValue</c> ("a required value was missing", RFC 7644 §3.12). Extension URNs are rewritten to their
/// registered spelling, an extension object whose URN is missing from <c>schemas</c> gets it added, and an unknown
/// URN is dropped (or rejected when <see cref="ScimReaderOptions.RejectUnknownAttributes"/> is set). In
/// <see cref="ScimReadMode.Stored"/> mode a missing core URN is added instead of rejected.
/// </para>
/// <para>Instances are immutable and thread-safe; create one per resource type and reuse it.</para>
/// </remarks>
public sealed partial class ScimResourceReader
{
    private static readonly string[] s_dateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.fK",
        "yyyy-MM-dd'T'HH:mm:ss.ffK",
        "yyyy-MM-dd'T'HH:mm:ss.fffK",
        "yyyy-MM-dd'T'HH:mm:ss.ffffK",
        "yyyy-MM-dd'T'HH:mm:ss.fffffK",
        "yyyy-MM-dd'T'HH:mm:ss.ffffffK",
        "yyyy-MM-dd'T'HH:mm:ss.fffffffK",
    ];

    private readonly ScimAttributeDefinition? _manager;

    /// <summary>Initializes a reader for one resource type.</summary>
    /// <param name="resourceType">The resource type, with the extensions registered for it.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    public ScimResourceReader(ScimResourceTypeDefinition resourceType, ScimReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ResourceType = resourceType;
        Options = options ?? new ScimReaderOptions();
        _manager = resourceType.FindSchema(ScimSchemas.EnterpriseUser)?.FindAttribute("manager");
    }

    /// <summary>Gets the resource type this reader reads.</summary>
    public ScimResourceTypeDefinition ResourceType { get; }

    /// <summary>Gets the options.</summary>
    public ScimReaderOptions Options { get; }

    /// <summary>Reads a resource from UTF-8 JSON.</summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <param name="mode">Whether the data comes from a client request or from a store.</param>
    /// <param name="resource">The canonical resource when reading succeeded.</param>
    /// <param name="error">
    /// The problem otherwise: <c>invalidSyntax</c> (with the byte offset in <see cref="ScimError.Position"/>) for
    /// malformed JSON or a body that is not an object, <c>invalidValue</c> for values that do not fit the schema.
    /// </param>
    /// <returns><see langword="true"/> when the resource was read.</returns>
    /// <remarks>RFC 7644 §3.12 for the error types.</remarks>
    public bool TryRead(
        ReadOnlySpan<byte> utf8Json,
        ScimReadMode mode,
        [NotNullWhen(true)] out JsonObject? resource,
        [NotNullWhen(false)] out ScimError? error)
    {
        if (JsonText.FindInvalidText(utf8Json) is var invalid and >= 0)
        {
            resource = null;
            error = ScimError.InvalidSyntax(
                $"The request body is not valid JSON: invalid UTF-8 or an unpaired surrogate escape at byte {invalid}.",
                invalid);
            return false;
        }

        JsonElement root;
        try
        {
            // The same parse JsonNode.Parse does, without wrapping every member in a node first.
            root = JsonElement.Parse(
                utf8Json,
                new JsonDocumentOptions { MaxDepth = Options.MaxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            resource = null;
            error = ScimError.InvalidSyntax("The request body is not valid JSON: " + ex.Message, ToByteOffset(utf8Json, ex));
            return false;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            resource = null;
            error = ScimError.InvalidSyntax("The request body must be a JSON object.", 0);
            return false;
        }

        try
        {
            resource = ReadResource(root, mode);
            error = null;
            return true;
        }
        catch (ScimException ex)
        {
            resource = null;
            error = ex.Error;
            return false;
        }
    }

    /// <summary>Reads a resource that is already parsed. <paramref name="json"/> is not modified.</summary>
    /// <param name="json">The parsed resource.</param>
    /// <param name="mode">Whether the data comes from a client request or from a store.</param>
    /// <param name="resource">A new canonical resource when reading succeeded.</param>
    /// <param name="error">The problem otherwise.</param>
    /// <returns><see langword="true"/> when the resource was read.</returns>
    /// <remarks>RFC 7643 §2, RFC 7644 §3.12.</remarks>
    public bool TryRead(
        JsonObject json,
        ScimReadMode mode,
        [NotNullWhen(true)] out JsonObject? resource,
        [NotNullWhen(false)] out ScimError? error)
    {
        ArgumentNullException.ThrowIfNull(json);

        // One set of reading rules: an object built in memory goes through the same path as a request body.
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            json.WriteTo(writer);
        }

        return TryRead(buffer.WrittenSpan, mode, out resource, out error);
    }

    /// <summary>Reads a resource from UTF-8 JSON, throwing on invalid input.</summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <param name="mode">Whether the data comes from a client request or from a store.</param>
    /// <returns>The canonical resource.</returns>
    /// <exception cref="ScimException">The input is not a valid resource; see <see cref="TryRead(ReadOnlySpan{byte}, ScimReadMode, out JsonObject?, out ScimError?)"/>.</exception>
    /// <remarks>RFC 7644 §3.12.</remarks>
    public JsonObject Read(ReadOnlySpan<byte> utf8Json, ScimReadMode mode) =>
        TryRead(utf8Json, mode, out var resource, out var error) ? resource : throw new ScimException(error);

    /// <summary>Reads a parsed resource, throwing on invalid input. <paramref name="json"/> is not modified.</summary>
    /// <param name="json">The parsed resource.</param>
    /// <param name="mode">Whether the data comes from a client request or from a store.</param>
    /// <returns>A new canonical resource.</returns>
    /// <exception cref="ScimException">The input is not a valid resource.</exception>
    /// <remarks>RFC 7644 §3.12.</remarks>
    public JsonObject Read(JsonObject json, ScimReadMode mode) =>
        TryRead(json, mode, out var resource, out var error) ? resource : throw new ScimException(error);

    private static int ToByteOffset(ReadOnlySpan<byte> utf8Json, JsonException ex)
    {
        var line = ex.LineNumber ?? 0;
        var offset = 0;
        while (line > 0)
        {
            var newline = utf8Json[offset..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            offset += newline + 1;
            line--;
        }

        return (int)Math.Min(utf8Json.Length, offset + (ex.BytePositionInLine ?? 0));
    }

    private static ScimException Invalid(string detail) => new(ScimError.InvalidValue(detail));

    private static bool IsUrn(string key) => key.Contains(':', StringComparison.Ordinal);

    private void CheckRequiredAll(JsonObject output, ScimReadMode mode)
    {
        var core = ResourceType.Schema;
        if (mode != ScimReadMode.Stored)
        {
            CheckRequired(core, output, string.Empty);
            foreach (var extension in ResourceType.Extensions)
            {
                if (output[extension.Schema.Id] is JsonObject present)
                {
                    CheckRequired(extension.Schema, present, extension.Schema.Id + ":");
                }
                else if (extension.Required)
                {
                    throw Invalid($"The extension '{extension.Schema.Id}' is required for resource type '{ResourceType.Name}'.");
                }
            }
        }
    }

    private void CompleteSchemas(JsonArray schemas, bool hasCore, List<string>? listed, List<ScimSchemaDefinition>? presentExtensions, ScimReadMode mode)
    {
        var core = ResourceType.Schema;
        if (!hasCore && mode != ScimReadMode.Stored)
        {
            throw Invalid($"'schemas' must list the core schema '{core.Id}'.");
        }

        schemas.Add((JsonNode)core.Id);
        foreach (var extension in presentExtensions ?? [])
        {
            if (listed is null || !listed.Contains(extension.Id))
            {
                (listed ??= []).Add(extension.Id);
            }
        }

        // Keep the registration order so the output does not depend on how the client ordered the list.
        foreach (var extension in ResourceType.Extensions)
        {
            if (listed is not null && listed.Contains(extension.Schema.Id))
            {
                schemas.Add((JsonNode)extension.Schema.Id);
            }
        }
    }

    private static void CheckRequired(ScimSchemaDefinition schema, JsonObject resource, string prefix)
    {
        foreach (var attribute in schema.Attributes)
        {
            if (attribute.Required && attribute.Mutability != ScimMutability.ReadOnly && !resource.ContainsKey(attribute.Name))
            {
                throw Invalid($"'{prefix}{attribute.Name}' is required.");
            }
        }
    }

    private static void AddOnce(JsonObject output, string name, JsonNode value)
    {
        if (!output.TryAdd(name, value))
        {
            throw new ScimException(ScimError.InvalidSyntax($"'{name}' is given more than once (names are case-insensitive)."));
        }
    }

    private static bool Skips(ScimAttributeDefinition definition, ScimReadMode mode) =>
        definition.Mutability == ScimMutability.ReadOnly && mode != ScimReadMode.Stored;

    private static string TypeName(ScimAttributeType type) => type switch
    {
        ScimAttributeType.Boolean => "boolean",
        ScimAttributeType.Integer => "integer",
        ScimAttributeType.Decimal => "decimal number",
        ScimAttributeType.DateTime => "xsd:dateTime string (for example 2008-01-23T04:56:22Z)",
        ScimAttributeType.Binary => "base64 string",
        ScimAttributeType.Reference => "URI reference string",
        ScimAttributeType.Complex => "complex value",
        _ => "string",
    };
}
