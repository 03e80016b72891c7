// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Patching;
using ScimSync.Policies;
using ScimSync.Schema;
using ScimSync.Stores;

namespace ScimSync.Server.Internal;

/// <summary>
/// What a connection's mapping policies add to the pipeline for users: the lifecycle switches and ownership checked
/// before a write, re-linking and reactivation on create, and the provisioning extension (target attributes,
/// custom attributes, memberships with provenance) computed into the same store write as the user.
/// </summary>
internal static class UserPolicyOperations
{
    /// <summary>A create: refused, re-linked to an existing user (re-link or reactivation), or a new user.</summary>
    public static async Task<StoredResource> CreateAsync(
        ScimOperationContext context, IResourceStore store, JsonObject resource, ConnectionPolicies policies, List<PolicyDecision> decisions)
    {
        var connection = context.Connection.Name;
        Require(policies.Lifecycle.Decide(new UserLifecycleChange(UserLifecycleAction.Create, connection, null)), decisions);
        var retries = context.Server.Options.CurrentValue.PatchConflictRetries;
        for (var attempt = 0; ; attempt++)
        {
            var match = await FindExistingAsync(context, store, resource, policies, decisions).ConfigureAwait(false);
            if (match is null)
            {
                var created = Project(context, policies, (JsonObject)resource.DeepClone(), ProvisionedUser.Empty, isNew: true, decisions);
                var result = await store.CreateAsync(created, context.CancellationToken).ConfigureAwait(false);
                return result.IsSuccess ? result.Value! : throw new ScimException(result.ToError());
            }

            // The same checks as a replace of the matched user: ownership, the update, deactivate and reactivate
            // switches, and the safety brake when the create would deactivate it.
            var (existing, matchedBy) = match.Value;
            var reactivates = !IsActive(existing.Resource) && IsActive(resource);
            var replacement = Prepare(context, policies, existing, (JsonObject)resource.DeepClone(), decisions);
            await CheckBrakeAsync(context, existing, replacement, decisions).ConfigureAwait(false);
            var written = await store.ReplaceAsync(existing.Id, replacement, existing.Version, context.CancellationToken).ConfigureAwait(false);
            if (written.Status == StoreResultStatus.VersionMismatch && attempt < retries)
            {
                continue;
            }

            if (!written.IsSuccess)
            {
                throw new ScimException(written.ToError());
            }

            decisions.Add(new PolicyDecision(
                PolicyNames.Lifecycle,
                existing.Id,
                reactivates
                    ? $"The create matched deactivated user '{existing.Id}' by {matchedBy}; it was reactivated and updated instead of creating another."
                    : $"The create matched existing user '{existing.Id}' by {matchedBy}; it was re-linked and updated instead of creating a duplicate."));
            return written.Value!;
        }
    }

    /// <summary>A replace (PUT): the switches for what changes, then the extension recomputed over the stored one.</summary>
    public static async Task<(StoredResource Stored, JsonObject Before)> ReplaceAsync(
        ScimOperationContext context, IResourceStore store, string id, JsonObject resource, string? expected, ConnectionPolicies policies, List<PolicyDecision> decisions)
    {
        var retries = context.Server.Options.CurrentValue.PatchConflictRetries;
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(id, includeMembers: false, context.CancellationToken).ConfigureAwait(false);
            var stored = current.IsSuccess ? current.Value! : throw new ScimException(current.ToError());
            if (expected is not null && !string.Equals(expected, stored.Version, StringComparison.Ordinal))
            {
                throw new ScimException(ScimError.PreconditionFailed("The resource's version does not match If-Match."));
            }

            var replacement = Prepare(context, policies, stored, (JsonObject)resource.DeepClone(), decisions);
            await CheckBrakeAsync(context, stored, replacement, decisions).ConfigureAwait(false);
            var written = await store.ReplaceAsync(id, replacement, stored.Version, context.CancellationToken).ConfigureAwait(false);
            if (written.Status == StoreResultStatus.VersionMismatch && expected is null && attempt < retries)
            {
                continue;
            }

            return written.IsSuccess ? (written.Value!, stored.Resource) : throw new ScimException(written.ToError());
        }
    }

    /// <summary>
    /// Checks a change of a stored user against the lifecycle switches and ownership, and computes the provisioning
    /// extension of the new version, carrying the memberships over. Used by PUT and by PATCH after the engine ran.
    /// </summary>
    public static JsonObject Prepare(ScimOperationContext context, ConnectionPolicies policies, StoredResource stored, JsonObject replacement, List<PolicyDecision> decisions)
    {
        var previous = ProvisionedUser.Read(stored.Resource);
        var connection = context.Connection.Name;
        var wasActive = IsActive(stored.Resource);
        var isActive = IsActive(replacement);
        if (wasActive != isActive)
        {
            Require(policies.Lifecycle.Decide(new UserLifecycleChange(
                isActive ? UserLifecycleAction.Reactivate : UserLifecycleAction.Deactivate, connection, previous.Owner)), decisions);
        }

        if (ChangesMoreThanActive(stored.Resource, replacement, policies))
        {
            Require(policies.Lifecycle.Decide(new UserLifecycleChange(UserLifecycleAction.Update, connection, previous.Owner)), decisions);
        }

        return Project(context, policies, replacement, previous, isNew: false, decisions, stored.Resource);
    }

    /// <summary>A delete: refused, turned into a deactivation that keeps the user, or a delete.</summary>
    public static async Task DeleteAsync(
        ScimOperationContext context, IResourceStore store, string id, string? expected, ConnectionPolicies policies, List<PolicyDecision> decisions)
    {
        var retries = context.Server.Options.CurrentValue.PatchConflictRetries;
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(id, includeMembers: false, context.CancellationToken).ConfigureAwait(false);
            var stored = current.IsSuccess ? current.Value! : throw new ScimException(current.ToError());
            if (expected is not null && !string.Equals(expected, stored.Version, StringComparison.Ordinal))
            {
                throw new ScimException(ScimError.PreconditionFailed("The resource's version does not match If-Match."));
            }

            var previous = ProvisionedUser.Read(stored.Resource);
            var decision = policies.Lifecycle.Decide(new UserLifecycleChange(UserLifecycleAction.Delete, context.Connection.Name, previous.Owner));
            Require(decision, decisions);
            if (decision.Outcome != UserLifecycleOutcome.DeactivateInstead || IsActive(stored.Resource))
            {
                await Brake(context).CheckUserAsync(context, id, decision.Outcome != UserLifecycleOutcome.DeactivateInstead, decisions).ConfigureAwait(false);
            }

            if (decision.Outcome != UserLifecycleOutcome.DeactivateInstead)
            {
                var deleted = await store.DeleteAsync(id, stored.Version, context.CancellationToken).ConfigureAwait(false);
                if (deleted.Status == StoreResultStatus.VersionMismatch && expected is null && attempt < retries)
                {
                    continue;
                }

                if (!deleted.IsSuccess)
                {
                    throw new ScimException(deleted.ToError());
                }

                return;
            }

            var kept = (JsonObject)stored.Resource.DeepClone();
            kept["active"] = false;
            (previous with { Deprovisioned = true, Owner = previous.Owner ?? context.Connection.Name }).WriteTo(kept);
            var written = await store.ReplaceAsync(id, kept, stored.Version, context.CancellationToken).ConfigureAwait(false);
            if (written.Status == StoreResultStatus.VersionMismatch && expected is null && attempt < retries)
            {
                continue;
            }

            if (!written.IsSuccess)
            {
                throw new ScimException(written.ToError());
            }

            decisions.Add(new PolicyDecision(PolicyNames.Lifecycle, id, decision.Reason ?? "DELETE deactivated and kept the user."));
            return;
        }
    }

    /// <summary>Holds a deactivation when the connection's safety brake says so (503, nothing written).</summary>
    public static ValueTask CheckBrakeAsync(ScimOperationContext context, StoredResource stored, JsonObject replacement, List<PolicyDecision> decisions) =>
        IsActive(stored.Resource) && !IsActive(replacement)
            ? Brake(context).CheckUserAsync(context, stored.Id, delete: false, decisions)
            : ValueTask.CompletedTask;

    public static ScimSafetyBrake Brake(ScimOperationContext context) => context.Services.GetRequiredService<ScimSafetyBrake>();

    /// <summary>
    /// Computes the provisioning extension and the custom attributes of <paramref name="user"/> (changed in place)
    /// from the attribute mapping and the default groups, over what was stored before. When another connection has
    /// written the user too, the target values are the winners of per-attribute source precedence
    /// (<see cref="AttributePrecedence"/>); <paramref name="stored"/>, the user as stored, gives the other
    /// connection's custom attribute values the first time that happens.
    /// </summary>
    public static JsonObject Project(
        ScimOperationContext context, ConnectionPolicies policies, JsonObject user, ProvisionedUser previous, bool isNew, List<PolicyDecision> decisions, JsonObject? stored = null)
    {
        var mapped = policies.Attributes.Map(user);
        decisions.AddRange(mapped.Decisions);
        if (string.IsNullOrWhiteSpace(mapped.User.UserName))
        {
            throw new ScimException(ScimError.InvalidValue(
                "The connection's attribute mapping found no value for the target user name in this user; nothing was written."));
        }

        var memberships = GroupMembershipPlanner.ApplyDefaults(previous.Memberships, context.Connection.Name, isNew, policies.Groups);
        var (target, contributions) = ApplyPrecedence(context, policies, mapped.User, previous, stored, decisions);
        var provisioned = new ProvisionedUser(
            previous.Owner ?? context.Connection.Name,
            target.UserName,
            target.Email,
            target.DisplayName,
            previous.Deprovisioned && !IsActive(user),
            memberships)
        {
            Contributions = contributions,
        };
        provisioned.WriteTo(user);

        JsonObject? custom = null;
        if (target.CustomAttributes.Count > 0)
        {
            custom = [];
            foreach (var (name, value) in target.CustomAttributes)
            {
                custom[name] = value;
            }
        }

        user.SetExtension(policies.Attributes.CustomSchema, custom);
        return user;
    }

    /// <summary>
    /// The existing user a create should land on: the first of the lifecycle's <c>MatchBy</c> attributes that
    /// matches exactly one user, or, for reactivation, a deactivated user with the same <c>userName</c>.
    /// </summary>
    internal static async Task<(StoredResource User, string MatchedBy)?> FindExistingAsync(
        ScimOperationContext context, IResourceStore store, JsonObject resource, ConnectionPolicies policies, List<PolicyDecision> decisions)
    {
        foreach (var path in policies.Lifecycle.MatchBy)
        {
            if (FirstValue(resource, path) is not { Length: > 0 } value)
            {
                continue;
            }

            var found = await FindAsync(context, store, path, value, 2).ConfigureAwait(false);
            if (found.Count == 1)
            {
                return (found[0], path);
            }

            if (found.Count > 1)
            {
                decisions.Add(new PolicyDecision(PolicyNames.Lifecycle, path, $"Several users match on {path}; the create was not re-linked by it."));
            }
        }

        if (policies.Lifecycle.ReactivateOnCreate && FirstValue(resource, "userName") is { Length: > 0 } userName)
        {
            var found = await FindAsync(context, store, "userName", userName, 1).ConfigureAwait(false);
            if (found.Count == 1 && !IsActive(found[0].Resource))
            {
                return (found[0], "userName");
            }
        }

        return null;
    }

    private static async Task<IReadOnlyList<StoredResource>> FindAsync(ScimOperationContext context, IResourceStore store, string path, string value, int count)
    {
        var filter = ScimFilter.Parse(path + " eq " + JsonValue.Create(value).ToJsonString());
        var result = await store.ListAsync(new ListQuery { Filter = filter, Count = count, IncludeMembers = false }, context.CancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value!.Resources : throw new ScimException(result.ToError());
    }

    /// <summary>The first string value at an attribute path (<c>externalId</c>, <c>emails.value</c>, an extension attribute).</summary>
    private static string? FirstValue(JsonObject resource, string path)
    {
        var parsed = AttributePath.Parse(path);
        var container = resource;
        if (parsed.SchemaUri is { } schema && !string.Equals(schema, ScimSchemas.User, StringComparison.OrdinalIgnoreCase))
        {
            if (resource.FindIgnoringCase(schema) is not JsonObject extension)
            {
                return null;
            }

            container = extension;
        }

        var node = container.FindIgnoringCase(parsed.AttributeName);
        if (node is JsonArray array)
        {
            node = array.Count > 0 ? array[0] : null;
        }

        if (parsed.SubAttributeName is { } sub)
        {
            node = node is JsonObject complex ? complex.FindIgnoringCase(sub) : null;
        }

        return node is JsonValue text && text.TryGetValue<string>(out var value) ? value : null;
    }


    /// <summary>Whether a user is active: <c>active</c> absent counts as active (RFC 7643 gives it no default).</summary>
    internal static bool IsActive(JsonObject user) =>
        user.FindIgnoringCase("active") is not JsonValue active || !active.TryGetValue<bool>(out var value) || value;

    private static bool ChangesMoreThanActive(JsonObject before, JsonObject after, ConnectionPolicies policies)
    {
        foreach (var name in ScimResourceOperations.ChangedAttributes(before, after))
        {
            if (!string.Equals(name, "active", StringComparison.OrdinalIgnoreCase) &&
                !string.Equals(name, ProvisionedUser.Schema, StringComparison.OrdinalIgnoreCase) &&
                !string.Equals(name, policies.Attributes.CustomSchema, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Throws 403 for a denied change, after recording the decision.</summary>
    private static void Require(UserLifecycleDecision decision, List<PolicyDecision> decisions)
    {
        if (decision.Outcome == UserLifecycleOutcome.Deny)
        {
            var reason = decision.Reason ?? "The connection's lifecycle policy does not permit this change.";
            decisions.Add(new PolicyDecision(PolicyNames.Lifecycle, "user", reason));
            throw new ScimException(ScimError.Forbidden(reason));
        }
    }

    private const string UserNameAttribute = "userName";
    private const string EmailAttribute = "email";
    private const string DisplayNameAttribute = "displayName";

    /// <summary>
    /// The target values of a write: the connection's own while only the owner writes the user (nothing extra is
    /// stored), else the winners of source precedence over every connection's contributions. The first time another
    /// connection writes, the owner's contribution is rebuilt from the stored target values.
    /// </summary>
    private static (MappedUser Target, IReadOnlyList<AttributeContribution> Contributions) ApplyPrecedence(
        ScimOperationContext context, ConnectionPolicies policies, MappedUser mapped, ProvisionedUser previous, JsonObject? stored, List<PolicyDecision> decisions)
    {
        var connection = context.Connection.Name;
        var owner = previous.Owner ?? connection;
        var prior = previous.Contributions;
        if (prior.Count == 0)
        {
            if (string.Equals(owner, connection, StringComparison.OrdinalIgnoreCase))
            {
                return (mapped, previous.Contributions);
            }

            prior = OwnerContributions(context, policies, owner, previous, stored);
        }

        var attributes = policies.Attributes;
        var current = new List<AttributeContribution>(3 + attributes.CustomAttributeNames.Count)
        {
            new(connection, UserNameAttribute, mapped.UserName, attributes.PrecedenceOf(UserNameAttribute)),
            new(connection, EmailAttribute, mapped.Email, attributes.PrecedenceOf(EmailAttribute)),
            new(connection, DisplayNameAttribute, mapped.DisplayName, attributes.PrecedenceOf(DisplayNameAttribute)),
        };
        foreach (var name in attributes.CustomAttributeNames)
        {
            current.Add(new(connection, name, mapped.CustomAttributes.TryGetValue(name, out var value) ? value : null, attributes.PrecedenceOf(name)));
        }

        if (stored is not null)
        {
            // An attribute whose sources this write left as they were (a PATCH of something else, on a user whose
            // SCIM attributes another connection may have sent last) keeps the connection's earlier contribution.
            var before = attributes.Map(stored).User;
            for (var i = 0; i < current.Count; i++)
            {
                if (string.Equals(ValueOf(before, current[i].Attribute), current[i].Value, StringComparison.Ordinal))
                {
                    current[i] = current[i] with { Value = EarlierValue(prior, connection, current[i].Attribute) };
                }
            }
        }

        var merged = AttributePrecedence.Merge(prior, connection, current);
        decisions.AddRange(merged.Decisions);

        var custom = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in merged.Winners)
        {
            if (!IsTargetAttribute(name) && InCustomSchema(context, attributes, name, merged.Contributions))
            {
                custom[name] = value;
            }
        }

        var target = new MappedUser(
            merged.Winners.GetValueOrDefault(UserNameAttribute),
            merged.Winners.GetValueOrDefault(EmailAttribute),
            merged.Winners.GetValueOrDefault(DisplayNameAttribute),
            custom);

        // Back to one source (the others gave nothing): the top-level values say it all again.
        var single = true;
        foreach (var contribution in merged.Contributions)
        {
            single &= string.Equals(contribution.Connection, owner, StringComparison.OrdinalIgnoreCase);
        }

        return (target, single ? [] : merged.Contributions);
    }

    /// <summary>
    /// The owner's contribution before anyone else wrote the user: the stored target values and the custom
    /// attributes the owner declares, at the owner's precedence (0 when the connection no longer exists).
    /// </summary>
    private static List<AttributeContribution> OwnerContributions(
        ScimOperationContext context, ConnectionPolicies policies, string owner, ProvisionedUser previous, JsonObject? stored)
    {
        var mapping = MappingOf(context, owner);
        var contributions = new List<AttributeContribution>();
        void Add(string attribute, string? value)
        {
            if (value is not null)
            {
                contributions.Add(new AttributeContribution(owner, attribute, value, mapping?.PrecedenceOf(attribute) ?? 0));
            }
        }

        Add(UserNameAttribute, previous.UserName);
        Add(EmailAttribute, previous.Email);
        Add(DisplayNameAttribute, previous.DisplayName);
        if (stored is not null && stored.FindIgnoringCase(mapping?.CustomSchema ?? policies.Attributes.CustomSchema) is JsonObject custom)
        {
            foreach (var (name, node) in custom)
            {
                if ((mapping is null || mapping.CustomAttributeNames.Contains(name, StringComparer.OrdinalIgnoreCase)) &&
                    node is JsonValue value && value.TryGetValue<string>(out var text))
                {
                    Add(name, text);
                }
            }
        }

        return contributions;
    }

    /// <summary>
    /// Whether a custom attribute's winner belongs in the writing connection's custom schema: it declares the name,
    /// or a connection that gave a value for it uses the same schema.
    /// </summary>
    private static bool InCustomSchema(ScimOperationContext context, IAttributeMappingPolicy attributes, string name, IReadOnlyList<AttributeContribution> contributions)
    {
        if (attributes.CustomAttributeNames.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var contribution in contributions)
        {
            if (string.Equals(contribution.Attribute, name, StringComparison.OrdinalIgnoreCase) &&
                MappingOf(context, contribution.Connection) is { } other &&
                other.CustomAttributeNames.Contains(name, StringComparer.OrdinalIgnoreCase) &&
                string.Equals(other.CustomSchema, attributes.CustomSchema, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The attribute mapping of a connection in force, or <see langword="null"/> when it is gone or has no policies.</summary>
    private static IAttributeMappingPolicy? MappingOf(ScimOperationContext context, string connection) =>
        string.Equals(connection, context.Connection.Name, StringComparison.OrdinalIgnoreCase) ? context.Connection.Policies?.Attributes :
        context.Services.GetService(typeof(ScimConnectionRegistry)) is ScimConnectionRegistry registry && registry.TryGet(connection, out var found) ? found.Policies?.Attributes :
        null;

    private static string? ValueOf(MappedUser user, string attribute) =>
        string.Equals(attribute, UserNameAttribute, StringComparison.OrdinalIgnoreCase) ? user.UserName :
        string.Equals(attribute, EmailAttribute, StringComparison.OrdinalIgnoreCase) ? user.Email :
        string.Equals(attribute, DisplayNameAttribute, StringComparison.OrdinalIgnoreCase) ? user.DisplayName :
        user.CustomAttributes.GetValueOrDefault(attribute);

    private static string? EarlierValue(IReadOnlyList<AttributeContribution> contributions, string connection, string attribute)
    {
        foreach (var contribution in contributions)
        {
            if (string.Equals(contribution.Connection, connection, StringComparison.OrdinalIgnoreCase) &&
                string.Equals(contribution.Attribute, attribute, StringComparison.OrdinalIgnoreCase))
            {
                return contribution.Value;
            }
        }

        return null;
    }

    private static bool IsTargetAttribute(string name) =>
        string.Equals(name, UserNameAttribute, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(name, EmailAttribute, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(name, DisplayNameAttribute, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// What group mapping adds to the pipeline: when an incoming group's members change, is created, renamed or deleted,
/// each affected user's target memberships are granted or revoked with their provenance. Every user update is
/// idempotent, so an identity provider's retry of a request that failed half-way converges.
/// </summary>
internal static class GroupPolicyOperations
{
    /// <summary>At most this many decisions are kept per change, so a 10,000-member change does not flood the log.</summary>
    private const int MaxDecisions = 50;

    public static bool Applies(ScimOperationContext context) =>
        context.Connection.Policies?.Groups.MapsIncomingGroups == true;

    /// <summary>Members joined or left an incoming group (the membership fast path, a create, a replace).</summary>
    public static async Task MembersChangedAsync(
        ScimOperationContext context, SourceGroup group, IEnumerable<string> joined, IEnumerable<string> left, List<PolicyDecision> decisions)
    {
        var policies = context.Connection.Policies!;
        var connection = context.Connection.Name;
        foreach (var member in joined)
        {
            await UpdateAsync(context, member, (m, d) => GroupMembershipPlanner.Join(m, connection, group, policies.Groups, d), decisions).ConfigureAwait(false);
        }

        foreach (var member in left)
        {
            await UpdateAsync(context, member, (m, d) => GroupMembershipPlanner.Leave(m, connection, group.Id, policies.Groups, d), decisions).ConfigureAwait(false);
        }
    }

    /// <summary>An incoming group was renamed (or its externalId changed): its remaining members' grants are recomputed.</summary>
    public static async Task RemapAsync(ScimOperationContext context, SourceGroup group, IEnumerable<string> members, List<PolicyDecision> decisions)
    {
        var policies = context.Connection.Policies!;
        foreach (var member in members)
        {
            await UpdateAsync(context, member, (m, d) => GroupMembershipPlanner.Remap(m, context.Connection.Name, group, policies.Groups, d), decisions).ConfigureAwait(false);
        }
    }

    /// <summary>Sets a user's grants from the full list of incoming groups a directory source lists on the user.</summary>
    public static async Task ReconcileAsync(ScimOperationContext context, string userId, IReadOnlyCollection<SourceGroup> groups, List<PolicyDecision> decisions)
    {
        var policies = context.Connection.Policies!;
        var store = context.Connection.Users.GetStore(context.Services);
        var exists = await store.GetAsync(userId, includeMembers: false, context.CancellationToken).ConfigureAwait(false);
        if (!exists.IsSuccess)
        {
            throw new ScimException(exists.ToError());
        }

        await UpdateAsync(context, userId, (m, d) => GroupMembershipPlanner.Reconcile(m, context.Connection.Name, groups, policies.Groups, d), decisions).ConfigureAwait(false);
    }

    /// <summary>The ids of a group's members, read page by page.</summary>
    public static async Task<List<string>> MembersAsync(ScimOperationContext context, IGroupStore store, string groupId)
    {
        var members = new List<string>();
        const int page = 1000;
        for (var start = 1; ; start += page)
        {
            var result = await store.ListMembersAsync(groupId, start, page, context.CancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                return members;
            }

            foreach (var member in result.Value!.Members)
            {
                if (!string.Equals(member.Type, "Group", StringComparison.OrdinalIgnoreCase))
                {
                    members.Add(member.Value);
                }
            }

            if (result.Value.Members.Count < page)
            {
                return members;
            }
        }
    }

    /// <summary>The member ids listed in a group resource's <c>members</c>.</summary>
    public static HashSet<string> MemberIds(JsonObject group)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (group["members"] is JsonArray members)
        {
            foreach (var member in members)
            {
                if (member is JsonObject item && item["value"] is JsonValue value && value.TryGetValue<string>(out var id) &&
                    !(item["type"] is JsonValue type && type.TryGetValue<string>(out var kind) && string.Equals(kind, "Group", StringComparison.OrdinalIgnoreCase)))
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }

    public static SourceGroup Describe(string id, JsonObject group) => new(
        id,
        group["externalId"] is JsonValue externalId && externalId.TryGetValue<string>(out var e) ? e : null,
        group["displayName"] is JsonValue displayName && displayName.TryGetValue<string>(out var d) ? d : null);

    /// <summary>
    /// Rewrites one user's provisioning extension with a membership change, at the version it read (retrying on a
    /// concurrent write). A member that is not a user of the directory (a nested group) is skipped.
    /// </summary>
    private static async Task UpdateAsync(
        ScimOperationContext context, string userId, Func<TargetMemberships, ICollection<PolicyDecision>, TargetMemberships> change, List<PolicyDecision> decisions)
    {
        var store = context.Connection.Users.GetStore(context.Services);
        var retries = Math.Max(3, context.Server.Options.CurrentValue.PatchConflictRetries);
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(userId, includeMembers: false, context.CancellationToken).ConfigureAwait(false);
            if (current.Status == StoreResultStatus.NotFound)
            {
                return;
            }

            var stored = current.IsSuccess ? current.Value! : throw new ScimException(current.ToError());
            var previous = ProvisionedUser.Read(stored.Resource);
            var taken = new List<PolicyDecision>();
            var updated = change(previous.Memberships, taken);
            if (updated.Equals(previous.Memberships))
            {
                AddCapped(decisions, taken);
                return;
            }

            var resource = (JsonObject)stored.Resource.DeepClone();
            (previous with { Memberships = updated, Owner = previous.Owner ?? context.Connection.Name }).WriteTo(resource);
            var written = await store.ReplaceAsync(userId, resource, stored.Version, context.CancellationToken).ConfigureAwait(false);
            if (written.Status == StoreResultStatus.VersionMismatch && attempt < retries)
            {
                continue;
            }

            if (!written.IsSuccess)
            {
                throw new ScimException(written.ToError());
            }

            AddCapped(decisions, taken);
            return;
        }
    }

    private static void AddCapped(List<PolicyDecision> decisions, List<PolicyDecision> taken)
    {
        foreach (var decision in taken)
        {
            if (decisions.Count >= MaxDecisions)
            {
                return;
            }

            decisions.Add(decision);
        }
    }
}
