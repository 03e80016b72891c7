// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json.Nodes;
using ScimSync.Atlassian.Products;
using ScimSync.Atlassian.State;
using ScimSync.Stores;

namespace ScimSync.Atlassian.Internal;

/// <summary>
/// Brings one product in line with ScimSync's view of a user or a group. Every step reads the product first and
/// writes only what differs, so a convergence can be repeated (after a failure, from the outbox, by reconciliation)
/// and ends in the same state.
/// </summary>
internal sealed class AtlassianConverger(AtlassianTarget target, IUserStore users, IGroupStore groups)
{
    private const int MemberPageSize = 500;

    /// <summary>The link key of a group the mapping policies name (it has no ScimSync id).</summary>
    private const string MappedGroupKey = "mapped:";

    public AtlassianTarget Target => target;

    private AtlassianProductClient Client => target.Client;

    private AtlassianTargetOptions Options => target.Options;

    private IAtlassianTargetState State => target.State;

    /// <summary>
    /// Converges a user. <paramref name="desired"/> is the user as ScimSync holds it (or is about to), or
    /// <see langword="null"/> when ScimSync deleted it (then <paramref name="previous"/> names it).
    /// </summary>
    /// <param name="scimId">The user's id, or <see langword="null"/> before ScimSync has assigned one (a create).</param>
    /// <param name="desired">The user, or <see langword="null"/> when deleted.</param>
    /// <param name="previous">The user before the change, when known.</param>
    /// <param name="includeGroups">Whether to converge the user's group memberships too.</param>
    /// <param name="sink">Where changes are recorded.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The product's user afterwards (its link), or <see langword="null"/> when the product has none.</returns>
    public async Task<AtlassianUserLink?> ConvergeUserAsync(
        string? scimId, JsonObject? desired, JsonObject? previous, bool includeGroups, ChangeSink sink, CancellationToken cancellationToken)
    {
        var link = scimId is null ? null : await State.GetUserLinkAsync(target.Name, scimId, cancellationToken).ConfigureAwait(false);
        if (desired is null)
        {
            await RemoveUserAsync(scimId, link, previous, sink, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var data = ScimValues.UserData(desired, Options.MissingEmailFormat);
        var active = ScimValues.Active(desired);
        var existing = link is null ? null : await Client.FindUserAsync(link.Username, cancellationToken).ConfigureAwait(false);
        if (existing is not null && !string.Equals(existing.Key, link!.Key, StringComparison.Ordinal))
        {
            existing = null; // the name now belongs to someone else
        }

        if (existing is null && link is not null && !string.Equals(link.Username, data.Name, StringComparison.OrdinalIgnoreCase))
        {
            existing = await Client.FindUserAsync(data.Name, cancellationToken).ConfigureAwait(false);
        }
        else if (existing is null)
        {
            existing = await Client.FindUserAsync(data.Name, cancellationToken).ConfigureAwait(false);
            if (existing is not null && link is null && !Options.AdoptExistingUsers)
            {
                throw new AtlassianProductException(
                    Client.Product, AtlassianErrorKind.Refused, HttpStatusCode.Conflict, [$"The product already has a user named '{data.Name}' and AdoptExistingUsers is off."]);
            }
        }

        if (existing is not null && target.CannotRename.Value)
        {
            // The product cannot rename (Confluence): the user keeps its product username, the rest is written.
            data = data with { Name = existing.Name };
        }

        var isNew = false;
        if (existing is null)
        {
            if (!active)
            {
                // An inactive user the product never had: nothing to write until they are activated.
                await ForgetUserAsync(scimId, link, sink, cancellationToken).ConfigureAwait(false);
                return null;
            }

            existing = await CreateUserAsync(data, sink, cancellationToken).ConfigureAwait(false);
            isNew = true;
        }
        else if (!string.Equals(existing.Name, data.Name, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(existing.DisplayName, data.DisplayName, StringComparison.Ordinal)
            || !string.Equals(existing.Email, data.Email, StringComparison.OrdinalIgnoreCase))
        {
            var before = existing;
            await sink.ApplyAsync(
                new AtlassianChange(target.Name, AtlassianChangeKind.UpdateUser, data.Name, Describe(before, data)),
                async () =>
                {
                    try
                    {
                        existing = await Client.UpdateUserAsync(before, data, cancellationToken).ConfigureAwait(false);
                    }
                    catch (NotSupportedException e)
                    {
                        // A product that cannot rename (Confluence): the user keeps the product username (the link
                        // follows its key), and everything else is still written.
                        AtlassianLog.RenameUnsupported(target.Logger, target.Name, before.Name, data.Name, e);
                        target.CannotRename.Value = true;
                        var kept = data with { Name = before.Name };
                        existing = kept.DisplayName == before.DisplayName && string.Equals(kept.Email, before.Email, StringComparison.OrdinalIgnoreCase)
                            ? before
                            : await Client.UpdateUserAsync(before, kept, cancellationToken).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
            if (sink.DryRun)
            {
                existing = existing with { Name = data.Name, DisplayName = data.DisplayName, Email = data.Email };
            }
        }

        var activeChanged = false;
        if (active && !existing.Active && Client.CanDeactivateUsers)
        {
            await sink.ApplyAsync(
                new AtlassianChange(target.Name, AtlassianChangeKind.ActivateUser, existing.Name),
                () => Client.SetActiveAsync(existing.Name, active: true, cancellationToken)).ConfigureAwait(false);
            activeChanged = true;
        }
        else if (!active && existing.Active)
        {
            await HandOverLeadsAsync(existing.Name, sink, cancellationToken).ConfigureAwait(false);
            if (Client.CanDeactivateUsers)
            {
                await sink.ApplyAsync(
                    new AtlassianChange(target.Name, AtlassianChangeKind.DeactivateUser, existing.Name),
                    () => Client.SetActiveAsync(existing.Name, active: false, cancellationToken)).ConfigureAwait(false);
            }

            activeChanged = true;
        }

        var newLink = new AtlassianUserLink(scimId ?? string.Empty, existing.Key, existing.Name);
        if (scimId is not null && !sink.DryRun && link != newLink)
        {
            await State.SetUserLinkAsync(target.Name, scimId, newLink, cancellationToken).ConfigureAwait(false);
        }

        if (!(sink.DryRun && isNew))
        {
            await ConvergePropertiesAsync(existing.Name, desired, sink, cancellationToken).ConfigureAwait(false);
        }
        // A product that cannot deactivate holds "inactive" as "in no group": its groups follow every change.
        var mappedGroups = ScimValues.MappedGroups(desired);
        var mappedChanged = mappedGroups is not null
            && (previous is null || !(ScimValues.MappedGroups(previous) ?? []).Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(mappedGroups.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase));
        if (includeGroups || isNew || activeChanged || mappedChanged || !Client.CanDeactivateUsers)
        {
            await ConvergeGroupsOfUserAsync(scimId, existing.Name, active, isNew, mappedGroups, sink, cancellationToken).ConfigureAwait(false);
        }

        return newLink;
    }

    /// <summary>
    /// Converges a group and, when asked, its members. <paramref name="desired"/> is <see langword="null"/> when
    /// ScimSync deleted it. <paramref name="members"/> gives the members when they are not (yet) those of the store
    /// (a create or a replace); <paramref name="scimId"/> is <see langword="null"/> before a create.
    /// </summary>
    /// <returns>The product group's name, or <see langword="null"/> after a deletion.</returns>
    public async Task<string?> ConvergeGroupAsync(
        string? scimId, JsonObject? desired, bool includeMembers, ChangeSink sink, CancellationToken cancellationToken, IReadOnlyList<GroupMember>? members = null)
    {
        var linked = scimId is null ? null : await State.GetGroupNameAsync(target.Name, scimId, cancellationToken).ConfigureAwait(false);
        if (desired is null)
        {
            if (linked is not null && Options.DeleteGroups)
            {
                await sink.ApplyAsync(
                    new AtlassianChange(target.Name, AtlassianChangeKind.DeleteGroup, linked),
                    () => Client.DeleteGroupAsync(linked, cancellationToken)).ConfigureAwait(false);
                target.KnownGroups.TryRemove(linked, out _);
            }

            if (linked is not null && !sink.DryRun)
            {
                await State.SetGroupNameAsync(target.Name, scimId!, null, cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        var name = ScimValues.DisplayName(desired) ?? throw new InvalidOperationException("A stored Group has no displayName.");
        var exists = await EnsureGroupAsync(name, sink, cancellationToken).ConfigureAwait(false);
        if (scimId is not null && !sink.DryRun && !string.Equals(linked, name, StringComparison.Ordinal))
        {
            await State.SetGroupNameAsync(target.Name, scimId, name, cancellationToken).ConfigureAwait(false);
        }

        if (includeMembers || members is not null || linked is null || !string.Equals(linked, name, StringComparison.OrdinalIgnoreCase))
        {
            await ConvergeMembersAsync(scimId, members, name, exists, sink, cancellationToken).ConfigureAwait(false);
        }

        if (linked is not null && !string.Equals(linked, name, StringComparison.OrdinalIgnoreCase) && Options.DeleteGroups)
        {
            // Data Center groups cannot be renamed: the members moved to the new name, the old group goes.
            await sink.ApplyAsync(
                new AtlassianChange(target.Name, AtlassianChangeKind.DeleteGroup, linked, "renamed to " + name),
                () => Client.DeleteGroupAsync(linked, cancellationToken)).ConfigureAwait(false);
            target.KnownGroups.TryRemove(linked, out _);
        }

        return name;
    }

    /// <summary>Applies a membership change of a group to the product without listing the whole group.</summary>
    public async Task ApplyMembershipChangeAsync(
        string groupId, IReadOnlyCollection<GroupMember> add, IReadOnlyCollection<string> remove, ChangeSink sink, CancellationToken cancellationToken)
    {
        var name = await State.GetGroupNameAsync(target.Name, groupId, cancellationToken).ConfigureAwait(false);
        if (name is null)
        {
            var group = await groups.GetAsync(groupId, includeMembers: false, cancellationToken).ConfigureAwait(false);
            if (!group.IsSuccess)
            {
                return; // the store will answer 404
            }

            await ConvergeGroupAsync(groupId, group.Value!.Resource, includeMembers: true, sink, cancellationToken).ConfigureAwait(false);
            name = ScimValues.DisplayName(group.Value.Resource);
            if (name is null)
            {
                return;
            }
        }

        var toAdd = new List<string>();
        foreach (var member in add)
        {
            if (!IsGroupMember(member) && await UsernameAsync(member.Value, ensure: true, sink, cancellationToken).ConfigureAwait(false) is { } username)
            {
                toAdd.Add(username);
            }
        }

        if (toAdd.Count > 0)
        {
            await EnsureGroupAsync(name, sink, cancellationToken).ConfigureAwait(false);
            await AddMembersAsync(name, toAdd, sink, cancellationToken).ConfigureAwait(false);
        }

        foreach (var id in remove)
        {
            if (await UsernameAsync(id, ensure: false, sink, cancellationToken).ConfigureAwait(false) is { } username)
            {
                await sink.ApplyAsync(
                    new AtlassianChange(target.Name, AtlassianChangeKind.RemoveMember, username, name),
                    () => Client.RemoveMemberAsync(name, username, cancellationToken)).ConfigureAwait(false);
            }
        }
    }

    private async Task<AtlassianUser> CreateUserAsync(AtlassianUserData data, ChangeSink sink, CancellationToken cancellationToken)
    {
        AtlassianUser? created = null;
        await sink.ApplyAsync(new AtlassianChange(target.Name, AtlassianChangeKind.CreateUser, data.Name), async () =>
        {
            try
            {
                created = await Client.CreateUserAsync(data, cancellationToken).ConfigureAwait(false);
            }
            catch (AtlassianProductException e) when (e.Kind == AtlassianErrorKind.Refused)
            {
                // A retried create whose first attempt did arrive: the user is there.
                created = await Client.FindUserAsync(data.Name, cancellationToken).ConfigureAwait(false);
                if (created is null)
                {
                    throw;
                }
            }
        }).ConfigureAwait(false);
        return created ?? new AtlassianUser(string.Empty, data.Name, data.DisplayName, data.Email, Active: true);
    }

    private async Task RemoveUserAsync(string? scimId, AtlassianUserLink? link, JsonObject? previous, ChangeSink sink, CancellationToken cancellationToken)
    {
        var name = link?.Username ?? (previous is null ? null : ScimValues.UserName(previous));
        var existing = name is null ? null : await Client.FindUserAsync(name, cancellationToken).ConfigureAwait(false);
        if (existing is not null && (link is null || string.Equals(existing.Key, link.Key, StringComparison.Ordinal)))
        {
            await HandOverLeadsAsync(existing.Name, sink, cancellationToken).ConfigureAwait(false);
            if (Options.UserDeletion == AtlassianUserDeletion.Delete)
            {
                await sink.ApplyAsync(
                    new AtlassianChange(target.Name, AtlassianChangeKind.DeleteUser, existing.Name),
                    () => Client.DeleteUserAsync(existing.Name, cancellationToken)).ConfigureAwait(false);
            }
            else if (Client.CanDeactivateUsers && existing.Active)
            {
                await sink.ApplyAsync(
                    new AtlassianChange(target.Name, AtlassianChangeKind.DeactivateUser, existing.Name),
                    () => Client.SetActiveAsync(existing.Name, active: false, cancellationToken)).ConfigureAwait(false);
            }
            else if (!Client.CanDeactivateUsers)
            {
                await RemoveFromAllGroupsAsync(existing.Name, sink, cancellationToken).ConfigureAwait(false);
            }
        }

        await ForgetUserAsync(scimId, link, sink, cancellationToken).ConfigureAwait(false);
    }

    private async Task ForgetUserAsync(string? scimId, AtlassianUserLink? link, ChangeSink sink, CancellationToken cancellationToken)
    {
        if (scimId is not null && link is not null && !sink.DryRun)
        {
            await State.SetUserLinkAsync(target.Name, scimId, null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HandOverLeadsAsync(string username, ChangeSink sink, CancellationToken cancellationToken)
    {
        if (Client is not IAtlassianLeadership leadership || (Options.DefaultProjectLead is null && Options.DefaultComponentLead is null))
        {
            return;
        }

        foreach (var lead in await leadership.ListLeadsAsync(username, cancellationToken).ConfigureAwait(false))
        {
            var successor = lead.Kind == AtlassianLeadKind.Project
                ? Options.DefaultProjectLead
                : Options.DefaultComponentLead ?? Options.DefaultProjectLead;
            if (successor is null || string.Equals(successor, username, StringComparison.OrdinalIgnoreCase))
            {
                continue; // the product's refusal will say why
            }

            var what = lead.Kind == AtlassianLeadKind.Project ? $"project {lead.Key}" : $"component {lead.Name} of {lead.Key}";
            await sink.ApplyAsync(
                new AtlassianChange(target.Name, AtlassianChangeKind.MoveLead, username, $"{what} → {successor}"),
                () => leadership.SetLeadAsync(lead, successor, cancellationToken)).ConfigureAwait(false);
        }
    }

    private async Task ConvergePropertiesAsync(string username, JsonObject desired, ChangeSink sink, CancellationToken cancellationToken)
    {
        if (Options.UserProperties.Count == 0 || Client is not IAtlassianUserProperties properties)
        {
            return;
        }

        foreach (var (key, path) in Options.UserProperties)
        {
            var wanted = ScimValues.Resolve(desired, path);
            var current = await properties.GetUserPropertyAsync(username, key, cancellationToken).ConfigureAwait(false);
            if (wanted is null)
            {
                if (current is not null)
                {
                    await sink.ApplyAsync(
                        new AtlassianChange(target.Name, AtlassianChangeKind.DeleteProperty, username, key),
                        () => properties.DeleteUserPropertyAsync(username, key, cancellationToken)).ConfigureAwait(false);
                }
            }
            else if (current is null || !JsonNode.DeepEquals(current, wanted))
            {
                var value = wanted.DeepClone();
                await sink.ApplyAsync(
                    new AtlassianChange(target.Name, AtlassianChangeKind.SetProperty, username, key),
                    () => properties.SetUserPropertyAsync(username, key, value, cancellationToken)).ConfigureAwait(false);
            }
        }
    }

    private async Task ConvergeGroupsOfUserAsync(
        string? scimId, string username, bool active, bool isNew, IReadOnlyList<string>? mappedGroups, ChangeSink sink, CancellationToken cancellationToken)
    {
        var scimGroups = new HashSet<string>(mappedGroups ?? [], StringComparer.OrdinalIgnoreCase);
        if (mappedGroups is null && scimId is not null && Options.WriteScimGroups)
        {
            foreach (var group in await groups.ListGroupsOfMemberAsync(scimId, cancellationToken).ConfigureAwait(false))
            {
                var name = await State.GetGroupNameAsync(target.Name, group.Id, cancellationToken).ConfigureAwait(false) ?? group.DisplayName;
                if (name is not null)
                {
                    scimGroups.Add(name);
                }
            }
        }

        if (!active && !Client.CanDeactivateUsers)
        {
            await RemoveFromAllGroupsAsync(username, sink, cancellationToken).ConfigureAwait(false);
            return;
        }

        // A user just created is in no group the target manages: its groups need not be listed.
        var actual = isNew
            ? []
            : new HashSet<string>(await Client.ListGroupsOfUserAsync(username, cancellationToken).ConfigureAwait(false), StringComparer.OrdinalIgnoreCase);
        if (active)
        {
            var wanted = new HashSet<string>(scimGroups, StringComparer.OrdinalIgnoreCase);
            wanted.UnionWith(Options.DefaultGroups);
            if (isNew)
            {
                wanted.UnionWith(Options.DefaultGroupsForNewUsers);
            }

            foreach (var group in wanted)
            {
                if (!actual.Contains(group))
                {
                    await EnsureGroupAsync(group, sink, cancellationToken).ConfigureAwait(false);
                    await AddMembersAsync(group, [username], sink, cancellationToken).ConfigureAwait(false);
                }
            }

            if (mappedGroups is not null && !sink.DryRun)
            {
                // Groups the policies map users into are the target's to manage (it removes users who leave them).
                foreach (var group in mappedGroups)
                {
                    await State.SetGroupNameAsync(target.Name, MappedGroupKey + group.ToUpperInvariant(), group, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var managed = await State.ListGroupNamesAsync(target.Name, cancellationToken).ConfigureAwait(false);
        foreach (var group in actual)
        {
            if (managed.Contains(group) && !scimGroups.Contains(group) && !Options.DefaultGroups.Contains(group, StringComparer.OrdinalIgnoreCase))
            {
                await sink.ApplyAsync(
                    new AtlassianChange(target.Name, AtlassianChangeKind.RemoveMember, username, group),
                    () => Client.RemoveMemberAsync(group, username, cancellationToken)).ConfigureAwait(false);
            }
        }
    }

    private async Task RemoveFromAllGroupsAsync(string username, ChangeSink sink, CancellationToken cancellationToken)
    {
        foreach (var group in await Client.ListGroupsOfUserAsync(username, cancellationToken).ConfigureAwait(false))
        {
            await sink.ApplyAsync(
                new AtlassianChange(target.Name, AtlassianChangeKind.RemoveMember, username, group + " (access revoked: the product cannot deactivate users)"),
                () => Client.RemoveMemberAsync(group, username, cancellationToken)).ConfigureAwait(false);
        }
    }

    private async Task ConvergeMembersAsync(
        string? scimId, IReadOnlyList<GroupMember>? members, string name, bool exists, ChangeSink sink, CancellationToken cancellationToken)
    {
        var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var member in members ?? [])
        {
            if (!IsGroupMember(member) && await UsernameAsync(member.Value, ensure: true, sink, cancellationToken).ConfigureAwait(false) is { } username)
            {
                wanted.Add(username);
            }
        }

        for (var start = 1; members is null && scimId is not null; start += MemberPageSize)
        {
            var page = await groups.ListMembersAsync(scimId, start, MemberPageSize, cancellationToken).ConfigureAwait(false);
            if (!page.IsSuccess)
            {
                break;
            }

            foreach (var member in page.Value!.Members)
            {
                if (!IsGroupMember(member) && await UsernameAsync(member.Value, ensure: true, sink, cancellationToken).ConfigureAwait(false) is { } username)
                {
                    wanted.Add(username);
                }
            }

            if (page.Value.Members.Count < MemberPageSize || start + MemberPageSize > page.Value.TotalResults)
            {
                break;
            }
        }

        var actual = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (exists)
        {
            try
            {
                actual.UnionWith(await Client.ListGroupMembersAsync(name, cancellationToken).ConfigureAwait(false));
            }
            catch (AtlassianProductException e) when (e.Kind == AtlassianErrorKind.NotFound && target.KnownGroups.TryRemove(name, out _))
            {
                await EnsureGroupAsync(name, sink, cancellationToken).ConfigureAwait(false);
            }
        }
        var toAdd = wanted.Where(u => !actual.Contains(u)).ToList();
        if (toAdd.Count > 0)
        {
            await AddMembersAsync(name, toAdd, sink, cancellationToken).ConfigureAwait(false);
        }

        if (!Options.KeepUnmanagedMembers)
        {
            foreach (var username in actual.Where(u => !wanted.Contains(u)).ToList())
            {
                await sink.ApplyAsync(
                    new AtlassianChange(target.Name, AtlassianChangeKind.RemoveMember, username, name),
                    () => Client.RemoveMemberAsync(name, username, cancellationToken)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Creates a group unless it exists; returns whether it existed before (in a dry run: whether it exists).</summary>
    private async Task<bool> EnsureGroupAsync(string name, ChangeSink sink, CancellationToken cancellationToken)
    {
        if (sink.DryRun)
        {
            try
            {
                await Client.ListGroupMembersAsync(name, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (AtlassianProductException e) when (e.Kind == AtlassianErrorKind.NotFound)
            {
                await sink.ApplyAsync(new AtlassianChange(target.Name, AtlassianChangeKind.CreateGroup, name), () => Task.CompletedTask).ConfigureAwait(false);
                return false;
            }
        }

        if (target.KnownGroups.ContainsKey(name))
        {
            return true;
        }

        var created = await Client.EnsureGroupAsync(name, cancellationToken).ConfigureAwait(false);
        target.KnownGroups[name] = true;
        if (created)
        {
            await sink.ApplyAsync(new AtlassianChange(target.Name, AtlassianChangeKind.CreateGroup, name), () => Task.CompletedTask).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    private Task AddMembersAsync(string group, List<string> usernames, ChangeSink sink, CancellationToken cancellationToken) =>
        sink.ApplyAsync(
            new AtlassianChange(target.Name, AtlassianChangeKind.AddMember, usernames.Count == 1 ? usernames[0] : $"{usernames.Count} users", group),
            async () =>
            {
                try
                {
                    await Client.AddMembersAsync(group, usernames, cancellationToken).ConfigureAwait(false);
                }
                catch (AtlassianProductException e) when (e.Kind == AtlassianErrorKind.NotFound && target.KnownGroups.TryRemove(group, out _))
                {
                    // The group was deleted in the product since it was last seen: create it again, once.
                    await Client.EnsureGroupAsync(group, cancellationToken).ConfigureAwait(false);
                    target.KnownGroups[group] = true;
                    await Client.AddMembersAsync(group, usernames, cancellationToken).ConfigureAwait(false);
                }
            });

    /// <summary>
    /// The product username of a ScimSync user: from the link, or (when <paramref name="ensure"/>) by converging the
    /// user into the product first. <see langword="null"/> for users the product does not have (inactive, deleted).
    /// </summary>
    private async Task<string?> UsernameAsync(string scimId, bool ensure, ChangeSink sink, CancellationToken cancellationToken)
    {
        if (await State.GetUserLinkAsync(target.Name, scimId, cancellationToken).ConfigureAwait(false) is { } link)
        {
            return link.Username;
        }

        var user = await users.GetAsync(scimId, includeMembers: false, cancellationToken).ConfigureAwait(false);
        if (!user.IsSuccess)
        {
            return null;
        }

        if (!ensure)
        {
            return ScimValues.UserName(user.Value!.Resource);
        }

        var converged = await ConvergeUserAsync(scimId, user.Value!.Resource, null, includeGroups: false, sink, cancellationToken).ConfigureAwait(false);
        return converged?.Username;
    }

    private static bool IsGroupMember(GroupMember member) => string.Equals(member.Type, "Group", StringComparison.OrdinalIgnoreCase);

    private static string Describe(AtlassianUser before, AtlassianUserData after)
    {
        var fields = new List<string>(3);
        if (!string.Equals(before.Name, after.Name, StringComparison.OrdinalIgnoreCase))
        {
            fields.Add($"renamed from {before.Name}");
        }

        if (!string.Equals(before.DisplayName, after.DisplayName, StringComparison.Ordinal))
        {
            fields.Add("displayName");
        }

        if (!string.Equals(before.Email, after.Email, StringComparison.OrdinalIgnoreCase))
        {
            fields.Add("email");
        }

        return string.Join(", ", fields);
    }
}
