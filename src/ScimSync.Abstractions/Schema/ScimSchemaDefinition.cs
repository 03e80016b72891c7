// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Frozen;

namespace ScimSync.Schema;

/// <summary>A SCIM schema: its URN, name and attribute definitions (a core schema or an extension).</summary>
/// <remarks>RFC 7643 §7.</remarks>
public sealed class ScimSchemaDefinition
{
    private readonly FrozenDictionary<string, ScimAttributeDefinition> _byName;
    private readonly FrozenDictionary<string, ScimAttributeDefinition>.AlternateLookup<ReadOnlySpan<char>> _byNameSpan;

    /// <summary>Initializes a new schema.</summary>
    /// <param name="id">The schema URN, for example <c>urn:ietf:params:scim:schemas:core:2.0:User</c>.</param>
    /// <param name="name">A human-readable name.</param>
    /// <param name="description">A human-readable description.</param>
    /// <param name="attributes">The top-level attributes.</param>
    /// <exception cref="ArgumentException">Two attributes share a name (ignoring case), or <paramref name="id"/> is empty.</exception>
    public ScimSchemaDefinition(string id, string name, string? description, IEnumerable<ScimAttributeDefinition> attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(attributes);
        Id = id;
        Name = name;
        Description = description;
        Attributes = [.. attributes];
        var byName = new Dictionary<string, ScimAttributeDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var attribute in Attributes)
        {
            if (!byName.TryAdd(attribute.Name, attribute))
            {
                throw new ArgumentException($"Schema '{id}' defines attribute '{attribute.Name}' twice.", nameof(attributes));
            }
        }

        _byName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _byNameSpan = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
        WrittenWholeByDefault = Attributes.All(a =>
            a.Returned is ScimReturned.Default or ScimReturned.Always && !a.HasNeverReturnedSubAttribute);
    }

    /// <summary>Gets the schema URN.</summary>
    public string Id { get; }

    /// <summary>Gets the human-readable name.</summary>
    public string Name { get; }

    /// <summary>Gets the description.</summary>
    public string? Description { get; }

    /// <summary>Gets the top-level attribute definitions, in schema order.</summary>
    public IReadOnlyList<ScimAttributeDefinition> Attributes { get; }

    /// <summary>
    /// Gets a value indicating whether the default projection (no <c>attributes</c>, no <c>excludedAttributes</c>)
    /// writes every attribute and sub-attribute of this schema: none is returned <c>never</c> or only on
    /// <c>request</c>. An object of such a schema can be written as it is stored.
    /// </summary>
    internal bool WrittenWholeByDefault { get; }

    /// <summary>Finds a top-level attribute by name, ignoring case.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>The definition, or <see langword="null"/>.</returns>
    public ScimAttributeDefinition? FindAttribute(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.GetValueOrDefault(name);
    }

    /// <summary>Finds a top-level attribute by name, ignoring case, without a string for the name.</summary>
    internal ScimAttributeDefinition? FindAttribute(ReadOnlySpan<char> name) =>
        _byNameSpan.TryGetValue(name, out var attribute) ? attribute : null;
}
