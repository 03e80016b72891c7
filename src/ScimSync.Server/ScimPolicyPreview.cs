// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Policies;
using ScimSync.Serialization;
using ScimSync.Server.Internal;

namespace ScimSync.Server;

/// <summary>
/// The dry run of a connection's mapping policies: what they would write for an incoming user or group, without
/// writing anything. Also served over HTTP at <c>POST {prefix}/{connection}/v2/Preview/Users</c> and
/// <c>/Preview/Groups</c>, authenticated like the connection's other requests.
/// </summary>
/// <example>
/// <code>
/// var preview = await app.Services.GetRequiredService&lt;ScimPolicyPreview&gt;()
///     .PreviewUserAsync("entra", JsonNode.Parse(json)!.AsObject(), cancellationToken);
/// Console.WriteLine($"{preview.Action}: {preview.Target?.UserName}, joins {string.Join(", ", preview.GroupsJoined)}");
/// </code>
/// </example>
public sealed class ScimPolicyPreview
{
    private readonly ScimConnectionRegistry _connections;
    private readonly IServiceScopeFactory _scopes;

    internal ScimPolicyPreview(ScimConnectionRegistry connections, IServiceScopeFactory scopes)
    {
        _connections = connections;
        _scopes = scopes;
    }

    /// <summary>Shows what creating (or re-linking) a user would do.</summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="user">The user as the identity provider would send it in a <c>POST /Users</c>.</param>
    /// <param name="cancellationToken">Cancels the preview.</param>
    /// <returns>The action, the target attributes, the memberships and every policy decision.</returns>
    /// <exception cref="ArgumentException">No connection has that name.</exception>
    public async Task<UserPolicyPreview> PreviewUserAsync(string connection, JsonObject user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var scim = Find(connection);
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            return await PreviewUserAsync(new ScimOperationContext(scim, scope.ServiceProvider, cancellationToken), user).ConfigureAwait(false);
        }
    }

    /// <summary>Shows which target groups an incoming group's members would join.</summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="group">The group as the identity provider would send it.</param>
    /// <returns>The target groups, with their rules, and every policy decision.</returns>
    /// <exception cref="ArgumentException">No connection has that name.</exception>
    public GroupPolicyPreview PreviewGroup(string connection, JsonObject group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return PreviewGroup(Find(connection), group);
    }

    internal static async Task<UserPolicyPreview> PreviewUserAsync(ScimOperationContext context, JsonObject input)
    {
        var decisions = new List<PolicyDecision>();
        if (!context.Connection.Users.Reader.TryRead(input, ScimReadMode.Create, out var user, out var invalid))
        {
            return UserPolicyPreview.Failed(PreviewActions.Invalid, invalid, decisions);
        }

        if (context.Connection.Policies is not { } policies)
        {
            return UserPolicyPreview.Failed(PreviewActions.Invalid, ScimError.InvalidValue($"Connection '{context.Connection.Name}' has no mapping policies."), decisions);
        }

        var store = context.Connection.Users.GetStore(context.Services);
        try
        {
            var create = policies.Lifecycle.Decide(new UserLifecycleChange(UserLifecycleAction.Create, context.Connection.Name, null));
            var match = await UserPolicyOperations.FindExistingAsync(context, store, user, policies, decisions).ConfigureAwait(false);
            string action;
            ProvisionedUser before;
            JsonObject projected;
            if (match is { } existing)
            {
                before = ProvisionedUser.Read(existing.User.Resource);
                action = UserPolicyOperations.IsActive(existing.User.Resource) || !UserPolicyOperations.IsActive(user) ? PreviewActions.Relink : PreviewActions.Reactivate;
                projected = UserPolicyOperations.Prepare(context, policies, existing.User, (JsonObject)user.DeepClone(), decisions);
            }
            else if (create.Outcome == UserLifecycleOutcome.Deny)
            {
                decisions.Add(new PolicyDecision(PolicyNames.Lifecycle, "user", create.Reason ?? "Creating users is not allowed."));
                return UserPolicyPreview.Failed(PreviewActions.Refused, ScimError.Forbidden(create.Reason ?? "Creating users is not allowed."), decisions);
            }
            else
            {
                before = ProvisionedUser.Empty;
                action = PreviewActions.Create;
                projected = UserPolicyOperations.Project(context, policies, (JsonObject)user.DeepClone(), ProvisionedUser.Empty, isNew: true, decisions);
            }

            var after = ProvisionedUser.Read(projected);
            var mapped = policies.Attributes.Map(user).User;
            var diff = after.Memberships.DiffFrom(before.Memberships);
            return new UserPolicyPreview(action, match?.User.Id, mapped, after.Memberships.Memberships, diff.Joined, diff.Left, decisions, null);
        }
        catch (ScimException e)
        {
            return UserPolicyPreview.Failed(e.Error.Status == 403 ? PreviewActions.Refused : PreviewActions.Invalid, e.Error, decisions);
        }
    }

    internal static GroupPolicyPreview PreviewGroup(ScimConnection connection, JsonObject input)
    {
        if (connection.Policies is not { } policies)
        {
            return new GroupPolicyPreview(null, [], 0, [], ScimError.InvalidValue($"Connection '{connection.Name}' has no mapping policies."));
        }

        if (!connection.Groups.Reader.TryRead(input, ScimReadMode.Create, out var group, out var invalid))
        {
            return new GroupPolicyPreview(null, [], 0, [], invalid);
        }

        var id = input["id"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "(new)";
        var source = GroupPolicyOperations.Describe(id, group);
        var mapped = policies.Groups.MapGroup(source);
        return new GroupPolicyPreview(source, mapped.Targets, GroupPolicyOperations.MemberIds(group).Count, mapped.Decisions, null);
    }

    private ScimConnection Find(string connection) => _connections.Get(connection);
}

/// <summary>What a previewed create would do, as <see cref="UserPolicyPreview.Action"/> names it.</summary>
public static class PreviewActions
{
    /// <summary>A new user would be created.</summary>
    public const string Create = "create";

    /// <summary>An existing user would be re-linked and updated.</summary>
    public const string Relink = "relink";

    /// <summary>A deactivated user would be reactivated and updated.</summary>
    public const string Reactivate = "reactivate";

    /// <summary>The lifecycle switches or ownership would refuse it (403).</summary>
    public const string Refused = "refused";

    /// <summary>The input is not a valid user, or the mapping gives no target user name (400).</summary>
    public const string Invalid = "invalid";
}

/// <summary>The dry run of a user create.</summary>
/// <param name="Action">One of <see cref="PreviewActions"/>.</param>
/// <param name="ExistingUserId">The user a re-link or reactivation would land on.</param>
/// <param name="Target">The target attributes, unless refused or invalid.</param>
/// <param name="Memberships">The target memberships the user would have, with provenance.</param>
/// <param name="GroupsJoined">Target groups the user would join.</param>
/// <param name="GroupsLeft">Target groups the user would leave.</param>
/// <param name="Decisions">Every policy decision that dropped, changed or refused data.</param>
/// <param name="Error">The error the request would get, for <see cref="PreviewActions.Refused"/> and <see cref="PreviewActions.Invalid"/>.</param>
public sealed record UserPolicyPreview(
    string Action,
    string? ExistingUserId,
    MappedUser? Target,
    IReadOnlyList<TargetMembership> Memberships,
    IReadOnlyList<string> GroupsJoined,
    IReadOnlyList<string> GroupsLeft,
    IReadOnlyList<PolicyDecision> Decisions,
    ScimError? Error)
{
    internal static UserPolicyPreview Failed(string action, ScimError error, IReadOnlyList<PolicyDecision> decisions) =>
        new(action, null, null, [], [], [], decisions, error);
}

/// <summary>The dry run of an incoming group.</summary>
/// <param name="Group">The group as group mapping sees it, unless the input is invalid.</param>
/// <param name="Targets">The target groups its members would join.</param>
/// <param name="Members">How many user members the input lists.</param>
/// <param name="Decisions">Why a group was dropped, renamed or skipped.</param>
/// <param name="Error">Why the input was refused, when it was.</param>
public sealed record GroupPolicyPreview(
    SourceGroup? Group,
    IReadOnlyList<MappedGroup> Targets,
    int Members,
    IReadOnlyList<PolicyDecision> Decisions,
    ScimError? Error);
