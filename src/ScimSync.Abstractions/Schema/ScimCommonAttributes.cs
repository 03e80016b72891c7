// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Schema;

/// <summary>
/// The attributes every resource carries, which are not part of any schema: <c>id</c>, <c>externalId</c>,
/// <c>meta</c> and <c>schemas</c>.
/// </summary>
/// <remarks>RFC 7643 §3.1.</remarks>
public static class ScimCommonAttributes
{
    /// <summary>The <c>schemas</c> attribute: the URNs of the schemas the resource uses.</summary>
    public static ScimAttributeDefinition Schemas { get; } = new()
    {
        Name = "schemas",
        MultiValued = true,
        Required = true,
        CaseExact = true,
        Type = ScimAttributeType.Reference,
        ReferenceTypes = ["uri"],
        Returned = ScimReturned.Always,
        Description = "The schema URNs that define the attributes present in the resource.",
    };

    /// <summary>The <c>id</c> attribute: the service provider's unique, stable identifier.</summary>
    public static ScimAttributeDefinition Id { get; } = new()
    {
        Name = "id",
        CaseExact = true,
        Mutability = ScimMutability.ReadOnly,
        Returned = ScimReturned.Always,
        Uniqueness = ScimUniqueness.Server,
        Description = "A unique identifier for a SCIM resource as defined by the service provider.",
    };

    /// <summary>The <c>externalId</c> attribute: the provisioning client's identifier.</summary>
    public static ScimAttributeDefinition ExternalId { get; } = new()
    {
        Name = "externalId",
        CaseExact = true,
        Description = "A String that is an identifier for the resource as defined by the provisioning client.",
    };

    /// <summary>The <c>meta</c> attribute: resource metadata maintained by the service provider.</summary>
    public static ScimAttributeDefinition Meta { get; } = new()
    {
        Name = "meta",
        Type = ScimAttributeType.Complex,
        Mutability = ScimMutability.ReadOnly,
        Description = "A complex attribute containing resource metadata.",
        SubAttributes =
        [
            new() { Name = "resourceType", CaseExact = true, Mutability = ScimMutability.ReadOnly, Description = "The name of the resource type of the resource." },
            new() { Name = "created", Type = ScimAttributeType.DateTime, Mutability = ScimMutability.ReadOnly, Description = "The DateTime that the resource was added to the service provider." },
            new() { Name = "lastModified", Type = ScimAttributeType.DateTime, Mutability = ScimMutability.ReadOnly, Description = "The most recent DateTime that the details of this resource were updated at the service provider." },
            new() { Name = "location", Type = ScimAttributeType.Reference, ReferenceTypes = ["uri"], CaseExact = true, Mutability = ScimMutability.ReadOnly, Description = "The URI of the resource being returned." },
            new() { Name = "version", CaseExact = true, Mutability = ScimMutability.ReadOnly, Description = "The version of the resource being returned (an entity tag)." },
        ],
    };

    // Searched by index: a foreach over the list's interface boxed an enumerator on every lookup, several per resource
    // a response writes.
    private static readonly ScimAttributeDefinition[] s_all = [Schemas, Id, ExternalId, Meta];

    /// <summary>Gets all common attributes.</summary>
    public static IReadOnlyList<ScimAttributeDefinition> All { get; } = Array.AsReadOnly(s_all);

    /// <summary>Finds a common attribute by name, ignoring case.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>The definition, or <see langword="null"/>.</returns>
    public static ScimAttributeDefinition? Find(string name)
    {
        foreach (var attribute in s_all)
        {
            if (string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>Finds a common attribute by name, ignoring case, without a string for the name.</summary>
    internal static ScimAttributeDefinition? Find(ReadOnlySpan<char> name)
    {
        foreach (var attribute in s_all)
        {
            if (name.Equals(attribute.Name, StringComparison.OrdinalIgnoreCase))
            {
                return attribute;
            }
        }

        return null;
    }
}
