// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Policies;
using ScimSync.Schema;

namespace ScimSync.Server.Internal;

/// <summary>The policies of one connection, built once per options snapshot.</summary>
internal sealed class ConnectionPolicies(IAttributeMappingPolicy attributes, IUserLifecyclePolicy lifecycle, IGroupMappingPolicy groups, SafetyBrakeOptions safetyBrake)
{
    public IAttributeMappingPolicy Attributes { get; } = attributes;

    public IUserLifecyclePolicy Lifecycle { get; } = lifecycle;

    public IGroupMappingPolicy Groups { get; } = groups;

    public SafetyBrakeOptions SafetyBrake { get; } = safetyBrake;

    public static ConnectionPolicies? From(ProvisioningPolicyOptions? options) => options is null ? null : new(
        options.AttributeMappingPolicy ?? new AttributeMappingPolicy(options.AttributeMapping),
        options.LifecyclePolicy ?? new UserLifecyclePolicy(options.Lifecycle),
        options.GroupMappingPolicy ?? new GroupMappingPolicy(options.GroupMapping),
        options.SafetyBrake);

    /// <summary>
    /// Registers, before the connections' readers are built, the provisioning extension and one custom-attribute
    /// extension per URN (with every name any connection declares for it), so both show in <c>/Schemas</c>, are
    /// returned on users and can be filtered. Names added later extend the registered schema; none is ever removed.
    /// </summary>
    public static void RegisterSchemas(ScimSchemaRegistry registry, IEnumerable<ScimConnectionOptions> connections)
    {
        var custom = new Dictionary<string, SortedSet<string>>(StringComparer.OrdinalIgnoreCase);
        var any = false;
        foreach (var connection in connections)
        {
            if (connection.Policies is not { } policies)
            {
                continue;
            }

            any = true;
            var mapping = policies.AttributeMappingPolicy ?? new AttributeMappingPolicy(policies.AttributeMapping);
            if (mapping.CustomAttributeNames.Count == 0)
            {
                continue;
            }

            if (!custom.TryGetValue(mapping.CustomSchema, out var names))
            {
                custom[mapping.CustomSchema] = names = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
            }

            names.UnionWith(mapping.CustomAttributeNames);
        }

        if (!any)
        {
            return;
        }

        if (registry.FindSchema(ProvisionedUser.Schema) is null)
        {
            registry.AddExtension(ScimResourceTypeNames.User, ProvisionedUser.Definition);
        }

        foreach (var (urn, names) in custom)
        {
            if (registry.FindSchema(urn) is { } existing)
            {
                // Names added at run time (configuration reload, the operator console) extend the schema; names
                // dropped stay defined, so values stored under them remain readable.
                var known = existing.Attributes.Select(a => a.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
                if (!names.IsSubsetOf(known) && registry.User.FindSchema(urn) is not null)
                {
                    names.UnionWith(known);
                    registry.ReplaceExtension(ScimResourceTypeNames.User, CustomSchema(urn, names));
                }

                continue;
            }

            registry.AddExtension(ScimResourceTypeNames.User, CustomSchema(urn, names));
        }
    }

    private static ScimSchemaDefinition CustomSchema(string urn, IEnumerable<string> names) => new(
        urn,
        "CustomAttributes",
        "Custom attributes computed by the connection's attribute mapping.",
        [.. names.Select(name => new ScimAttributeDefinition
        {
            Name = name,
            Mutability = ScimMutability.ReadOnly,
            Description = "A custom attribute computed by ScimSync's attribute mapping.",
        })]);
}
