// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Internal;
using ScimSync.Patching;
using ScimSync.Schema;

namespace ScimSync.Serialization;

/// <summary>
/// Writes the response representation of a canonical resource: the attributes the client asked for with
/// <c>attributes</c> or <c>excludedAttributes</c>, filtered by each attribute's <c>returned</c> characteristic.
/// </summary>
/// <remarks>
/// <para>
/// RFC 7644 §3.4.2.5 and §3.9, RFC 7643 §2.4 (<c>returned</c>): <c>always</c> attributes (<c>id</c>,
/// <c>schemas</c>) are written whatever the lists say; <c>never</c> attributes (<c>password</c>) are never written;
/// <c>request</c> attributes only when named in <c>attributes</c>; <c>default</c> attributes unless
/// <c>attributes</c> is given without naming them, or <c>excludedAttributes</c> names them. <c>meta</c> is
/// <c>default</c> (RFC 7643 §3.1 does not make it <c>always</c>), so <c>attributes=userName</c> yields only
/// <c>schemas</c>, <c>id</c> and <c>userName</c>.
/// </para>
/// <para>
/// Naming a complex attribute selects all its sub-attributes; naming a sub-attribute (<c>name.givenName</c>,
/// <c>emails.value</c>) selects only that one. Extension attributes are named with their URN
/// (<c>urn:...:enterprise:2.0:User:department</c>); the bare URN names the whole extension. When both lists are
/// given, <c>attributes</c> wins and <c>excludedAttributes</c> is ignored. Extensions that end up empty are left out
/// of <c>schemas</c> as well. Multi-valued elements left with no selected sub-attribute are skipped.
/// </para>
/// <para>
/// A value selected whole, with no sub-attribute to leave out, is written as it is held; when it is still in the
/// document it was parsed from (as stores return resources), it is copied from there without being materialised.
/// Canonical resources hold no JSON <c>null</c> (RFC 7643 §2.5: null is unassigned; the reader drops them).
/// </para>
/// </remarks>
public static partial class ScimProjection
{
    /// <summary>Writes the projected representation of <paramref name="resource"/> straight to a writer.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="resource">A canonical resource (as produced by <see cref="ScimResourceReader"/>).</param>
    /// <param name="resourceType">The resource's type.</param>
    /// <param name="attributes">The <c>attributes</c> parameter, or <see langword="null"/>.</param>
    /// <param name="excludedAttributes">The <c>excludedAttributes</c> parameter, or <see langword="null"/>.</param>
    /// <remarks>RFC 7644 §3.4.2.5.</remarks>
    public static void WriteTo(
        Utf8JsonWriter writer,
        JsonObject resource,
        ScimResourceTypeDefinition resourceType,
        IReadOnlyList<AttributePath>? attributes = null,
        IReadOnlyList<AttributePath>? excludedAttributes = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(resourceType);
        var selection = new Selection(attributes, excludedAttributes);
        var core = resourceType.Schema;
        writer.WriteStartObject();
        foreach (var (key, value) in resource)
        {
            if (value is null)
            {
                continue;
            }

            if (string.Equals(key, ScimCommonAttributes.Schemas.Name, StringComparison.OrdinalIgnoreCase))
            {
                WriteSchemas(writer, key, value, resource, resourceType, selection);
                continue;
            }

            if (FindExtension(resourceType, key) is { } extension)
            {
                if (value is JsonObject extensionObject && HasOutput(extension, extensionObject, selection))
                {
                    writer.WritePropertyName(key);
                    if (selection.IsDefault && extension.WrittenWholeByDefault)
                    {
                        // Nothing in it is filtered out: written as stored, nested values never materialised.
                        extensionObject.WriteTo(writer);
                    }
                    else
                    {
                        WriteAttributes(writer, extension, isCore: false, extensionObject, selection);
                    }
                }

                continue;
            }

            var definition = core.FindAttribute(key) ?? ScimCommonAttributes.Find(key);
            WriteAttribute(writer, core, isCore: true, definition, key, value, selection);
        }

        writer.WriteEndObject();
    }

    /// <summary>Returns the projected representation of <paramref name="resource"/> as a new object.</summary>
    /// <param name="resource">A canonical resource.</param>
    /// <param name="resourceType">The resource's type.</param>
    /// <param name="attributes">The <c>attributes</c> parameter, or <see langword="null"/>.</param>
    /// <param name="excludedAttributes">The <c>excludedAttributes</c> parameter, or <see langword="null"/>.</param>
    /// <returns>A new object; <paramref name="resource"/> is not modified.</returns>
    /// <remarks>RFC 7644 §3.4.2.5. Prefer <see cref="WriteTo"/> on response paths.</remarks>
    public static JsonObject Project(
        JsonObject resource,
        ScimResourceTypeDefinition resourceType,
        IReadOnlyList<AttributePath>? attributes = null,
        IReadOnlyList<AttributePath>? excludedAttributes = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer, resource, resourceType, attributes, excludedAttributes);
        }

        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }

    /// <summary>
    /// Removes, in place, every attribute and sub-attribute whose <c>returned</c> characteristic is <c>never</c>
    /// (<c>password</c>), including inside extensions. For output paths that do not go through
    /// <see cref="WriteTo"/>.
    /// </summary>
    /// <param name="resource">A canonical resource.</param>
    /// <param name="resourceType">The resource's type.</param>
    /// <remarks>RFC 7643 §2.4 and §7 (<c>returned</c>).</remarks>
    public static void RemoveNeverReturned(JsonObject resource, ScimResourceTypeDefinition resourceType)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(resourceType);
        RemoveNever(resourceType.Schema, resource);
        foreach (var extension in resourceType.Extensions)
        {
            if (resource.TryGetPropertyValue(extension.Schema.Id, out var node) && node is JsonObject extensionObject)
            {
                RemoveNever(extension.Schema, extensionObject);
            }
        }
    }

    private static void RemoveNever(ScimSchemaDefinition schema, JsonObject target)
    {
        foreach (var attribute in schema.Attributes)
        {
            if (attribute.Returned == ScimReturned.Never)
            {
                target.Remove(attribute.Name);
                continue;
            }

            if (!attribute.IsComplex || !target.TryGetPropertyValue(attribute.Name, out var value))
            {
                continue;
            }

            foreach (var sub in attribute.SubAttributes)
            {
                if (sub.Returned != ScimReturned.Never)
                {
                    continue;
                }

                if (value is JsonObject single)
                {
                    single.Remove(sub.Name);
                }
                else if (value is JsonArray many)
                {
                    foreach (var element in many)
                    {
                        (element as JsonObject)?.Remove(sub.Name);
                    }
                }
            }
        }
    }

    private static ScimSchemaDefinition? FindExtension(ScimResourceTypeDefinition resourceType, string key)
    {
        if (!key.Contains(':', StringComparison.Ordinal))
        {
            return null;
        }

        var schema = resourceType.FindSchema(key);
        return ReferenceEquals(schema, resourceType.Schema) ? null : schema;
    }

    private static void WriteSchemas(
        Utf8JsonWriter writer,
        string key,
        JsonNode value,
        JsonObject resource,
        ScimResourceTypeDefinition resourceType,
        Selection selection)
    {
        writer.WritePropertyName(key);
        if (value is not JsonArray uris)
        {
            value.WriteTo(writer);
            return;
        }

        writer.WriteStartArray();
        foreach (var item in uris)
        {
            if (item is JsonValue uriValue && uriValue.TryGetValue<string>(out var uri) &&
                FindExtension(resourceType, uri) is { } extension &&
                resource.GetPropertyIgnoreCase(extension.Id) is JsonObject extensionObject &&
                !HasOutput(extension, extensionObject, selection))
            {
                continue;
            }

            item?.WriteTo(writer);
        }

        writer.WriteEndArray();
    }

    private static bool HasOutput(ScimSchemaDefinition schema, JsonObject attributes, Selection selection)
    {
        foreach (var (key, value) in attributes)
        {
            if (value is null)
            {
                continue;
            }

            var definition = schema.FindAttribute(key);
            var inclusion = selection.Top(schema.Id, isCore: false, definition, key);
            if (inclusion == Inclusion.Full ||
                (inclusion == Inclusion.Partial && HasSelectedSub(schema.Id, isCore: false, definition, key, value, selection)))
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteAttributes(Utf8JsonWriter writer, ScimSchemaDefinition schema, bool isCore, JsonObject attributes, Selection selection)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in attributes)
        {
            if (value is not null)
            {
                WriteAttribute(writer, schema, isCore, schema.FindAttribute(key), key, value, selection);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteAttribute(
        Utf8JsonWriter writer,
        ScimSchemaDefinition schema,
        bool isCore,
        ScimAttributeDefinition? definition,
        string key,
        JsonNode? value,
        Selection selection)
    {
        if (value is null)
        {
            return;
        }

        var inclusion = selection.Top(schema.Id, isCore, definition, key);
        if (inclusion == Inclusion.None)
        {
            return;
        }

        if (definition is null || !definition.IsComplex)
        {
            writer.WritePropertyName(key);
            value.WriteTo(writer);
            return;
        }

        if (inclusion == Inclusion.Full && !definition.HasNeverReturnedSubAttribute)
        {
            // Every sub-attribute is written: the value goes out as stored. One still in its parsed document (as stores
            // hand them over) is copied from there without building a node per element and sub-attribute.
            writer.WritePropertyName(key);
            value.WriteTo(writer);
            return;
        }

        if (inclusion == Inclusion.Partial && !HasSelectedSub(schema.Id, isCore, definition, key, value, selection))
        {
            return;
        }

        writer.WritePropertyName(key);
        if (value is JsonArray many)
        {
            writer.WriteStartArray();
            foreach (var element in many)
            {
                if (element is JsonObject complex)
                {
                    if (inclusion == Inclusion.Full || HasSelectedSub(schema.Id, isCore, definition, key, complex, selection))
                    {
                        WriteComplex(writer, schema.Id, isCore, definition, key, complex, inclusion, selection);
                    }
                }
                else
                {
                    element?.WriteTo(writer);
                }
            }

            writer.WriteEndArray();
        }
        else if (value is JsonObject single)
        {
            WriteComplex(writer, schema.Id, isCore, definition, key, single, inclusion, selection);
        }
        else
        {
            value.WriteTo(writer);
        }
    }

    private static void WriteComplex(
        Utf8JsonWriter writer,
        string schemaId,
        bool isCore,
        ScimAttributeDefinition definition,
        string key,
        JsonObject complex,
        Inclusion inclusion,
        Selection selection)
    {
        writer.WriteStartObject();
        foreach (var (subKey, subValue) in complex)
        {
            if (subValue is null)
            {
                continue;
            }

            var sub = definition.FindSubAttribute(subKey);
            var selected = inclusion == Inclusion.Full
                ? sub?.Returned != ScimReturned.Never
                : selection.Sub(schemaId, isCore, key, sub, subKey);
            if (selected)
            {
                writer.WritePropertyName(subKey);
                subValue.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private static bool HasSelectedSub(string schemaId, bool isCore, ScimAttributeDefinition? definition, string key, JsonNode value, Selection selection)
    {
        if (definition is null || !definition.IsComplex)
        {
            return true;
        }

        if (value is JsonArray many)
        {
            foreach (var element in many)
            {
                if (element is not JsonObject complex || HasSelectedSub(schemaId, isCore, definition, key, complex, selection))
                {
                    return true;
                }
            }

            return false;
        }

        if (value is not JsonObject single)
        {
            return true;
        }

        foreach (var (subKey, subValue) in single)
        {
            if (subValue is not null && selection.Sub(schemaId, isCore, key, definition.FindSubAttribute(subKey), subKey))
            {
                return true;
            }
        }

        return false;
    }

    private enum Inclusion
    {
        None,
        Partial,
        Full,
    }

    private sealed class Selection(IReadOnlyList<AttributePath>? attributes, IReadOnlyList<AttributePath>? excluded)
    {
        private readonly IReadOnlyList<AttributePath>? _attributes = attributes is { Count: > 0 } ? attributes : null;
        private readonly IReadOnlyList<AttributePath>? _excluded = attributes is { Count: > 0 } || excluded is not { Count: > 0 } ? null : excluded;

        /// <summary>Gets a value indicating whether neither list is given: every attribute returned by default is written.</summary>
        public bool IsDefault => _attributes is null && _excluded is null;

        public Inclusion Top(string schemaId, bool isCore, ScimAttributeDefinition? definition, string name)
        {
            var returned = definition?.Returned ?? ScimReturned.Default;
            switch (returned)
            {
                case ScimReturned.Never:
                    return Inclusion.None;
                case ScimReturned.Always:
                    return Inclusion.Full;
            }

            if (_attributes is not null)
            {
                if (!isCore && NamesSchema(_attributes, schemaId))
                {
                    return Inclusion.Full;
                }

                return Names(_attributes, schemaId, isCore, name, out var whole)
                    ? whole ? Inclusion.Full : Inclusion.Partial
                    : Inclusion.None;
            }

            if (returned == ScimReturned.Request)
            {
                return Inclusion.None;
            }

            if (_excluded is not null)
            {
                if (!isCore && NamesSchema(_excluded, schemaId))
                {
                    return Inclusion.None;
                }

                if (Names(_excluded, schemaId, isCore, name, out var whole))
                {
                    return whole ? Inclusion.None : Inclusion.Partial;
                }
            }

            return Inclusion.Full;
        }

        public bool Sub(string schemaId, bool isCore, string name, ScimAttributeDefinition? sub, string subName)
        {
            var returned = sub?.Returned ?? ScimReturned.Default;
            switch (returned)
            {
                case ScimReturned.Never:
                    return false;
                case ScimReturned.Always:
                    return true;
            }

            if (_attributes is not null)
            {
                return NamesSub(_attributes, schemaId, isCore, name, subName);
            }

            return returned != ScimReturned.Request && (_excluded is null || !NamesSub(_excluded, schemaId, isCore, name, subName));
        }

        private static bool SchemaMatches(AttributePath path, string schemaId, bool isCore) =>
            path.SchemaUri is null ? isCore : string.Equals(path.SchemaUri, schemaId, StringComparison.OrdinalIgnoreCase);

        // A bare URN may arrive whole as the attribute name, or split at its last colon by the path parser.
        private static bool NamesSchema(IReadOnlyList<AttributePath> paths, string schemaId)
        {
            foreach (var path in paths)
            {
                if (path.SubAttributeName is not null)
                {
                    continue;
                }

                if (path.SchemaUri is null
                    ? string.Equals(path.AttributeName, schemaId, StringComparison.OrdinalIgnoreCase)
                    : schemaId.Length == path.SchemaUri.Length + 1 + path.AttributeName.Length &&
                      schemaId.StartsWith(path.SchemaUri, StringComparison.OrdinalIgnoreCase) &&
                      schemaId[path.SchemaUri.Length] == ':' &&
                      schemaId.EndsWith(path.AttributeName, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Names(IReadOnlyList<AttributePath> paths, string schemaId, bool isCore, string name, out bool whole)
        {
            var named = false;
            whole = false;
            foreach (var path in paths)
            {
                if (SchemaMatches(path, schemaId, isCore) && string.Equals(path.AttributeName, name, StringComparison.OrdinalIgnoreCase))
                {
                    named = true;
                    if (path.SubAttributeName is null)
                    {
                        whole = true;
                        return true;
                    }
                }
            }

            return named;
        }

        private static bool NamesSub(IReadOnlyList<AttributePath> paths, string schemaId, bool isCore, string name, string subName)
        {
            foreach (var path in paths)
            {
                if (SchemaMatches(path, schemaId, isCore) &&
                    string.Equals(path.AttributeName, name, StringComparison.OrdinalIgnoreCase) &&
                    (path.SubAttributeName is null || string.Equals(path.SubAttributeName, subName, StringComparison.OrdinalIgnoreCase)))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
