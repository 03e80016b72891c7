// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Policies;

/// <summary>Decides which target groups users land in.</summary>
/// <remarks>The default is <see cref="GroupMappingPolicy"/>, configured by <see cref="GroupMappingOptions"/>.</remarks>
public interface IGroupMappingPolicy
{
    /// <summary>Gets a value indicating whether incoming groups can give target memberships (so membership changes must be applied).</summary>
    bool MapsIncomingGroups { get; }

    /// <summary>Gets the target groups a new user joins.</summary>
    IReadOnlyList<string> DefaultGroupsForNewUsers { get; }

    /// <summary>Gets the target groups every user is kept in.</summary>
    IReadOnlyList<string> DefaultGroupsForAllUsers { get; }

    /// <summary>Gets a value indicating whether memberships stay when the incoming membership goes.</summary>
    bool KeepExistingMemberships { get; }

    /// <summary>Maps one incoming group to the target groups its members join.</summary>
    /// <param name="group">The incoming group.</param>
    /// <returns>The target groups (none when the group is filtered out or unmapped) and the decisions taken.</returns>
    GroupMappingResult MapGroup(SourceGroup group);
}

/// <summary>An incoming group, as group mapping sees it.</summary>
/// <param name="Id">Its id in ScimSync (or, for a directory source, its identifier there).</param>
/// <param name="ExternalId">The identity provider's id for it, when known.</param>
/// <param name="DisplayName">Its display name.</param>
public sealed record SourceGroup(string Id, string? ExternalId, string? DisplayName);

/// <summary>A target group an incoming group maps to, and the rule that mapped it.</summary>
/// <param name="Name">The target group's name.</param>
/// <param name="Rule">The rule: one of <see cref="MembershipRules"/>.</param>
public sealed record MappedGroup(string Name, string Rule);

/// <summary>The outcome of <see cref="IGroupMappingPolicy.MapGroup"/>.</summary>
/// <param name="Targets">The target groups, without duplicates (compared ignoring case).</param>
/// <param name="Decisions">Why a group was dropped, renamed or skipped.</param>
public sealed record GroupMappingResult(IReadOnlyList<MappedGroup> Targets, IReadOnlyList<PolicyDecision> Decisions);

/// <summary>The rules that make a target membership, as membership provenance records them.</summary>
public static class MembershipRules
{
    /// <summary>A default group every new user joins.</summary>
    public const string DefaultForNewUsers = "defaultForNewUsers";

    /// <summary>A default group every user is kept in.</summary>
    public const string DefaultForAllUsers = "defaultForAllUsers";

    /// <summary>On-the-fly mapping of an incoming group.</summary>
    public const string OnTheFly = "onTheFly";

    /// <summary>A row of the manual mapping table.</summary>
    public const string Manual = "manual";
}
