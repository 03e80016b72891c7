// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Policies;

/// <summary>
/// Which target groups users land in: default groups, and how incoming groups (pushed as SCIM groups, or sent as a
/// user's groups by a directory) map to target groups. Bound per connection from configuration
/// (<c>ScimSync:Connections:{name}:Policies:GroupMapping</c>).
/// </summary>
public sealed class GroupMappingOptions
{
    /// <summary>Gets the target groups every new user joins when created.</summary>
    public IList<string> DefaultGroupsForNewUsers { get; } = [];

    /// <summary>Gets the target groups every user is kept in: re-joined on each update.</summary>
    public IList<string> DefaultGroupsForAllUsers { get; } = [];

    /// <summary>Gets or sets how incoming groups map to target groups.</summary>
    /// <value>Defaults to <see cref="GroupMappingMode.None"/>: incoming groups give no target memberships.</value>
    public GroupMappingMode Mode { get; set; } = GroupMappingMode.None;

    /// <summary>
    /// Gets the regular expressions an incoming group's display name must match one of to be mapped on the fly.
    /// Empty means every group.
    /// </summary>
    public IList<string> Include { get; } = [];

    /// <summary>Gets the regular expressions that exclude an incoming group from on-the-fly mapping (checked after <see cref="Include"/>).</summary>
    public IList<string> Exclude { get; } = [];

    /// <summary>
    /// Gets or sets a regular expression that renames on-the-fly groups: a display name it matches becomes
    /// <see cref="RenameReplacement"/> (for example <c>^AAD-(.*)$</c> and <c>$1</c>); other names are kept.
    /// </summary>
    public string? RenamePattern { get; set; }

    /// <summary>Gets or sets the replacement of <see cref="RenamePattern"/>.</summary>
    public string? RenameReplacement { get; set; }

    /// <summary>Gets the manual mapping table (<see cref="GroupMappingMode.Manual"/>).</summary>
    public IList<ManualGroupMapping> Manual { get; } = [];

    /// <summary>Gets or sets what happens to an incoming group no manual entry matches.</summary>
    /// <value>Defaults to <see cref="UnmappedGroupBehavior.Ignore"/>.</value>
    public UnmappedGroupBehavior Unmapped { get; set; } = UnmappedGroupBehavior.Ignore;

    /// <summary>
    /// Gets or sets a value indicating whether target memberships stay when the identity provider removes the user
    /// from the incoming group (or deletes the group). When <see langword="false"/>, a membership that this
    /// connection made is removed once no rule of this connection keeps it; memberships made by other sources are
    /// never touched.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool KeepExistingMemberships { get; set; }

    /// <summary>Gets or sets how long one regular expression may run before the group is skipped (and the skip logged).</summary>
    /// <value>Defaults to 100 milliseconds.</value>
    public TimeSpan RegexTimeout { get; set; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>How incoming groups map to target groups.</summary>
public enum GroupMappingMode
{
    /// <summary>Incoming groups give no target memberships; only default groups apply.</summary>
    None,

    /// <summary>An incoming group lands in the target group of the same (optionally renamed) name, subject to filters.</summary>
    OnTheFly,

    /// <summary>The <see cref="GroupMappingOptions.Manual"/> table decides; unmapped groups per <see cref="GroupMappingOptions.Unmapped"/>.</summary>
    Manual,
}

/// <summary>What manual mapping does with an incoming group that no entry matches.</summary>
public enum UnmappedGroupBehavior
{
    /// <summary>The group is ignored (and the decision logged).</summary>
    Ignore,

    /// <summary>The group is mapped on the fly (filters and rename apply).</summary>
    OnTheFly,
}

/// <summary>How a manual mapping entry recognises an incoming group.</summary>
public enum GroupMatchKind
{
    /// <summary>By its display name, ignoring case.</summary>
    DisplayName,

    /// <summary>By its <c>externalId</c> (for Entra ID, the group's object id), exactly.</summary>
    ExternalId,

    /// <summary>By its SCIM <c>id</c> in ScimSync, exactly.</summary>
    Id,
}

/// <summary>One row of the manual group mapping table: an incoming group and the target groups it grants.</summary>
public sealed class ManualGroupMapping
{
    /// <summary>Gets or sets how <see cref="Source"/> is compared.</summary>
    /// <value>Defaults to <see cref="GroupMatchKind.DisplayName"/>.</value>
    public GroupMatchKind Match { get; set; } = GroupMatchKind.DisplayName;

    /// <summary>Gets or sets the incoming group's display name, externalId or id.</summary>
    public string Source { get; set; } = "";

    /// <summary>Gets the target groups members of the incoming group join.</summary>
    public IList<string> Targets { get; } = [];
}
