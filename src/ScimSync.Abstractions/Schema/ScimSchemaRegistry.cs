// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Schema;

/// <summary>
/// The single source of schema truth: which resource types exist, which schemas and extensions they use, and every
/// attribute's characteristics. Validation, projection, filtering, PATCH and the discovery endpoints read it.
/// </summary>
/// <remarks>
/// A new registry holds the RFC 7643 resource types <c>User</c> (with the Enterprise User extension) and
/// <c>Group</c>. Hosts add their own extension schemas (custom attributes) at start-up with
/// <see cref="AddExtension"/>. Reads are lock-free; registration replaces an immutable snapshot, so register before
/// serving requests: a resource type object obtained earlier keeps the extensions it had.
/// </remarks>
public sealed class ScimSchemaRegistry
{
    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot;

    /// <summary>Initializes a registry with the RFC 7643 resource types.</summary>
    public ScimSchemaRegistry()
    {
        var user = new ScimResourceTypeDefinition(
            ScimResourceTypeNames.User,
            "/Users",
            "User Account",
            ScimCoreSchemas.User,
            [new ScimSchemaExtension(ScimCoreSchemas.EnterpriseUser, Required: false)]);
        var group = new ScimResourceTypeDefinition(ScimResourceTypeNames.Group, "/Groups", "Group", ScimCoreSchemas.Group);
        _snapshot = new Snapshot([user, group]);
    }

    /// <summary>Gets a shared registry with only the RFC 7643 resource types. Do not add extensions to it.</summary>
    public static ScimSchemaRegistry Default { get; } = new();

    /// <summary>Gets the registered resource types.</summary>
    public IReadOnlyList<ScimResourceTypeDefinition> ResourceTypes => _snapshot.ResourceTypes;

    /// <summary>Gets every distinct schema (core and extensions) used by the registered resource types.</summary>
    public IReadOnlyList<ScimSchemaDefinition> Schemas => _snapshot.Schemas;

    /// <summary>Gets the <c>User</c> resource type.</summary>
    public ScimResourceTypeDefinition User => GetResourceType(ScimResourceTypeNames.User);

    /// <summary>Gets the <c>Group</c> resource type.</summary>
    public ScimResourceTypeDefinition Group => GetResourceType(ScimResourceTypeNames.Group);

    /// <summary>Finds a resource type by name, ignoring case.</summary>
    /// <param name="name">The name, for example <c>User</c>.</param>
    /// <returns>The resource type, or <see langword="null"/>.</returns>
    public ScimResourceTypeDefinition? FindResourceType(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var type in _snapshot.ResourceTypes)
        {
            if (string.Equals(type.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>Gets a resource type by name.</summary>
    /// <param name="name">The name, for example <c>User</c>.</param>
    /// <returns>The resource type.</returns>
    /// <exception cref="KeyNotFoundException">No such resource type is registered.</exception>
    public ScimResourceTypeDefinition GetResourceType(string name) =>
        FindResourceType(name) ?? throw new KeyNotFoundException($"Resource type '{name}' is not registered.");

    /// <summary>Finds a schema by URN, ignoring case.</summary>
    /// <param name="schemaUri">The schema URN.</param>
    /// <returns>The schema, or <see langword="null"/>.</returns>
    public ScimSchemaDefinition? FindSchema(string schemaUri)
    {
        ArgumentNullException.ThrowIfNull(schemaUri);
        foreach (var schema in _snapshot.Schemas)
        {
            if (string.Equals(schema.Id, schemaUri, StringComparison.OrdinalIgnoreCase))
            {
                return schema;
            }
        }

        return null;
    }

    /// <summary>Attaches an extension schema (for example custom attributes) to a resource type.</summary>
    /// <param name="resourceType">The resource type name, for example <c>User</c>.</param>
    /// <param name="schema">The extension schema. Its URN must not be used by another schema.</param>
    /// <param name="required">Whether resources of the type must carry the extension.</param>
    /// <exception cref="KeyNotFoundException">The resource type is not registered.</exception>
    /// <exception cref="InvalidOperationException">A different schema with the same URN is already registered.</exception>
    public void AddExtension(string resourceType, ScimSchemaDefinition schema, bool required = false)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(schema);
        lock (_writeLock)
        {
            var current = _snapshot;
            if (FindSchema(schema.Id) is { } existing && !ReferenceEquals(existing, schema))
            {
                throw new InvalidOperationException($"A different schema with URN '{schema.Id}' is already registered.");
            }

            var target = GetResourceType(resourceType);
            if (target.FindSchema(schema.Id) is not null)
            {
                return;
            }

            var replaced = new ScimResourceTypeDefinition(
                target.Name,
                target.Endpoint,
                target.Description,
                target.Schema,
                [.. target.Extensions, new ScimSchemaExtension(schema, required)]);
            _snapshot = new Snapshot([.. current.ResourceTypes.Select(t => ReferenceEquals(t, target) ? replaced : t)]);
        }
    }

    /// <summary>
    /// Replaces an extension schema already attached to a resource type with a new definition of the same URN, for
    /// example one with more attributes. Readers and writers built afterwards use it; values stored before stay.
    /// </summary>
    /// <param name="resourceType">The resource type name, for example <c>User</c>.</param>
    /// <param name="schema">The new definition; its URN must be attached to <paramref name="resourceType"/> already.</param>
    /// <exception cref="KeyNotFoundException">The resource type is not registered.</exception>
    /// <exception cref="InvalidOperationException">No extension with that URN is attached to the resource type.</exception>
    public void ReplaceExtension(string resourceType, ScimSchemaDefinition schema)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(schema);
        lock (_writeLock)
        {
            var current = _snapshot;
            var target = GetResourceType(resourceType);
            var index = -1;
            for (var i = 0; i < target.Extensions.Count; i++)
            {
                if (string.Equals(target.Extensions[i].Schema.Id, schema.Id, StringComparison.OrdinalIgnoreCase))
                {
                    index = i;
                }
            }

            if (index < 0)
            {
                throw new InvalidOperationException($"No extension '{schema.Id}' is attached to resource type '{resourceType}'.");
            }

            var extensions = target.Extensions.ToArray();
            extensions[index] = new ScimSchemaExtension(schema, extensions[index].Required);
            var replaced = new ScimResourceTypeDefinition(target.Name, target.Endpoint, target.Description, target.Schema, extensions);
            _snapshot = new Snapshot([.. current.ResourceTypes.Select(t => ReferenceEquals(t, target) ? replaced : t)]);
        }
    }

    /// <summary>Registers an additional resource type.</summary>
    /// <param name="resourceType">The resource type.</param>
    /// <exception cref="InvalidOperationException">A resource type with that name or endpoint already exists.</exception>
    public void AddResourceType(ScimResourceTypeDefinition resourceType)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        lock (_writeLock)
        {
            var current = _snapshot;
            if (current.ResourceTypes.Any(t =>
                    string.Equals(t.Name, resourceType.Name, StringComparison.OrdinalIgnoreCase) ||
                    string.Equals(t.Endpoint, resourceType.Endpoint, StringComparison.OrdinalIgnoreCase)))
            {
                throw new InvalidOperationException($"Resource type '{resourceType.Name}' ({resourceType.Endpoint}) is already registered.");
            }

            _snapshot = new Snapshot([.. current.ResourceTypes, resourceType]);
        }
    }

    private sealed class Snapshot
    {
        public Snapshot(ScimResourceTypeDefinition[] resourceTypes)
        {
            ResourceTypes = resourceTypes;
            Schemas = [.. resourceTypes
                .SelectMany(t => t.Extensions.Select(e => e.Schema).Prepend(t.Schema))
                .Distinct()];
        }

        public IReadOnlyList<ScimResourceTypeDefinition> ResourceTypes { get; }

        public IReadOnlyList<ScimSchemaDefinition> Schemas { get; }
    }
}

/// <summary>The names of the resource types RFC 7643 defines.</summary>
public static class ScimResourceTypeNames
{
    /// <summary>The <c>User</c> resource type.</summary>
    public const string User = "User";

    /// <summary>The <c>Group</c> resource type.</summary>
    public const string Group = "Group";
}
