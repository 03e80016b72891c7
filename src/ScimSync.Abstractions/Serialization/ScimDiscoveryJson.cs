// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Schema;

namespace ScimSync.Serialization;

/// <summary>
/// Renders registry definitions as the discovery resources servers return from <c>/Schemas</c> and
/// <c>/ResourceTypes</c>, so those responses are generated from the same definitions that drive validation.
/// </summary>
/// <remarks>RFC 7643 §6 (ResourceType), §7 (Schema) and the examples in §8.6 and §8.7.1; RFC 7644 §4.</remarks>
public static class ScimDiscoveryJson
{
    /// <summary>Renders a schema as its <c>/Schemas/{id}</c> representation, with every attribute characteristic.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="baseUrl">
    /// The SCIM base URL (for example <c>https://example.com/v2</c>) used for <c>meta.location</c>, or
    /// <see langword="null"/> to leave the location out.
    /// </param>
    /// <returns>A new object.</returns>
    /// <remarks>
    /// RFC 7643 §7. As in §8.7.1: <c>caseExact</c> is left out for complex and boolean attributes and
    /// <c>uniqueness</c> for boolean ones; <c>canonicalValues</c> and <c>referenceTypes</c> are written when not
    /// empty, <c>subAttributes</c> for complex attributes.
    /// </remarks>
    public static JsonObject ToSchemaRepresentation(ScimSchemaDefinition schema, string? baseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var attributes = new JsonArray();
        foreach (var attribute in schema.Attributes)
        {
            attributes.Add((JsonNode)ToAttributeRepresentation(attribute));
        }

        var result = new JsonObject
        {
            ["schemas"] = new JsonArray((JsonNode)ScimSchemas.Schema),
            ["id"] = schema.Id,
            ["name"] = schema.Name,
        };
        if (schema.Description is not null)
        {
            result["description"] = schema.Description;
        }

        result["attributes"] = attributes;
        result["meta"] = Meta("Schema", baseUrl, "/Schemas/" + schema.Id);
        return result;
    }

    /// <summary>Renders a resource type as its <c>/ResourceTypes/{name}</c> representation.</summary>
    /// <param name="resourceType">The resource type.</param>
    /// <param name="baseUrl">
    /// The SCIM base URL (for example <c>https://example.com/v2</c>) used for <c>meta.location</c>, or
    /// <see langword="null"/> to leave the location out.
    /// </param>
    /// <returns>A new object.</returns>
    /// <remarks>RFC 7643 §6 and §8.6. <c>schemaExtensions</c> is written only when the type has extensions.</remarks>
    public static JsonObject ToResourceTypeRepresentation(ScimResourceTypeDefinition resourceType, string? baseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        var result = new JsonObject
        {
            ["schemas"] = new JsonArray((JsonNode)ScimSchemas.ResourceType),
            ["id"] = resourceType.Name,
            ["name"] = resourceType.Name,
            ["endpoint"] = resourceType.Endpoint,
        };
        if (resourceType.Description is not null)
        {
            result["description"] = resourceType.Description;
        }

        result["schema"] = resourceType.Schema.Id;
        if (resourceType.Extensions.Count > 0)
        {
            var extensions = new JsonArray();
            foreach (var extension in resourceType.Extensions)
            {
                extensions.Add((JsonNode)new JsonObject { ["schema"] = extension.Schema.Id, ["required"] = extension.Required });
            }

            result["schemaExtensions"] = extensions;
        }

        result["meta"] = Meta("ResourceType", baseUrl, "/ResourceTypes/" + resourceType.Name);
        return result;
    }

    /// <summary>Renders one attribute definition as it appears in a schema's <c>attributes</c> list.</summary>
    /// <param name="attribute">The attribute.</param>
    /// <returns>A new object.</returns>
    /// <remarks>RFC 7643 §7.</remarks>
    public static JsonObject ToAttributeRepresentation(ScimAttributeDefinition attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        var result = new JsonObject
        {
            ["name"] = attribute.Name,
            ["type"] = ToWireName(attribute.Type),
            ["multiValued"] = attribute.MultiValued,
        };
        if (attribute.Description is not null)
        {
            result["description"] = attribute.Description;
        }

        result["required"] = attribute.Required;
        if (attribute.IsComplex)
        {
            var subAttributes = new JsonArray();
            foreach (var sub in attribute.SubAttributes)
            {
                subAttributes.Add((JsonNode)ToAttributeRepresentation(sub));
            }

            result["subAttributes"] = subAttributes;
        }
        else if (attribute.Type != ScimAttributeType.Boolean)
        {
            result["caseExact"] = attribute.CaseExact;
        }

        if (attribute.CanonicalValues.Count > 0)
        {
            result["canonicalValues"] = Strings(attribute.CanonicalValues);
        }

        if (attribute.ReferenceTypes.Count > 0)
        {
            result["referenceTypes"] = Strings(attribute.ReferenceTypes);
        }

        result["mutability"] = attribute.Mutability switch
        {
            ScimMutability.ReadOnly => "readOnly",
            ScimMutability.Immutable => "immutable",
            ScimMutability.WriteOnly => "writeOnly",
            _ => "readWrite",
        };
        result["returned"] = attribute.Returned switch
        {
            ScimReturned.Always => "always",
            ScimReturned.Never => "never",
            ScimReturned.Request => "request",
            _ => "default",
        };
        if (attribute.Type != ScimAttributeType.Boolean)
        {
            result["uniqueness"] = attribute.Uniqueness switch
            {
                ScimUniqueness.Server => "server",
                ScimUniqueness.Global => "global",
                _ => "none",
            };
        }

        return result;
    }

    /// <summary>Gets the wire name of a data type (<c>string</c>, <c>dateTime</c>, <c>complex</c>, ...).</summary>
    /// <param name="type">The type.</param>
    /// <returns>The name as RFC 7643 §2.3 spells it.</returns>
    public static string ToWireName(ScimAttributeType type) => type switch
    {
        ScimAttributeType.Boolean => "boolean",
        ScimAttributeType.Decimal => "decimal",
        ScimAttributeType.Integer => "integer",
        ScimAttributeType.DateTime => "dateTime",
        ScimAttributeType.Binary => "binary",
        ScimAttributeType.Reference => "reference",
        ScimAttributeType.Complex => "complex",
        _ => "string",
    };

    private static JsonArray Strings(IReadOnlyList<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add((JsonNode)value);
        }

        return array;
    }

    private static JsonObject Meta(string resourceType, string? baseUrl, string relative)
    {
        var meta = new JsonObject { ["resourceType"] = resourceType };
        if (baseUrl is not null)
        {
            meta["location"] = baseUrl.TrimEnd('/') + relative;
        }

        return meta;
    }
}
