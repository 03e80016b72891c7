// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Policies;
using ScimSync.Provisioning;
using ScimSync.Server.Internal;
using ScimSync.Stores;

namespace ScimSync.Server;

/// <summary>
/// The safety brakes of the connections (<see cref="SafetyBrakeOptions"/>): their state, and the operator's
/// decision on the changes they hold.
/// </summary>
/// <remarks>
/// <para>
/// A connection's brake engages when, within its window, more users would be deactivated or deleted than
/// <see cref="SafetyBrakeOptions.MaxDeactivatedPercent"/> of the directory (and at least
/// <see cref="SafetyBrakeOptions.MinimumDeactivations"/>), or when one request would remove more than
/// <see cref="SafetyBrakeOptions.MaxMembersRemovedPerRequest"/> members from a group. From then on, every
/// deactivation, user deletion and large member removal of that connection is held: answered with 503 and
/// <c>Retry-After</c>, nothing written, and listed here. Identity providers retry 503s, so after
/// <see cref="Approve"/> their retries go through; after <see cref="Discard"/> the held changes are refused with 403
/// for one window, and appear as failures in the provider's own provisioning logs.
/// </para>
/// <para>
/// The state is kept in memory, per process: a restart releases an engaged brake (the thresholds engage it again on
/// the next burst), and hosts scaled out over several instances count per instance.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// app.MapPost("/admin/brakes/{connection}/approve", (string connection, ScimSafetyBrake brakes, ClaimsPrincipal user) =>
///     brakes.Approve(connection, user.Identity?.Name)).RequireAuthorization("scim-admin");
/// </code>
/// </example>
public sealed class ScimSafetyBrake
{
    private const string Deactivate = "deactivate";
    private const string Delete = "delete";
    private const string RemoveMembers = "removeMembers";
    private const int MaxHeld = 10_000;

    private readonly ScimConnectionRegistry _connections;
    private readonly TimeProvider _time;
    private readonly IServiceProvider _services;
    private readonly Dictionary<string, State> _states = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    internal ScimSafetyBrake(ScimConnectionRegistry connections, TimeProvider time, IServiceProvider services)
    {
        _connections = connections;
        _time = time;
        _services = services;
    }

    /// <summary>Gets the state of one connection's brake.</summary>
    /// <param name="connection">The connection's name.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ArgumentException">No connection has that name.</exception>
    public SafetyBrakeStatus GetStatus(string connection)
    {
        var found = Find(connection);
        var options = found.Policies?.SafetyBrake;
        lock (_lock)
        {
            var state = StateOf(found.Name);
            Trim(state, options);
            return new SafetyBrakeStatus(
                found.Name,
                options?.Enabled == true,
                state.EngagedAt is not null,
                state.EngagedAt,
                state.Reason,
                state.Events.Count,
                [.. state.Held.Values.OrderBy(h => h.HeldAt)]);
        }
    }

    /// <summary>Gets the state of every connection's brake.</summary>
    /// <returns>One state per connection.</returns>
    public IReadOnlyList<SafetyBrakeStatus> GetStatuses() =>
        [.. _connections.All.Select(c => GetStatus(c.Name)).OrderBy(s => s.Connection, StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// Releases the brake and lets the held changes through: the identity provider's retries of them are applied
    /// (for one window), and the deactivation count starts again.
    /// </summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="approvedBy">Who decided, for the logs.</param>
    /// <returns>How many held changes were approved.</returns>
    /// <exception cref="ArgumentException">No connection has that name.</exception>
    public int Approve(string connection, string? approvedBy = null) => Release(connection, approve: true, approvedBy);

    /// <summary>
    /// Releases the brake and refuses the held changes: the identity provider's retries of them get 403 for one
    /// window. The deactivation count starts again.
    /// </summary>
    /// <param name="connection">The connection's name.</param>
    /// <param name="discardedBy">Who decided, for the logs.</param>
    /// <returns>How many held changes were discarded.</returns>
    /// <exception cref="ArgumentException">No connection has that name.</exception>
    public int Discard(string connection, string? discardedBy = null) => Release(connection, approve: false, discardedBy);

    /// <summary>Checks a user deactivation or deletion; throws 503 (held) or 403 (discarded) when it may not happen now.</summary>
    internal ValueTask CheckUserAsync(ScimOperationContext context, string userId, bool delete, List<PolicyDecision> decisions) =>
        CheckAsync(context, new ChangeKey(ScimSync.Schema.ScimResourceTypeNames.User, userId, delete ? Delete : Deactivate), 0, decisions);

    /// <summary>Checks the removal of <paramref name="removed"/> members from a group in one request.</summary>
    internal ValueTask CheckMemberRemovalAsync(ScimOperationContext context, string groupId, int removed, List<PolicyDecision> decisions) =>
        removed == 0 ? ValueTask.CompletedTask : CheckAsync(context, new ChangeKey(ScimSync.Schema.ScimResourceTypeNames.Group, groupId, RemoveMembers), removed, decisions);

    private async ValueTask CheckAsync(ScimOperationContext context, ChangeKey key, int removedMembers, List<PolicyDecision> decisions)
    {
        if (context.Connection.Policies?.SafetyBrake is not { Enabled: true } options)
        {
            return;
        }

        var name = context.Connection.Name;
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var state = StateOf(name);
            Trim(state, options);
            if (state.Discarded.ContainsKey(key))
            {
                const string refused = "An operator discarded this change when the connection's safety brake held it.";
                decisions.Add(new PolicyDecision(PolicyNames.SafetyBrake, key.ResourceId, refused));
                throw new ScimException(ScimError.Forbidden(refused));
            }

            if (state.Approved.ContainsKey(key))
            {
                if (key.Change != RemoveMembers)
                {
                    state.Events.Enqueue(now);
                }

                return;
            }

            if (state.EngagedAt is not null)
            {
                throw Hold(state, key, now, options, decisions);
            }

            if (key.Change == RemoveMembers)
            {
                if (removedMembers > options.MaxMembersRemovedPerRequest)
                {
                    Engage(state, name, $"One request would remove {removedMembers} members from group '{key.ResourceId}' (SafetyBrake:MaxMembersRemovedPerRequest is {options.MaxMembersRemovedPerRequest}).", now);
                    throw Hold(state, key, now, options, decisions);
                }

                return;
            }
        }

        // The directory's size, outside the lock: one count query per deactivation, only with the brake on.
        var total = await CountUsersAsync(context).ConfigureAwait(false);
        lock (_lock)
        {
            var state = StateOf(name);
            Trim(state, options);
            if (state.EngagedAt is not null)
            {
                throw Hold(state, key, now, options, decisions);
            }

            var allowed = Math.Max(options.MinimumDeactivations, (int)Math.Floor(total * options.MaxDeactivatedPercent / 100));
            if (state.Events.Count + 1 > allowed)
            {
                Engage(state, name, string.Create(CultureInfo.InvariantCulture,
                    $"More than {allowed} users (SafetyBrake:MaxDeactivatedPercent {options.MaxDeactivatedPercent} % of {total}, at least SafetyBrake:MinimumDeactivations {options.MinimumDeactivations}) would be deactivated or deleted within {options.Window}."), now);
                throw Hold(state, key, now, options, decisions);
            }

            state.Events.Enqueue(now);
        }
    }

    private static async Task<int> CountUsersAsync(ScimOperationContext context)
    {
        var store = context.Connection.Users.GetStore(context.Services);
        var result = await store.ListAsync(new ListQuery { Count = 0, IncludeMembers = false }, context.CancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value!.TotalResults : throw new ScimException(result.ToError());
    }

    private void Engage(State state, string connection, string reason, DateTimeOffset now)
    {
        state.EngagedAt = now;
        state.Reason = reason;
        Log.SafetyBrakeEngaged(_services.GetRequiredService<ScimServerServices>().Logger, connection, reason);
    }

    private static ScimException Hold(State state, ChangeKey key, DateTimeOffset now, SafetyBrakeOptions options, List<PolicyDecision> decisions)
    {
        if (!state.Held.ContainsKey(key) && state.Held.Count < MaxHeld)
        {
            state.Held[key] = new HeldChange(key.ResourceType, key.ResourceId, key.Change, now);
        }

        var detail = "The connection's safety brake holds destructive changes until an operator approves or discards them: " + state.Reason;
        decisions.Add(new PolicyDecision(PolicyNames.SafetyBrake, key.ResourceId, detail));
        return new ScimException(ScimError.ServiceUnavailable(detail)) { RetryAfter = options.RetryAfter };
    }

    private int Release(string connection, bool approve, string? by)
    {
        var found = Find(connection);
        var window = found.Policies?.SafetyBrake.Window ?? TimeSpan.FromHours(1);
        var now = _time.GetUtcNow();
        int count;
        lock (_lock)
        {
            var state = StateOf(found.Name);
            count = state.Held.Count;
            foreach (var key in state.Held.Keys)
            {
                (approve ? state.Approved : state.Discarded)[key] = now + window;
            }

            state.Held.Clear();
            state.Events.Clear();
            state.EngagedAt = null;
            state.Reason = null;
        }

        var decision = approve ? "approved" : "discarded";
        var who = string.IsNullOrWhiteSpace(by) ? "an operator" : by;
        var server = _services.GetRequiredService<ScimServerServices>();
        Log.SafetyBrakeReleased(server.Logger, found.Name, count, decision, who);
        _services.GetService<ProvisioningLogWriter>()?.Enqueue(new ProvisioningLogEntry
        {
            Timestamp = now,
            Connection = found.Name,
            IdentityProvider = found.IdentityProvider.ToString(),
            Operation = ProvisioningOperations.SafetyBrake,
            Status = 200,
            Decisions = [new PolicyDecision(PolicyNames.SafetyBrake, found.Name, $"{count} held change(s) {decision} by {who}; the brake is released.")],
        });
        return count;
    }

    private void Trim(State state, SafetyBrakeOptions? options)
    {
        var now = _time.GetUtcNow();
        var window = options?.Window ?? TimeSpan.FromHours(1);
        while (state.Events.TryPeek(out var oldest) && now - oldest >= window)
        {
            state.Events.Dequeue();
        }

        foreach (var expired in state.Approved.Where(a => a.Value <= now).Select(a => a.Key).ToList())
        {
            state.Approved.Remove(expired);
        }

        foreach (var expired in state.Discarded.Where(a => a.Value <= now).Select(a => a.Key).ToList())
        {
            state.Discarded.Remove(expired);
        }
    }

    private State StateOf(string connection)
    {
        if (!_states.TryGetValue(connection, out var state))
        {
            _states[connection] = state = new State();
        }

        return state;
    }

    private ScimConnection Find(string connection) => _connections.Get(connection);

    private readonly record struct ChangeKey(string ResourceType, string ResourceId, string Change);

    private sealed class State
    {
        public Queue<DateTimeOffset> Events { get; } = new();

        public DateTimeOffset? EngagedAt { get; set; }

        public string? Reason { get; set; }

        public Dictionary<ChangeKey, HeldChange> Held { get; } = [];

        public Dictionary<ChangeKey, DateTimeOffset> Approved { get; } = [];

        public Dictionary<ChangeKey, DateTimeOffset> Discarded { get; } = [];
    }
}

/// <summary>The state of a connection's safety brake.</summary>
/// <param name="Connection">The connection.</param>
/// <param name="Enabled">Whether the connection has the brake on.</param>
/// <param name="Engaged">Whether the brake holds destructive changes now.</param>
/// <param name="EngagedAt">When it engaged.</param>
/// <param name="Reason">Why it engaged, naming the threshold.</param>
/// <param name="RecentDeactivations">Deactivations and deletions counted in the current window.</param>
/// <param name="Held">The changes held, oldest first (each once, however often the provider retried it).</param>
public sealed record SafetyBrakeStatus(
    string Connection,
    bool Enabled,
    bool Engaged,
    DateTimeOffset? EngagedAt,
    string? Reason,
    int RecentDeactivations,
    IReadOnlyList<HeldChange> Held);

/// <summary>A change the safety brake holds.</summary>
/// <param name="ResourceType">The resource type (<c>User</c> or <c>Group</c>).</param>
/// <param name="ResourceId">The resource's id.</param>
/// <param name="Change"><c>deactivate</c>, <c>delete</c> or <c>removeMembers</c>.</param>
/// <param name="HeldAt">When it was first held.</param>
public sealed record HeldChange(string ResourceType, string ResourceId, string Change, DateTimeOffset HeldAt);
