// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;
using ScimSync.Patching;

namespace ScimSync.Schema;

/// <summary>A schema extension attached to a resource type.</summary>
/// <param name="Schema">The extension schema.</param>
/// <param name="Required">Whether every resource of the type must carry the extension.</param>
public sealed record ScimSchemaExtension(ScimSchemaDefinition Schema, bool Required);

/// <summary>
/// A resource type (for example <c>User</c>): its endpoint, core schema and extensions. Resolves attribute paths
/// against those schemas and the common attributes.
/// </summary>
/// <remarks>RFC 7643 §6.</remarks>
public sealed class ScimResourceTypeDefinition
{
    /// <summary>Initializes a new resource type.</summary>
    /// <param name="name">The resource type name, for example <c>User</c>.</param>
    /// <param name="endpoint">The endpoint path relative to the base URL, for example <c>/Users</c>.</param>
    /// <param name="description">A human-readable description.</param>
    /// <param name="schema">The core schema.</param>
    /// <param name="extensions">The schema extensions.</param>
    public ScimResourceTypeDefinition(
        string name,
        string endpoint,
        string? description,
        ScimSchemaDefinition schema,
        IEnumerable<ScimSchemaExtension>? extensions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentNullException.ThrowIfNull(schema);
        Name = name;
        Endpoint = endpoint;
        Description = description;
        Schema = schema;
        Extensions = [.. extensions ?? []];
    }

    /// <summary>Gets the resource type name (<c>User</c>, <c>Group</c>).</summary>
    public string Name { get; }

    /// <summary>Gets the endpoint relative to the base URL (<c>/Users</c>).</summary>
    public string Endpoint { get; }

    /// <summary>Gets the description.</summary>
    public string? Description { get; }

    /// <summary>Gets the core schema.</summary>
    public ScimSchemaDefinition Schema { get; }

    /// <summary>Gets the schema extensions, in registration order.</summary>
    public IReadOnlyList<ScimSchemaExtension> Extensions { get; }

    /// <summary>Finds the core schema or an extension schema of this resource type by URN, ignoring case.</summary>
    /// <param name="schemaUri">The schema URN.</param>
    /// <returns>The schema, or <see langword="null"/> when the type has no such schema.</returns>
    public ScimSchemaDefinition? FindSchema(string schemaUri)
    {
        ArgumentNullException.ThrowIfNull(schemaUri);
        if (string.Equals(Schema.Id, schemaUri, StringComparison.OrdinalIgnoreCase))
        {
            return Schema;
        }

        // By index: foreach over the interface would allocate an enumerator per lookup (one per PATCH operation).
        for (var i = 0; i < Extensions.Count; i++)
        {
            var schema = Extensions[i].Schema;
            if (string.Equals(schema.Id, schemaUri, StringComparison.OrdinalIgnoreCase))
            {
                return schema;
            }
        }

        return null;
    }

    /// <summary>
    /// Resolves an attribute path to its definitions. An unqualified name resolves against the core schema, then
    /// the common attributes (<c>id</c>, <c>externalId</c>, <c>meta</c>, <c>schemas</c>); a URN-qualified name against
    /// that schema.
    /// </summary>
    /// <param name="path">The path.</param>
    /// <returns>The resolved attribute, or <see langword="null"/> when the path names no known attribute.</returns>
    public ScimAttributeResolution? Resolve(AttributePath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return TryResolve(path, out var schema, out var attribute, out var sub) ? new ScimAttributeResolution(schema, attribute, sub) : null;
    }

    // Resolve without the result object, for callers that resolve a path per operation (PATCH).
    internal bool TryResolve(
        AttributePath path,
        [NotNullWhen(true)] out ScimSchemaDefinition? schema,
        [NotNullWhen(true)] out ScimAttributeDefinition? attribute,
        out ScimAttributeDefinition? sub)
    {
        sub = null;
        if (path.SchemaUri is { } uri)
        {
            schema = FindSchema(uri);
            attribute = schema?.FindAttribute(path.AttributeName);
            if (attribute is null && ReferenceEquals(schema, Schema))
            {
                attribute = ScimCommonAttributes.Find(path.AttributeName);
            }
        }
        else
        {
            schema = Schema;
            attribute = Schema.FindAttribute(path.AttributeName) ?? ScimCommonAttributes.Find(path.AttributeName);
        }

        if (schema is null || attribute is null)
        {
            return false;
        }

        if (path.SubAttributeName is null)
        {
            return true;
        }

        sub = attribute.FindSubAttribute(path.SubAttributeName);
        return sub is not null;
    }
}

/// <summary>The result of resolving an <see cref="AttributePath"/>.</summary>
/// <param name="Schema">The schema that holds the attribute (the core schema for common attributes).</param>
/// <param name="Attribute">The top-level attribute.</param>
/// <param name="SubAttribute">The sub-attribute, when the path names one.</param>
public sealed record ScimAttributeResolution(
    ScimSchemaDefinition Schema,
    ScimAttributeDefinition Attribute,
    ScimAttributeDefinition? SubAttribute)
{
    /// <summary>Gets the innermost attribute the path names (the sub-attribute if any, else the attribute).</summary>
    public ScimAttributeDefinition Target => SubAttribute ?? Attribute;

    /// <summary>Gets a value indicating whether the attribute lives in an extension schema (a nested JSON object).</summary>
    /// <param name="resourceType">The resource type the path was resolved against.</param>
    /// <returns><see langword="true"/> for extension attributes.</returns>
    public bool IsExtension(ScimResourceTypeDefinition resourceType)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        return !ReferenceEquals(Schema, resourceType.Schema);
    }
}
