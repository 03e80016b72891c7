// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Patching;
using ScimSync.Schema;
using ScimSync.Stores;

namespace ScimSync.Serialization;

public static partial class ScimProjection
{
    private const int MaxStackName = 128;

    // JSON text in which no string holds an escape or a character the writer's encoder escapes: printable ASCII but
    // the backslash for UnsafeRelaxedJsonEscaping (what the server writes with), and without the HTML-sensitive
    // characters for the default encoder.
    private static readonly SearchValues<byte> s_plainForRelaxed = SearchValues.Create(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    private static readonly SearchValues<byte> s_plainForDefault = SearchValues.Create(
        " !\"#$%()*,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~"u8);

    /// <summary>
    /// Writes the response representation of a stored resource (<c>schemas</c>, <c>id</c>, the attributes, the derived
    /// attributes, then <c>meta</c>) straight from the UTF-8 JSON its store returned, without building a node for what
    /// is written whole.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The output is byte for byte what <see cref="WriteTo"/> writes for the object
    /// <c>{"schemas": ..., "id": Id, ...attributes, ...derived attributes, "meta": meta}</c>, with the same
    /// projection rules, where <c>meta</c> is <see cref="ScimResourceMeta.Create"/>'s for <paramref name="baseUrl"/>.
    /// It applies to a resource its store initialized from UTF-8
    /// (<see cref="StoredResource(string, ReadOnlyMemory{byte}, string, DateTimeOffset, DateTimeOffset)"/>) whose
    /// <see cref="StoredResource.Resource"/> has not been read since. An attribute that the projection writes only in
    /// part (some sub-attributes selected or never returned) is parsed on its own and written as <see cref="WriteTo"/>
    /// writes it.
    /// </para>
    /// <para>
    /// The derived attributes are those set with <see cref="StoredResource.SetDerivedAttribute"/>, in the order set,
    /// then the groups and members set with <see cref="StoredResource.SetDerivedGroups"/> and
    /// <see cref="StoredResource.SetDerivedMembers"/>, each with a <c>$ref</c> after its other sub-attributes
    /// (RFC 7643 §4.1.2, §4.2): its URL under <paramref name="baseUrl"/>, <c>/Groups/</c> for a group and for a member of
    /// type <c>Group</c>, <c>/Users/</c> for any other member.
    /// </para>
    /// <para>
    /// Nothing is written, and the result is <see langword="false"/>, when the resource is held as a
    /// <see cref="JsonObject"/>, when its JSON spells <c>schemas</c>, <c>id</c> or <c>meta</c> in another case or
    /// escapes a name, or when a derived attribute has the name of a stored one or of an extension; write the
    /// resource with <see cref="WriteTo"/> then.
    /// </para>
    /// </remarks>
    /// <param name="writer">The writer.</param>
    /// <param name="stored">The stored resource.</param>
    /// <param name="resourceType">The resource's type.</param>
    /// <param name="baseUrl">The SCIM base URL, without a trailing slash (<c>https://host/scim/v2</c>).</param>
    /// <param name="attributes">The <c>attributes</c> parameter, or <see langword="null"/>.</param>
    /// <param name="excludedAttributes">The <c>excludedAttributes</c> parameter, or <see langword="null"/>.</param>
    /// <returns>Whether the resource was written.</returns>
    public static bool TryWriteStored(
        Utf8JsonWriter writer,
        StoredResource stored,
        ScimResourceTypeDefinition resourceType,
        string baseUrl,
        IReadOnlyList<AttributePath>? attributes = null,
        IReadOnlyList<AttributePath>? excludedAttributes = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(baseUrl);
        var json = stored.Utf8Json;
        if (json.IsEmpty)
        {
            return false;
        }

        var rented = ArrayPool<StoredProperty>.Shared.Rent(32);
        try
        {
            if (!TryIndex(json.Span, ref rented, out var count) || !DerivedFit(stored, json.Span, rented.AsSpan(0, count)))
            {
                return false;
            }

            var document = new StoredDocument(json.Span, rented.AsSpan(0, count), resourceType);
            WriteStored(writer, stored, document, baseUrl, new Selection(attributes, excludedAttributes));
            return true;
        }
        finally
        {
            ArrayPool<StoredProperty>.Shared.Return(rented, clearArray: true);
        }
    }

    // The top-level properties: where each name and value lies. False when a name is escaped or too long for the
    // stack, when schemas, id or meta are spelled in another case, or when the JSON is not an object.
    private static bool TryIndex(ReadOnlySpan<byte> json, ref StoredProperty[] properties, out int count)
    {
        count = 0;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                ReadOnlySpan<byte> name = reader.ValueSpan;
                if (reader.ValueIsEscaped || name.Length > MaxStackName)
                {
                    return false;
                }

                var nameStart = (int)reader.TokenStartIndex + 1;
                var role = PropertyRole.Attribute;
                if (Ascii.EqualsIgnoreCase(name, "schemas"u8) || Ascii.EqualsIgnoreCase(name, "id"u8) || Ascii.EqualsIgnoreCase(name, "meta"u8))
                {
                    if (!name.SequenceEqual("schemas"u8) && !name.SequenceEqual("id"u8) && !name.SequenceEqual("meta"u8))
                    {
                        return false;
                    }

                    role = name[0] == (byte)'s' ? PropertyRole.Schemas : PropertyRole.Skipped;
                }

                reader.Read();
                var valueStart = (int)reader.TokenStartIndex;
                var token = reader.TokenType;
                reader.Skip();
                if (count == properties.Length)
                {
                    var larger = ArrayPool<StoredProperty>.Shared.Rent(count * 2);
                    properties.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<StoredProperty>.Shared.Return(properties, clearArray: true);
                    properties = larger;
                }

                var qualified = name.Contains((byte)':');
                properties[count++] = new StoredProperty(nameStart, name.Length, valueStart, (int)reader.BytesConsumed - valueStart, token, role, qualified);
            }

            return reader.TokenType == JsonTokenType.EndObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // Derived attributes join the end of the object, as Resource[name] = value would put them, so each must be new
    // to it; an extension or a common attribute set that way is left to the object path. Stored names are unescaped
    // (TryIndex), so comparing UTF-8 bytes is comparing the names ordinally.
    private static bool DerivedFit(StoredResource stored, ReadOnlySpan<byte> json, ReadOnlySpan<StoredProperty> properties)
    {
        Span<byte> utf8 = stackalloc byte[MaxStackName];
        foreach (var (name, _) in stored.DerivedAttributes)
        {
            if (name.Contains(':', StringComparison.Ordinal) || ScimCommonAttributes.Find(name) is not null)
            {
                return false;
            }

            if (Encoding.UTF8.TryGetBytes(name, utf8, out var length) && IsStored(utf8[..length], json, properties))
            {
                return false;
            }
        }

        return !(stored.DerivedGroups is not null && IsStored("groups"u8, json, properties)) &&
            !(stored.DerivedMembers is not null && IsStored("members"u8, json, properties));

        // A name longer than the stack buffer is longer than any stored name can be here.
        static bool IsStored(ReadOnlySpan<byte> name, ReadOnlySpan<byte> json, ReadOnlySpan<StoredProperty> properties)
        {
            foreach (var property in properties)
            {
                if (property.Name(json).SequenceEqual(name))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static void WriteStored(Utf8JsonWriter writer, StoredResource stored, StoredDocument document, string baseUrl, Selection selection)
    {
        var core = document.ResourceType.Schema;
        Span<char> chars = stackalloc char[MaxStackName];
        writer.WriteStartObject();
        for (var i = 0; i < document.Properties.Length; i++)
        {
            if (document.Properties[i].Role == PropertyRole.Schemas && document.Properties[i].Token != JsonTokenType.Null)
            {
                WriteStoredSchemas(writer, document, i, selection);
                break;
            }
        }

        var id = ScimCommonAttributes.Id.Name;
        if (selection.Top(core.Id, isCore: true, core.FindAttribute(id) ?? ScimCommonAttributes.Id, id) != Inclusion.None)
        {
            // A simple value: WriteAttribute writes the name and the value, as here.
            writer.WriteString(id, stored.Id);
        }

        for (var i = 0; i < document.Properties.Length; i++)
        {
            var property = document.Properties[i];
            if (property.Role != PropertyRole.Attribute || property.Token == JsonTokenType.Null)
            {
                continue;
            }

            var nameBytes = property.Name(document.Json);
            var name = chars[..Encoding.UTF8.GetChars(nameBytes, chars)];
            if (name.Contains(':') && document.FindExtension(name) is { } extension)
            {
                if (property.Token != JsonTokenType.StartObject)
                {
                    continue;
                }

                if (selection.IsDefault && extension.WrittenWholeByDefault)
                {
                    // Nothing in it is filtered out: written as stored when it has anything to write.
                    if (HasMember(property.Value(document.Json)))
                    {
                        writer.WritePropertyName(nameBytes);
                        CopyValue(writer, property.Value(document.Json));
                    }
                }
                else if (document.Parse(i) is JsonObject extensionObject && HasOutput(extension, extensionObject, selection))
                {
                    writer.WritePropertyName(nameBytes);
                    WriteAttributes(writer, extension, isCore: false, extensionObject, selection);
                }

                continue;
            }

            var definition = core.FindAttribute(name) ?? ScimCommonAttributes.Find(name);
            var key = definition?.Name ?? name.ToString();
            var inclusion = selection.Top(core.Id, isCore: true, definition, key);
            if (inclusion == Inclusion.None)
            {
                continue;
            }

            if (definition is null || !definition.IsComplex || (inclusion == Inclusion.Full && !definition.HasNeverReturnedSubAttribute))
            {
                writer.WritePropertyName(nameBytes);
                CopyValue(writer, property.Value(document.Json));
            }
            else
            {
                // Written in part: parsed on its own and written as the object path writes it, under the stored name.
                WriteAttribute(writer, core, isCore: true, definition, name.ToString(), document.Parse(i), selection);
            }
        }

        foreach (var (name, value) in stored.DerivedAttributes)
        {
            if (value is not null)
            {
                WriteAttribute(writer, core, isCore: true, core.FindAttribute(name), name, value, selection);
            }
        }

        if (stored.DerivedGroups is { } groups)
        {
            WriteReferences(writer, core, "groups", new References(groups, null), baseUrl, selection);
        }

        if (stored.DerivedMembers is { } members)
        {
            WriteReferences(writer, core, "members", new References(null, members), baseUrl, selection);
        }

        var metaName = ScimCommonAttributes.Meta.Name;
        var metaDefinition = core.FindAttribute(metaName) ?? ScimCommonAttributes.Meta;
        WriteMeta(writer, core, metaDefinition, stored, document.ResourceType, baseUrl, selection);

        writer.WriteEndObject();
    }

    // WriteAttribute for ScimResourceMeta.Create's object, which is written whole unless the selection takes part of it.
    private static void WriteMeta(
        Utf8JsonWriter writer,
        ScimSchemaDefinition core,
        ScimAttributeDefinition definition,
        StoredResource stored,
        ScimResourceTypeDefinition resourceType,
        string baseUrl,
        Selection selection)
    {
        var name = ScimCommonAttributes.Meta.Name;
        var inclusion = selection.Top(core.Id, isCore: true, definition, name);
        if (inclusion == Inclusion.None)
        {
            return;
        }

        if (inclusion != Inclusion.Full || definition.HasNeverReturnedSubAttribute || !definition.IsComplex)
        {
            WriteAttribute(writer, core, isCore: true, definition, name, ScimResourceMeta.Create(stored, resourceType, baseUrl), selection);
            return;
        }

        Span<char> time = stackalloc char[ScimResourceMeta.TimeLength];
        writer.WritePropertyName(name);
        writer.WriteStartObject();
        writer.WriteString("resourceType", resourceType.Name);
        ScimResourceMeta.FormatTime(stored.Created, time);
        writer.WriteString("created", time);
        ScimResourceMeta.FormatTime(stored.LastModified, time);
        writer.WriteString("lastModified", time);
        WriteUrl(writer, "location"u8, baseUrl, resourceType.Endpoint, "/", stored.Id);
        var version = stored.Version;
        if (version.Length <= MaxStackName)
        {
            Span<char> tag = stackalloc char[MaxStackName + 3];
            tag[0] = 'W';
            tag[1] = '/';
            tag[2] = '"';
            version.CopyTo(tag[3..]);
            tag[3 + version.Length] = '"';
            writer.WriteString("version"u8, tag[..(version.Length + 4)]);
        }
        else
        {
            writer.WriteString("version"u8, ScimResourceMeta.ETag(version));
        }

        writer.WriteEndObject();
    }

    // A derived groups or members list: written from the references when written whole, otherwise as the object path
    // writes them as an array with their $ref.
    private static void WriteReferences(Utf8JsonWriter writer, ScimSchemaDefinition core, string name, References references, string baseUrl, Selection selection)
    {
        var definition = core.FindAttribute(name);
        var inclusion = selection.Top(core.Id, isCore: true, definition, name);
        if (inclusion == Inclusion.None)
        {
            return;
        }

        if (definition is not null && definition.IsComplex && (inclusion != Inclusion.Full || definition.HasNeverReturnedSubAttribute))
        {
            WriteAttribute(writer, core, isCore: true, definition, name, references.ToJson(baseUrl), selection);
            return;
        }

        writer.WritePropertyName(name);
        writer.WriteStartArray();
        if (references.Groups is { } groups)
        {
            for (var i = 0; i < groups.Count; i++)
            {
                WriteReference(writer, groups[i].Id, groups[i].DisplayName, "direct", ScimResourceMeta.ReferenceEndpoint(isGroup: true), baseUrl);
            }
        }
        else
        {
            var members = references.Members!;
            for (var i = 0; i < members.Count; i++)
            {
                WriteReference(writer, members[i].Value, members[i].Display, members[i].Type, ScimResourceMeta.ReferenceEndpoint(References.IsGroup(members[i])), baseUrl);
            }
        }

        writer.WriteEndArray();
    }

    // One group or member: value, display and type when they are set, then $ref.
    private static void WriteReference(Utf8JsonWriter writer, string value, string? display, string? type, string endpoint, string baseUrl)
    {
        writer.WriteStartObject();
        writer.WriteString("value"u8, value);
        if (display is not null)
        {
            writer.WriteString("display"u8, display);
        }

        if (type is not null)
        {
            writer.WriteString("type"u8, type);
        }

        WriteUrl(writer, "$ref"u8, baseUrl, endpoint, "/", value);
        writer.WriteEndObject();
    }

    // Writes base + endpoint + separator + the escaped id as one string, as ScimResourceMeta.Location concatenates it.
    private static void WriteUrl(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string baseUrl, string endpoint, string separator, string id)
    {
        // Escaping writes at most three characters for each UTF-8 byte, and a character has at most three bytes.
        var length = baseUrl.Length + endpoint.Length + separator.Length + (id.Length * 9);
        char[]? rented = null;
        var buffer = length <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(length));
        try
        {
            var written = 0;
            baseUrl.CopyTo(buffer);
            written += baseUrl.Length;
            endpoint.CopyTo(buffer[written..]);
            written += endpoint.Length;
            separator.CopyTo(buffer[written..]);
            written += separator.Length;
            if (!Uri.TryEscapeDataString(id, buffer[written..], out var escaped))
            {
                writer.WriteString(name, string.Concat(buffer[..written], Uri.EscapeDataString(id)));
                return;
            }

            writer.WriteString(name, buffer[..(written + escaped)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    // One of the two kinds of derived reference lists.
    private readonly record struct References(IReadOnlyList<GroupReference>? Groups, IReadOnlyList<GroupMember>? Members)
    {
        // A member of type Group is a group, any other a user.
        public static bool IsGroup(GroupMember member) => member.Type == "Group";

        public JsonArray ToJson(string baseUrl)
        {
            var array = Groups is not null ? StoredResource.ToJson(Groups) : StoredResource.ToJson(Members!);
            for (var i = 0; i < array.Count; i++)
            {
                var item = (JsonObject)array[i]!;
                item["$ref"] = Groups is not null
                    ? ScimResourceMeta.ReferenceLocation(baseUrl, Groups[i].Id, isGroup: true)
                    : ScimResourceMeta.ReferenceLocation(baseUrl, Members![i].Value, IsGroup(Members[i]));
            }

            return array;
        }
    }

    // WriteSchemas over the stored array: an extension's URN is left out when its object has nothing to write.
    private static void WriteStoredSchemas(Utf8JsonWriter writer, StoredDocument document, int index, Selection selection)
    {
        var property = document.Properties[index];
        writer.WritePropertyName(property.Name(document.Json));
        var value = property.Value(document.Json);
        if (property.Token != JsonTokenType.StartArray)
        {
            CopyValue(writer, value);
            return;
        }

        writer.WriteStartArray();
        var reader = new Utf8JsonReader(value);
        reader.Read();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            var token = reader.TokenType;
            if (token == JsonTokenType.Null)
            {
                continue;
            }

            if (token == JsonTokenType.String && document.FindExtension(ref reader) is { } extension &&
                document.FindProperty(extension.Id) is var found and >= 0 &&
                document.Properties[found].Token == JsonTokenType.StartObject &&
                !(selection.IsDefault && extension.WrittenWholeByDefault
                    ? HasMember(document.Properties[found].Value(document.Json))
                    : document.Parse(found) is JsonObject extensionObject && HasOutput(extension, extensionObject, selection)))
            {
                continue;
            }

            reader.Skip();
            CopyValue(writer, value[start..(int)reader.BytesConsumed]);
        }

        writer.WriteEndArray();
    }

    // HasOutput for an object of which everything is written: whether it has a member that is not null.
    private static bool HasMember(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.Null)
            {
                return true;
            }
        }

        return false;
    }

    // Writes one JSON value as JsonElement.WriteTo does: names and strings unescaped and escaped again by the writer's
    // encoder, numbers as they are. A value of printable ASCII without escapes comes out of that unchanged (no encoder
    // escapes those characters unless they are escaped already), so it is copied in one piece; others go token by
    // token. The JSON stores write has no whitespace between tokens, so the copy is byte for byte the same.
    private static void CopyValue(Utf8JsonWriter writer, ReadOnlySpan<byte> value)
    {
        var plain = writer.Options.Encoder switch
        {
            null => s_plainForDefault,
            var encoder when encoder == JavaScriptEncoder.Default => s_plainForDefault,
            var encoder when encoder == JavaScriptEncoder.UnsafeRelaxedJsonEscaping => s_plainForRelaxed,
            _ => null,
        };
        if (plain is not null && value.IndexOfAnyExcept(plain) < 0)
        {
            writer.WriteRawValue(value, skipInputValidation: true);
            return;
        }

        var reader = new Utf8JsonReader(value);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    writer.WriteStartObject();
                    break;
                case JsonTokenType.EndObject:
                    writer.WriteEndObject();
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteStartArray();
                    break;
                case JsonTokenType.EndArray:
                    writer.WriteEndArray();
                    break;
                case JsonTokenType.PropertyName:
                    if (reader.ValueIsEscaped)
                    {
                        WriteUnescaped(writer, ref reader, propertyName: true);
                    }
                    else
                    {
                        writer.WritePropertyName(reader.ValueSpan);
                    }

                    break;
                case JsonTokenType.String:
                    if (reader.ValueIsEscaped)
                    {
                        WriteUnescaped(writer, ref reader, propertyName: false);
                    }
                    else
                    {
                        writer.WriteStringValue(reader.ValueSpan);
                    }

                    break;
                case JsonTokenType.Number:
                    writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                    break;
                case JsonTokenType.True:
                    writer.WriteBooleanValue(true);
                    break;
                case JsonTokenType.False:
                    writer.WriteBooleanValue(false);
                    break;
                case JsonTokenType.Null:
                    writer.WriteNullValue();
                    break;
            }
        }
    }

    private static void WriteUnescaped(Utf8JsonWriter writer, ref Utf8JsonReader reader, bool propertyName)
    {
        byte[]? rented = null;
        var length = reader.ValueSpan.Length;
        var buffer = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var unescaped = buffer[..reader.CopyString(buffer)];
            if (propertyName)
            {
                writer.WritePropertyName(unescaped);
            }
            else
            {
                writer.WriteStringValue(unescaped);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private enum PropertyRole : byte
    {
        Attribute,
        Schemas,
        Skipped,
    }

    // Qualified: the name holds a colon, as extension URNs do.
    private readonly record struct StoredProperty(
        int NameStart, int NameLength, int ValueStart, int ValueLength, JsonTokenType Token, PropertyRole Role, bool Qualified)
    {
        public ReadOnlySpan<byte> Name(ReadOnlySpan<byte> json) => json.Slice(NameStart, NameLength);

        public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> json) => json.Slice(ValueStart, ValueLength);
    }

    // The stored JSON and its index; values the projection must look into are parsed one at a time, once.
    private ref struct StoredDocument(ReadOnlySpan<byte> json, Span<StoredProperty> properties, ScimResourceTypeDefinition resourceType)
    {
        private JsonNode?[]? _parsed;

        public ReadOnlySpan<byte> Json { get; } = json;

        public Span<StoredProperty> Properties { get; } = properties;

        public ScimResourceTypeDefinition ResourceType { get; } = resourceType;

        public JsonNode? Parse(int index)
        {
            _parsed ??= new JsonNode?[Properties.Length];
            return _parsed[index] ??= JsonNode.Parse(Properties[index].Value(Json));
        }

        // FindExtension's answer for a name held as characters: an extension of the type, never its core schema. By
        // index: a foreach over the interface boxed an enumerator for each of a page's attribute names and schema URNs.
        public readonly ScimSchemaDefinition? FindExtension(ReadOnlySpan<char> name)
        {
            var extensions = ResourceType.Extensions;
            for (var i = 0; i < extensions.Count; i++)
            {
                var extension = extensions[i];
                if (name.Equals(extension.Schema.Id, StringComparison.OrdinalIgnoreCase) &&
                    !name.Equals(ResourceType.Schema.Id, StringComparison.OrdinalIgnoreCase))
                {
                    return extension.Schema;
                }
            }

            return null;
        }

        public readonly ScimSchemaDefinition? FindExtension(ref Utf8JsonReader reader)
        {
            if (reader.ValueSpan.Length > MaxStackName)
            {
                return FindExtension(reader.GetString());
            }

            Span<char> chars = stackalloc char[MaxStackName];
            return FindExtension(chars[..reader.CopyString(chars)]);
        }

        // GetPropertyIgnoreCase's choice among the attributes: the exact spelling first, then the first in any case.
        public readonly int FindProperty(string name)
        {
            var firstIgnoringCase = -1;
            var qualified = name.Contains(':', StringComparison.Ordinal);
            Span<char> chars = stackalloc char[MaxStackName];
            for (var i = 0; i < Properties.Length; i++)
            {
                if (Properties[i].Role != PropertyRole.Attribute || Properties[i].Qualified != qualified)
                {
                    continue;
                }

                var candidate = chars[..Encoding.UTF8.GetChars(Properties[i].Name(Json), chars)];
                if (candidate.SequenceEqual(name))
                {
                    return i;
                }

                if (firstIgnoringCase < 0 && candidate.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    firstIgnoringCase = i;
                }
            }

            return firstIgnoringCase;
        }
    }
}
