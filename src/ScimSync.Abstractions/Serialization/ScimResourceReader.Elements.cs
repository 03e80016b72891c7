// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Errors;
using ScimSync.Schema;

namespace ScimSync.Serialization;

// Reading from UTF-8 text walks the parsed JsonElements directly instead of materialising a JsonNode for every input
// member only to copy it into the output. The rules are those of the JsonObject overload, member for member; output
// scalars are the same element-backed JsonValues the node path's DeepClone of a parsed value produces.
public sealed partial class ScimResourceReader
{
    private JsonObject ReadResource(JsonElement input, ScimReadMode mode)
    {
        var core = ResourceType.Schema;
        var output = new JsonObject();
        var schemas = new JsonArray();
        output.Add(ScimCommonAttributes.Schemas.Name, schemas);
        JsonElement? schemasInput = null;
        List<ScimSchemaDefinition>? presentExtensions = null;

        foreach (var property in input.EnumerateObject())
        {
            var key = property.Name;
            var value = property.Value;
            if (string.Equals(key, ScimCommonAttributes.Schemas.Name, StringComparison.OrdinalIgnoreCase))
            {
                schemasInput = value.ValueKind == JsonValueKind.Null ? null : value;
                continue;
            }

            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (IsUrn(key))
            {
                var schema = ResourceType.FindSchema(key);
                if (schema is null || ReferenceEquals(schema, core))
                {
                    if (Options.RejectUnknownAttributes)
                    {
                        throw Invalid($"'{key}' is not a schema extension of resource type '{ResourceType.Name}'.");
                    }

                    continue;
                }

                if (value.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid($"The extension '{schema.Id}' must be a JSON object.");
                }

                var read = ReadAttributes(schema, value, mode, schema.Id + ":", keepUnknown: true);
                if (read.Count > 0)
                {
                    AddOnce(output, schema.Id, read);
                    (presentExtensions ??= []).Add(schema);
                }

                continue;
            }

            var definition = core.FindAttribute(key) ?? ScimCommonAttributes.Find(key);
            if (definition is null)
            {
                if (Options.RejectUnknownAttributes)
                {
                    throw Invalid($"'{key}' is not an attribute of resource type '{ResourceType.Name}'.");
                }

                continue;
            }

            if (Skips(definition, mode))
            {
                continue;
            }

            if (ReadValue(definition, value, mode, new ReadPath(definition.Name)) is { } canonical)
            {
                AddOnce(output, definition.Name, canonical);
            }
        }

        FillSchemas(schemas, schemasInput, presentExtensions, mode);
        CheckRequiredAll(output, mode);
        return output;
    }

    private void FillSchemas(JsonArray schemas, JsonElement? input, List<ScimSchemaDefinition>? presentExtensions, ScimReadMode mode)
    {
        var core = ResourceType.Schema;
        var hasCore = false;
        List<string>? listed = null;
        if (input is { } array)
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                throw new ScimException(ScimError.InvalidSyntax("'schemas' must be an array of schema URNs."));
            }

            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw new ScimException(ScimError.InvalidSyntax("'schemas' must be an array of schema URNs."));
                }

                var uri = item.GetString()!;
                var schema = ResourceType.FindSchema(uri);
                if (ReferenceEquals(schema, core))
                {
                    hasCore = true;
                }
                else if (schema is not null)
                {
                    listed ??= [];
                    if (!listed.Contains(schema.Id))
                    {
                        listed.Add(schema.Id);
                    }
                }
                else if (Options.RejectUnknownAttributes)
                {
                    throw Invalid($"'schemas' lists '{uri}', which is not a schema of resource type '{ResourceType.Name}'.");
                }
            }
        }

        CompleteSchemas(schemas, hasCore, listed, presentExtensions, mode);
    }

    private JsonObject ReadAttributes(ScimSchemaDefinition schema, JsonElement input, ScimReadMode mode, string prefix, bool keepUnknown)
    {
        var output = new JsonObject();
        foreach (var property in input.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var key = property.Name;
            var definition = schema.FindAttribute(key);
            if (definition is null)
            {
                if (keepUnknown)
                {
                    AddOnce(output, key, ToNode(value)!);
                }

                continue;
            }

            if (Skips(definition, mode))
            {
                continue;
            }

            if (ReadValue(definition, value, mode, new ReadPath(prefix, definition.Name)) is { } canonical)
            {
                AddOnce(output, definition.Name, canonical);
            }
        }

        return output;
    }

    private JsonNode? ReadValue(ScimAttributeDefinition definition, JsonElement value, ScimReadMode mode, ReadPath path)
    {
        if (!definition.MultiValued)
        {
            if (value.ValueKind == JsonValueKind.Array)
            {
                throw Invalid($"'{path}' is single-valued; an array was given.");
            }

            return ReadSingle(definition, value, mode, path);
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"'{path}' is multi-valued and must be an array.");
        }

        var output = new JsonArray();
        var primaries = 0;
        var i = -1;
        foreach (var item in value.EnumerateArray())
        {
            i++;
            if (item.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (item.ValueKind == JsonValueKind.Array)
            {
                throw Invalid($"'{path.WithIndex(i)}' must not be an array.");
            }

            if (ReadSingle(definition, item, mode, path.WithIndex(i)) is not { } canonical)
            {
                continue;
            }

            if (canonical is JsonObject complex && complex["primary"] is JsonValue primary &&
                primary.TryGetValue<bool>(out var isPrimary) && isPrimary && ++primaries > 1)
            {
                throw Invalid($"'{path}' has more than one value with \"primary\": true.");
            }

            output.Add(canonical);
        }

        return output.Count == 0 ? null : output;
    }

    private JsonNode? ReadSingle(ScimAttributeDefinition definition, JsonElement value, ScimReadMode mode, ReadPath path)
    {
        var kind = value.ValueKind;
        if (definition.IsComplex)
        {
            if (kind == JsonValueKind.Object)
            {
                return ReadComplex(definition, value, mode, path);
            }

            if (ReferenceEquals(definition, _manager) && Options.Compatibility.ManagerAsString && kind == JsonValueKind.String)
            {
                var managerId = value.GetString()!;
                return managerId.Length == 0 ? null : new JsonObject { ["value"] = managerId };
            }

            throw Invalid($"'{path}' must be a complex value (a JSON object).");
        }

        if (kind is JsonValueKind.Object or JsonValueKind.Array)
        {
            throw Invalid($"'{path}' must be a {TypeName(definition.Type)}, not a JSON {(kind == JsonValueKind.Object ? "object" : "array")}.");
        }

        switch (definition.Type)
        {
            case ScimAttributeType.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False)
                {
                    return JsonValue.Create(value);
                }

                if (Options.Compatibility.BooleanStrings && kind == JsonValueKind.String && bool.TryParse(value.GetString(), out var flag))
                {
                    return JsonValue.Create(flag);
                }

                break;
            case ScimAttributeType.Integer:
                if (kind == JsonValueKind.Number && value.TryGetInt64(out _))
                {
                    return JsonValue.Create(value);
                }

                break;
            case ScimAttributeType.Decimal:
                if (kind == JsonValueKind.Number)
                {
                    return JsonValue.Create(value);
                }

                break;
            case ScimAttributeType.DateTime:
                if (kind == JsonValueKind.String &&
                    DateTimeOffset.TryParseExact(value.GetString(), s_dateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                {
                    return JsonValue.Create(value);
                }

                break;
            case ScimAttributeType.Binary:
                if (kind == JsonValueKind.String && System.Buffers.Text.Base64.IsValid(value.GetString()))
                {
                    return JsonValue.Create(value);
                }

                break;
            case ScimAttributeType.Reference:
                if (kind == JsonValueKind.String && Uri.TryCreate(value.GetString(), UriKind.RelativeOrAbsolute, out _))
                {
                    return JsonValue.Create(value);
                }

                break;
            default:
                if (kind == JsonValueKind.String)
                {
                    return JsonValue.Create(value);
                }

                break;
        }

        throw Invalid($"'{path}' must be a {TypeName(definition.Type)}.");
    }

    private JsonObject? ReadComplex(ScimAttributeDefinition definition, JsonElement input, ScimReadMode mode, ReadPath path)
    {
        var output = new JsonObject();
        foreach (var property in input.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var key = property.Name;
            var sub = definition.FindSubAttribute(key);
            if (sub is null)
            {
                if (Options.RejectUnknownAttributes)
                {
                    throw Invalid($"'{path}.{key}' is not a sub-attribute of '{definition.Name}'.");
                }

                continue;
            }

            if (Skips(sub, mode))
            {
                continue;
            }

            if (ReadValue(sub, value, mode, path.WithSub(sub.Name)) is { } canonical)
            {
                AddOnce(output, sub.Name, canonical);
            }
        }

        return output.Count == 0 ? null : output;
    }

    // Never called with null, which the callers skip.
    private static JsonNode? ToNode(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(value),
        JsonValueKind.Array => JsonArray.Create(value),
        _ => JsonValue.Create(value),
    };

    // An attribute path for error messages, joined only when a message is built: prefix + name, then [index], then
    // .sub, then [index] again (sub-attributes are not complex, so the nesting stops there).
    private readonly struct ReadPath
    {
        private readonly string _prefix;
        private readonly string? _name;
        private readonly int _index;
        private readonly string? _sub;
        private readonly int _subIndex;

        public ReadPath(string name)
            : this(name, null, -1, null, -1)
        {
        }

        public ReadPath(string prefix, string name)
            : this(prefix, name, -1, null, -1)
        {
        }

        private ReadPath(string prefix, string? name, int index, string? sub, int subIndex)
        {
            _prefix = prefix;
            _name = name;
            _index = index;
            _sub = sub;
            _subIndex = subIndex;
        }

        public ReadPath WithIndex(int index) => _sub is null
            ? (_index < 0 ? new ReadPath(_prefix, _name, index, null, -1) : new ReadPath($"{this}[{index}]"))
            : (_subIndex < 0 ? new ReadPath(_prefix, _name, _index, _sub, index) : new ReadPath($"{this}[{index}]"));

        public ReadPath WithSub(string sub) => _sub is null
            ? new ReadPath(_prefix, _name, _index, sub, -1)
            : new ReadPath(this + "." + sub);

        public override string ToString()
        {
            var text = _prefix + _name;
            if (_index >= 0)
            {
                text = string.Create(CultureInfo.InvariantCulture, $"{text}[{_index}]");
            }

            if (_sub is not null)
            {
                text = text + "." + _sub;
            }

            if (_subIndex >= 0)
            {
                text = string.Create(CultureInfo.InvariantCulture, $"{text}[{_subIndex}]");
            }

            return text;
        }
    }
}
