// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Policies;

/// <summary>
/// Applies a connection's group events for one user to that user's <see cref="TargetMemberships"/>, through an
/// <see cref="IGroupMappingPolicy"/>. Pure: it computes the new memberships; the caller stores them and tells the
/// target what <see cref="TargetMemberships.DiffFrom"/> reports.
/// </summary>
/// <remarks>
/// <para>
/// Every grant records its source: the connection, the rule (<see cref="MembershipRules"/>) and the incoming group's id
/// (none for default groups). These methods only ever revoke sources of the <c>connection</c> they are given, so a
/// membership another connection (or another incoming group, or a default group) also grants stays.
/// </para>
/// <para>
/// With <see cref="IGroupMappingPolicy.KeepExistingMemberships"/> on, grants made through incoming groups are never
/// revoked: the sources stay as recorded (they show how the membership was made, not that the user is still in the
/// incoming group), and a decision says so. Default groups ignore that switch.
/// </para>
/// </remarks>
public static class GroupMembershipPlanner
{
    private const string Kept = "kept: KeepExistingMemberships is on.";

    /// <summary>The user joined an incoming group through a connection: grants each target group the policy maps it to.</summary>
    /// <param name="current">The user's memberships.</param>
    /// <param name="connection">The connection the event came through.</param>
    /// <param name="group">The incoming group.</param>
    /// <param name="policy">The connection's group mapping policy.</param>
    /// <param name="decisions">Receives the policy's decisions (groups dropped, renamed or skipped).</param>
    /// <returns>The new memberships: each target granted with source (<paramref name="connection"/>, its rule, <c>group.Id</c>).</returns>
    public static TargetMemberships Join(
        TargetMemberships current, string connection, SourceGroup group, IGroupMappingPolicy policy, ICollection<PolicyDecision> decisions)
    {
        Check(current, connection, policy, decisions);
        ArgumentNullException.ThrowIfNull(group);
        return Grant(current, connection, group, policy.MapGroup(group), decisions);
    }

    /// <summary>The user left an incoming group (or the group was deleted).</summary>
    /// <param name="current">The user's memberships.</param>
    /// <param name="connection">The connection the event came through.</param>
    /// <param name="groupId">The incoming group's <see cref="SourceGroup.Id"/>.</param>
    /// <param name="policy">The connection's group mapping policy.</param>
    /// <param name="decisions">Receives "kept: KeepExistingMemberships is on" when grants stay because of that switch.</param>
    /// <returns>
    /// The new memberships: every source (<paramref name="connection"/>, any rule, <paramref name="groupId"/>) revoked,
    /// so the user leaves each target group nothing else grants; unchanged when the policy keeps existing memberships.
    /// </returns>
    public static TargetMemberships Leave(
        TargetMemberships current, string connection, string groupId, IGroupMappingPolicy policy, ICollection<PolicyDecision> decisions)
    {
        Check(current, connection, policy, decisions);
        ArgumentNullException.ThrowIfNull(groupId);
        if (!policy.KeepExistingMemberships)
        {
            return current.RevokeWhere(s => IsFrom(s, connection, groupId));
        }

        if (HasSource(current, connection, groupId))
        {
            decisions.Add(new PolicyDecision(PolicyNames.GroupMapping, groupId, Kept));
        }

        return current;
    }

    /// <summary>
    /// The incoming group was renamed, or the policy changed: recomputes the grants this group gives through this
    /// connection.
    /// </summary>
    /// <param name="current">The user's memberships.</param>
    /// <param name="connection">The connection the group belongs to.</param>
    /// <param name="group">The incoming group, as it is now.</param>
    /// <param name="policy">The connection's group mapping policy, as it is now.</param>
    /// <param name="decisions">Receives the policy's decisions, and "kept: KeepExistingMemberships is on" when grants the
    /// group no longer gives stay because of that switch.</param>
    /// <returns>
    /// The new memberships: the grants the policy now gives, and (unless the policy keeps existing memberships) none of
    /// the earlier grants of this group and connection that it no longer gives.
    /// </returns>
    public static TargetMemberships Remap(
        TargetMemberships current, string connection, SourceGroup group, IGroupMappingPolicy policy, ICollection<PolicyDecision> decisions)
    {
        Check(current, connection, policy, decisions);
        ArgumentNullException.ThrowIfNull(group);
        var mapped = policy.MapGroup(group);
        if (!policy.KeepExistingMemberships)
        {
            var revoked = current.RevokeWhere(s => IsFrom(s, connection, group.Id));
            return Grant(revoked, connection, group, mapped, decisions);
        }

        var next = Grant(current, connection, group, mapped, decisions);
        foreach (var membership in current.Memberships)
        {
            foreach (var source in membership.Sources)
            {
                if (IsFrom(source, connection, group.Id) && !Gives(mapped, membership.Group, source.Rule))
                {
                    decisions.Add(new PolicyDecision(PolicyNames.GroupMapping, group.Id, Kept));
                    return next;
                }
            }
        }

        return next;
    }

    /// <summary>Applies the policy's default groups to a user created or updated through a connection.</summary>
    /// <param name="current">The user's memberships.</param>
    /// <param name="connection">The connection that created or updated the user.</param>
    /// <param name="isNewUser">Whether the user was just created.</param>
    /// <param name="policy">The connection's group mapping policy.</param>
    /// <returns>
    /// The new memberships. On create, each of <see cref="IGroupMappingPolicy.DefaultGroupsForNewUsers"/> is granted
    /// (rule <see cref="MembershipRules.DefaultForNewUsers"/>). On create and on update, each of
    /// <see cref="IGroupMappingPolicy.DefaultGroupsForAllUsers"/> is granted (rule
    /// <see cref="MembershipRules.DefaultForAllUsers"/>), and this connection's
    /// <see cref="MembershipRules.DefaultForAllUsers"/> grants of groups no longer in that list are revoked (whatever
    /// <see cref="IGroupMappingPolicy.KeepExistingMemberships"/> says). Grants for new users are never revoked here.
    /// </returns>
    public static TargetMemberships ApplyDefaults(TargetMemberships current, string connection, bool isNewUser, IGroupMappingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        ArgumentNullException.ThrowIfNull(policy);
        var next = current;
        if (isNewUser)
        {
            var forNew = new MembershipSource(connection, MembershipRules.DefaultForNewUsers, null);
            foreach (var group in policy.DefaultGroupsForNewUsers)
            {
                next = next.Grant(group, forNew);
            }
        }

        // Revoking this connection's grant from every group, then granting the list again, leaves exactly the listed
        // groups with it (a group nothing else grants is left).
        var forAll = new MembershipSource(connection, MembershipRules.DefaultForAllUsers, null);
        next = next.Revoke(forAll);
        foreach (var group in policy.DefaultGroupsForAllUsers)
        {
            next = next.Grant(group, forAll);
        }

        return next;
    }

    /// <summary>
    /// Recomputes a user's grants from all the incoming groups a connection says the user is in (directory sources
    /// send them all at once).
    /// </summary>
    /// <param name="current">The user's memberships.</param>
    /// <param name="connection">The connection.</param>
    /// <param name="groups">Every incoming group the user is in, through <paramref name="connection"/>.</param>
    /// <param name="policy">The connection's group mapping policy.</param>
    /// <param name="decisions">Receives the decisions of <see cref="Remap"/> and <see cref="Leave"/>.</param>
    /// <returns>
    /// The new memberships: each listed group remapped (<see cref="Remap"/>: its current grants given, grants it no
    /// longer gives removed), then every incoming group this connection granted through and that is not listed left
    /// (<see cref="Leave"/>). Both honour <see cref="IGroupMappingPolicy.KeepExistingMemberships"/>; default groups
    /// and other connections' grants are not touched.
    /// </returns>
    public static TargetMemberships Reconcile(
        TargetMemberships current, string connection, IReadOnlyCollection<SourceGroup> groups, IGroupMappingPolicy policy, ICollection<PolicyDecision> decisions)
    {
        Check(current, connection, policy, decisions);
        ArgumentNullException.ThrowIfNull(groups);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var next = current;
        foreach (var group in groups)
        {
            ArgumentNullException.ThrowIfNull(group, nameof(groups));
            if (listed.Add(group.Id))
            {
                next = Remap(next, connection, group, policy, decisions);
            }
        }

        var stale = new List<string>();
        foreach (var membership in current.Memberships)
        {
            foreach (var source in membership.Sources)
            {
                if (source.SourceGroupId is { } id
                    && string.Equals(source.Connection, connection, StringComparison.Ordinal)
                    && !listed.Contains(id)
                    && !stale.Contains(id))
                {
                    stale.Add(id);
                }
            }
        }

        stale.Sort(StringComparer.Ordinal);
        foreach (var id in stale)
        {
            next = Leave(next, connection, id, policy, decisions);
        }

        return next;
    }

    private static TargetMemberships Grant(
        TargetMemberships current, string connection, SourceGroup group, GroupMappingResult mapped, ICollection<PolicyDecision> decisions)
    {
        foreach (var decision in mapped.Decisions)
        {
            decisions.Add(decision);
        }

        var next = current;
        foreach (var target in mapped.Targets)
        {
            next = next.Grant(target.Name, new MembershipSource(connection, target.Rule, group.Id));
        }

        return next;
    }

    private static bool IsFrom(MembershipSource source, string connection, string groupId) =>
        string.Equals(source.Connection, connection, StringComparison.Ordinal)
        && string.Equals(source.SourceGroupId, groupId, StringComparison.Ordinal);

    private static bool HasSource(TargetMemberships current, string connection, string groupId)
    {
        foreach (var membership in current.Memberships)
        {
            foreach (var source in membership.Sources)
            {
                if (IsFrom(source, connection, groupId))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Gives(GroupMappingResult mapped, string group, string rule)
    {
        foreach (var target in mapped.Targets)
        {
            if (string.Equals(target.Name, group, StringComparison.OrdinalIgnoreCase) && string.Equals(target.Rule, rule, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void Check(TargetMemberships current, string connection, IGroupMappingPolicy policy, ICollection<PolicyDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(decisions);
    }
}
