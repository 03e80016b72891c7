// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Policies;

/// <summary>
/// The mapping policies of one connection: attribute mapping, user lifecycle and group mapping. Each is configured
/// by its options (from code or <c>appsettings.json</c>), or replaced by a host implementation.
/// </summary>
/// <example>
/// <code>
/// "Policies": {
///   "AttributeMapping": { "UserName": { "Paths": [ "userName" ], "Transforms": [ { "Kind": "LocalPart" } ] } },
///   "Lifecycle": { "OnDelete": "Deactivate" },
///   "GroupMapping": { "DefaultGroupsForNewUsers": [ "jira-software-users" ], "Mode": "OnTheFly", "RenamePattern": "^AAD-(.*)$", "RenameReplacement": "$1" }
/// }
/// </code>
/// </example>
public sealed class ProvisioningPolicyOptions
{
    /// <summary>Gets the attribute mapping settings, used unless <see cref="AttributeMappingPolicy"/> is set.</summary>
    public AttributeMappingOptions AttributeMapping { get; } = new();

    /// <summary>Gets the user lifecycle settings, used unless <see cref="LifecyclePolicy"/> is set.</summary>
    public UserLifecycleOptions Lifecycle { get; } = new();

    /// <summary>Gets the group mapping settings, used unless <see cref="GroupMappingPolicy"/> is set.</summary>
    public GroupMappingOptions GroupMapping { get; } = new();

    /// <summary>Gets the safety brake settings (off by default).</summary>
    public SafetyBrakeOptions SafetyBrake { get; } = new();

    /// <summary>Gets or sets a host implementation of attribute mapping, replacing <see cref="AttributeMapping"/>.</summary>
    public IAttributeMappingPolicy? AttributeMappingPolicy { get; set; }

    /// <summary>Gets or sets a host implementation of the user lifecycle, replacing <see cref="Lifecycle"/>.</summary>
    public IUserLifecyclePolicy? LifecyclePolicy { get; set; }

    /// <summary>Gets or sets a host implementation of group mapping, replacing <see cref="GroupMapping"/>.</summary>
    public IGroupMappingPolicy? GroupMappingPolicy { get; set; }
}
