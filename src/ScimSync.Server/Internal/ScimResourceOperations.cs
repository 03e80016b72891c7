// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Policies;
using ScimSync.Provisioning;
using ScimSync.Serialization;
using ScimSync.Stores;

namespace ScimSync.Server.Internal;

/// <summary>
/// Who is changing what: the connection and the services of one request (or one bulk operation), and, for an HTTP
/// request, what the observability filter knows about it (to attribute the change in the provisioning log).
/// </summary>
internal sealed class ScimOperationContext(
    ScimConnection connection,
    IServiceProvider services,
    CancellationToken cancellationToken,
    ScimRequestObservation? observation = null)
{
    public ScimConnection Connection { get; } = connection;

    public IServiceProvider Services { get; } = services;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public ScimServerServices Server { get; } = services.GetRequiredService<ScimServerServices>();

    public ScimRequestObservation? Observation { get; } = observation;
}

/// <summary>
/// The outcome of a PATCH: the stored resource, or only its version after a membership fast path, and the paths of
/// the attributes it changed (empty for a no-op).
/// </summary>
internal sealed record PatchOutcome(StoredResource? Resource, string Version, IReadOnlyList<string>? ChangedAttributes = null);

/// <summary>
/// The one pipeline every change goes through (HTTP endpoints, <c>/Bulk</c>, and later directory sync): validated
/// input in, the store's result out, SCIM errors as <see cref="ScimException"/>. Nothing here knows about HTTP.
/// Every change is observed in one place (<see cref="ObserveAsync"/>): a span, a log event and a provisioning log
/// entry, with the names of the attributes changed but never their values.
/// </summary>
internal static class ScimResourceOperations
{
    private const int StatusClientClosedRequest = 499;

    private static readonly IReadOnlyList<string> s_none = [];

    public static Task<StoredResource> CreateAsync(ScimOperationContext context, ScimResourceHandler handler, JsonObject resource) =>
        ObserveAsync(context, handler, ProvisioningOperations.Create, null, async decisions =>
        {
            CheckMemberCount(context, handler, resource);
            var store = handler.GetStore(context.Services);
            StoredResource stored;
            if (!handler.IsGroup && context.Connection.Policies is { } policies)
            {
                stored = await UserPolicyOperations.CreateAsync(context, store, resource, policies, decisions).ConfigureAwait(false);
            }
            else
            {
                var result = await store.CreateAsync(resource, context.CancellationToken).ConfigureAwait(false);
                stored = result.IsSuccess ? result.Value! : throw new ScimException(result.ToError());
            }

            if (handler.IsGroup && GroupPolicyOperations.Applies(context))
            {
                await GroupPolicyOperations.MembersChangedAsync(
                    context, GroupPolicyOperations.Describe(stored.Id, resource), GroupPolicyOperations.MemberIds(resource), [], decisions).ConfigureAwait(false);
            }

            return (stored, new Observed(stored.Id, 201, ChangedAttributes(null, resource)));
        });

    public static Task<StoredResource> ReplaceAsync(ScimOperationContext context, ScimResourceHandler handler, string id, JsonObject resource, IReadOnlyList<string>? ifMatch) =>
        ObserveAsync(context, handler, ProvisioningOperations.Replace, id, async decisions =>
        {
            CheckMemberCount(context, handler, resource);
            var store = handler.GetStore(context.Services);
            var expected = await ExpectedVersionAsync(context, store, id, ifMatch).ConfigureAwait(false);
            if (!handler.IsGroup && context.Connection.Policies is { } policies)
            {
                var (user, previous) = await UserPolicyOperations.ReplaceAsync(context, store, id, resource, expected, policies, decisions).ConfigureAwait(false);
                return (user, new Observed(id, 200, ChangedAttributes(previous, resource)));
            }

            if (handler.IsGroup && context.Connection.Policies is not null)
            {
                var (group, previous) = await ReplaceGroupAsync(context, store, id, resource, expected, decisions).ConfigureAwait(false);
                return (group, new Observed(id, 200, ChangedAttributes(previous, resource)));
            }

            // Read only to name what changed; a concurrent write in between can make the names approximate, never the change.
            JsonObject? before = null;
            if (IsRecording(context))
            {
                var current = await store.GetAsync(id, includeMembers: false, context.CancellationToken).ConfigureAwait(false);
                before = current.IsSuccess ? current.Value!.Resource : null;
            }

            var result = await store.ReplaceAsync(id, resource, expected, context.CancellationToken).ConfigureAwait(false);
            var stored = result.IsSuccess ? result.Value! : throw new ScimException(result.ToError());
            return (stored, new Observed(id, 200, before is null ? s_none : ChangedAttributes(before, resource)));
        });

    public static Task DeleteAsync(ScimOperationContext context, ScimResourceHandler handler, string id, IReadOnlyList<string>? ifMatch) =>
        ObserveAsync(context, handler, ProvisioningOperations.Delete, id, async decisions =>
        {
            var store = handler.GetStore(context.Services);
            var expected = await ExpectedVersionAsync(context, store, id, ifMatch).ConfigureAwait(false);
            if (!handler.IsGroup && context.Connection.Policies is { } policies)
            {
                await UserPolicyOperations.DeleteAsync(context, store, id, expected, policies, decisions).ConfigureAwait(false);
                return (true, new Observed(id, 204, s_none));
            }

            if (handler.IsGroup && context.Connection.Policies is { } groupPolicies && store is IGroupStore groups &&
                (groupPolicies.SafetyBrake.Enabled || GroupPolicyOperations.Applies(context)))
            {
                // The group and its members as they were, so each member's grants from it can be revoked afterwards.
                var current = await store.GetAsync(id, includeMembers: false, context.CancellationToken).ConfigureAwait(false);
                var group = current.IsSuccess ? GroupPolicyOperations.Describe(id, current.Value!.Resource) : throw new ScimException(current.ToError());
                var members = await GroupPolicyOperations.MembersAsync(context, groups, id).ConfigureAwait(false);
                await UserPolicyOperations.Brake(context).CheckMemberRemovalAsync(context, id, members.Count, decisions).ConfigureAwait(false);
                if (!GroupPolicyOperations.Applies(context))
                {
                    members.Clear();
                }

                var deleted = await store.DeleteAsync(id, expected, context.CancellationToken).ConfigureAwait(false);
                if (!deleted.IsSuccess)
                {
                    throw new ScimException(deleted.ToError());
                }

                await GroupPolicyOperations.MembersChangedAsync(context, group, [], members, decisions).ConfigureAwait(false);
                return (true, new Observed(id, 204, s_none));
            }

            var result = await store.DeleteAsync(id, expected, context.CancellationToken).ConfigureAwait(false);
            return result.IsSuccess ? (true, new Observed(id, 204, s_none)) : throw new ScimException(result.ToError());
        });

    /// <summary>
    /// Applies a PATCH. A members-only group PATCH goes straight to the store's membership fast path (one row per
    /// member) and returns no resource; anything else is read, applied atomically by the PATCH engine, re-validated
    /// and written back at the version it was read, retrying a few times when the client sent no <c>If-Match</c>.
    /// </summary>
    public static Task<PatchOutcome> PatchAsync(ScimOperationContext context, ScimResourceHandler handler, string id, PatchRequest request, IReadOnlyList<string>? ifMatch) =>
        ObserveAsync(context, handler, ProvisioningOperations.Patch, id, async decisions =>
        {
            CheckMemberCount(context, handler, request);
            var outcome = await ApplyPatchAsync(context, handler, id, request, ifMatch, decisions).ConfigureAwait(false);
            return (outcome, new Observed(id, outcome.Resource is null ? 204 : 200, outcome.ChangedAttributes ?? s_none));
        });

    /// <summary>
    /// Applies a members-only group PATCH read straight from the body (<see cref="ScimPatch.TryReadMembershipChange(ReadOnlySpan{byte}, out MembershipChange?, out IReadOnlyDictionary{string, string}?, ScimPatchOptions?)"/>):
    /// the same outcome, checks, policies and log entry as <see cref="PatchAsync"/>, without building the request's nodes.
    /// </summary>
    public static Task<PatchOutcome> PatchMembersAsync(
        ScimOperationContext context, ScimResourceHandler handler, IGroupStore groups, string id, MembershipChange change, IReadOnlyDictionary<string, string> displays, IReadOnlyList<string>? ifMatch) =>
        ObserveAsync(context, handler, ProvisioningOperations.Patch, id, async decisions =>
        {
            // The ids after duplicates collapsed: what the store will be asked to change, which is what the limit bounds.
            CheckMemberCount(context, change.Added.Count + change.Removed.Count);
            var expected = await ExpectedVersionAsync(context, groups, id, ifMatch).ConfigureAwait(false);
            var outcome = await ApplyMembershipChangeAsync(context, groups, id, change, displays, expected, decisions).ConfigureAwait(false);
            return (outcome, new Observed(id, 204, outcome.ChangedAttributes ?? s_none));
        });

    private static async Task<PatchOutcome> ApplyMembershipChangeAsync(
        ScimOperationContext context, IGroupStore groups, string id, MembershipChange change, IReadOnlyDictionary<string, string> displays, string? expected, List<PolicyDecision> decisions)
    {
        await UserPolicyOperations.Brake(context).CheckMemberRemovalAsync(context, id, change.Removed.Count, decisions).ConfigureAwait(false);
        List<GroupMember> added = [.. change.Added.Select(member => new GroupMember(member, null, displays.GetValueOrDefault(member)))];
        var changed = await groups.ModifyMembersAsync(id, added, change.Removed, expected, context.CancellationToken).ConfigureAwait(false);
        if (!changed.IsSuccess)
        {
            throw new ScimException(changed.ToError());
        }

        if (GroupPolicyOperations.Applies(context))
        {
            await GroupPolicyOperations.MembersChangedAsync(
                context, GroupPolicyOperations.Describe(id, changed.Value!.Resource), change.Added, change.Removed, decisions).ConfigureAwait(false);
        }

        return new PatchOutcome(null, changed.Value!.Version, [ScimAttributes.Members]);
    }

    private static async Task<PatchOutcome> ApplyPatchAsync(
        ScimOperationContext context, ScimResourceHandler handler, string id, PatchRequest request, IReadOnlyList<string>? ifMatch, List<PolicyDecision> decisions)
    {
        var store = handler.GetStore(context.Services);
        var expected = await ExpectedVersionAsync(context, store, id, ifMatch).ConfigureAwait(false);
        if (handler.IsGroup && store is IGroupStore groups &&
            ScimPatch.TryGetMembershipChange(request, out var change, handler.PatchOptions.Compatibility) && !change.ReplacesAll)
        {
            return await ApplyMembershipChangeAsync(context, groups, id, change, Displays(request), expected, decisions).ConfigureAwait(false);
        }

        var retries = context.Server.Options.CurrentValue.PatchConflictRetries;
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(id, includeMembers: true, context.CancellationToken).ConfigureAwait(false);
            if (!current.IsSuccess)
            {
                throw new ScimException(current.ToError());
            }

            var stored = current.Value!;
            if (expected is not null && !string.Equals(expected, stored.Version, StringComparison.Ordinal))
            {
                throw new ScimException(ScimError.PreconditionFailed("The resource's version does not match If-Match."));
            }

            // The id is part of the resource the client patches: Okta's group push replaces {"id":…,"displayName":…}
            // without a path, which must succeed when the id is unchanged. The reader drops it again below.
            var resource = (JsonObject)stored.Resource.DeepClone();
            resource["id"] = stored.Id;
            var applied = handler.PatchEngine.Apply(resource, request);
            if (!applied.Succeeded)
            {
                throw new ScimException(applied.Error!);
            }

            if (!applied.Changed)
            {
                return new PatchOutcome(stored, stored.Version);
            }

            // The engine keeps the resource well-formed; the reader re-checks what a PUT would (required attributes).
            if (!handler.Reader.TryRead(resource, ScimReadMode.Replace, out var validated, out var invalid))
            {
                throw new ScimException(invalid!);
            }

            var attemptDecisions = new List<PolicyDecision>();
            if (!handler.IsGroup && context.Connection.Policies is { } policies)
            {
                try
                {
                    validated = UserPolicyOperations.Prepare(context, policies, stored, validated!, attemptDecisions);
                    await UserPolicyOperations.CheckBrakeAsync(context, stored, validated, attemptDecisions).ConfigureAwait(false);
                }
                catch (ScimException)
                {
                    decisions.AddRange(attemptDecisions);
                    throw;
                }
            }
            else if (handler.IsGroup && context.Connection.Policies is not null)
            {
                var removed = GroupPolicyOperations.MemberIds(stored.Resource).Except(GroupPolicyOperations.MemberIds(validated!)).Count();
                await UserPolicyOperations.Brake(context).CheckMemberRemovalAsync(context, id, removed, decisions).ConfigureAwait(false);
            }

            var written = await store.ReplaceAsync(id, validated!, stored.Version, context.CancellationToken).ConfigureAwait(false);
            if (written.Status == StoreResultStatus.VersionMismatch && expected is null && attempt < retries)
            {
                Log.PatchRetry(context.Server.Logger, handler.Type.Name, id, attempt + 1);
                continue;
            }

            decisions.AddRange(attemptDecisions);
            if (written.IsSuccess && handler.IsGroup && GroupPolicyOperations.Applies(context))
            {
                await GroupMembersReplacedAsync(context, id, stored.Resource, validated!, decisions).ConfigureAwait(false);
            }

            return written.IsSuccess ? new PatchOutcome(written.Value!, written.Value!.Version, applied.ChangedAttributes) : throw new ScimException(written.ToError());
        }
    }

    /// <summary>A group replace under group mapping: read with members first, so joins, leaves and a rename can be applied.</summary>
    private static async Task<(StoredResource Stored, JsonObject Before)> ReplaceGroupAsync(ScimOperationContext context, IResourceStore store, string id, JsonObject resource, string? expected, List<PolicyDecision> decisions)
    {
        var current = await store.GetAsync(id, includeMembers: true, context.CancellationToken).ConfigureAwait(false);
        var before = current.IsSuccess ? current.Value! : throw new ScimException(current.ToError());
        var removed = GroupPolicyOperations.MemberIds(before.Resource).Except(GroupPolicyOperations.MemberIds(resource)).Count();
        await UserPolicyOperations.Brake(context).CheckMemberRemovalAsync(context, id, removed, decisions).ConfigureAwait(false);
        var result = await store.ReplaceAsync(id, resource, expected, context.CancellationToken).ConfigureAwait(false);
        var stored = result.IsSuccess ? result.Value! : throw new ScimException(result.ToError());
        if (GroupPolicyOperations.Applies(context))
        {
            await GroupMembersReplacedAsync(context, id, before.Resource, resource, decisions).ConfigureAwait(false);
        }

        return (stored, before.Resource);
    }

    /// <summary>Applies group mapping to the members a group replacement added and removed, and to all of them on a rename.</summary>
    private static async Task GroupMembersReplacedAsync(ScimOperationContext context, string id, JsonObject before, JsonObject after, List<PolicyDecision> decisions)
    {
        var oldMembers = GroupPolicyOperations.MemberIds(before);
        var newMembers = GroupPolicyOperations.MemberIds(after);
        var oldGroup = GroupPolicyOperations.Describe(id, before);
        var newGroup = GroupPolicyOperations.Describe(id, after);
        var joined = newMembers.Where(m => !oldMembers.Contains(m)).ToList();
        var left = oldMembers.Where(m => !newMembers.Contains(m)).ToList();
        if (!Equals(oldGroup, newGroup))
        {
            await GroupPolicyOperations.RemapAsync(context, newGroup, newMembers.Where(oldMembers.Contains), decisions).ConfigureAwait(false);
        }

        await GroupPolicyOperations.MembersChangedAsync(context, newGroup, joined, left, decisions).ConfigureAwait(false);
    }

    /// <summary>Refuses a group request carrying more <c>members</c> values than <see cref="ScimServerOptions.MaxMembersPerRequest"/>.</summary>
    private static void CheckMemberCount(ScimOperationContext context, ScimResourceHandler handler, JsonObject resource)
    {
        if (handler.IsGroup)
        {
            CheckMemberCount(context, CountMembers(resource));
        }
    }

    private static void CheckMemberCount(ScimOperationContext context, ScimResourceHandler handler, PatchRequest request)
    {
        if (handler.IsGroup)
        {
            CheckMemberCount(context, CountMembers(request));
        }
    }

    private static void CheckMemberCount(ScimOperationContext context, int count)
    {
        var max = context.Server.Options.CurrentValue.MaxMembersPerRequest;
        if (count > max)
        {
            throw new ScimException(ScimError.TooMany($"The request carries {count} members; at most {max} are accepted in one request. Send them in several."));
        }
    }

    private static int CountMembers(JsonObject resource) =>
        resource.FindIgnoringCase(ScimAttributes.Members) is JsonArray members ? members.Count : 0;

    private static int CountMembers(PatchRequest request)
    {
        var count = 0;
        foreach (var operation in request.Operations)
        {
            if (operation.Path is { } path)
            {
                if (string.Equals(path.Attribute.AttributeName, ScimAttributes.Members, StringComparison.OrdinalIgnoreCase) && operation.Value is JsonArray values)
                {
                    count += values.Count;
                }
            }
            else if (operation.Value is JsonObject value)
            {
                count += CountMembers(value);
            }
        }

        return count;
    }


    /// <summary>
    /// Runs one change with its span, and reports it: to the log at Information, and to the provisioning log, either
    /// as the details of the request's own entry (a single-change endpoint) or as an entry of its own (a
    /// <c>/Bulk</c> operation, a directory sync).
    /// </summary>
    private static async Task<T> ObserveAsync<T>(
        ScimOperationContext context, ScimResourceHandler handler, string operation, string? id, Func<List<PolicyDecision>, Task<(T Result, Observed Observed)>> run)
    {
        var time = context.Server.TimeProvider;
        var started = time.GetTimestamp();
        using var activity = ScimInstrumentation.ActivitySource.StartActivity("SCIM " + operation + " " + handler.Type.Name, ActivityKind.Internal);
        var observed = new Observed(id, StatusClientClosedRequest, s_none);
        string? scimType = null;
        var decisions = new List<PolicyDecision>();
        try
        {
            var (result, done) = await run(decisions).ConfigureAwait(false);
            observed = done;
            return result;
        }
        catch (ScimException e)
        {
            observed = observed with { Status = e.Error.Status };
            scimType = e.Error.ScimType;
            throw;
        }
        catch (ScimStoreUnavailableException)
        {
            observed = observed with { Status = 503 };
            throw;
        }
        catch (Exception) when (!context.CancellationToken.IsCancellationRequested)
        {
            observed = observed with { Status = 500 };
            throw;
        }
        finally
        {
            Report(context, handler, operation, activity, new ScimChange(
                operation, handler.Type.Name, observed.Id ?? id, observed.Status, scimType, observed.Status < 400 ? observed.Changed : s_none, time.GetElapsedTime(started), decisions));
        }
    }

    private static void Report(ScimOperationContext context, ScimResourceHandler handler, string operation, Activity? activity, ScimChange change)
    {
        var outcome = change.Status < 400 ? "success" : "failure";
        if (activity is not null)
        {
            activity.SetTag(ScimTelemetry.ConnectionTag, context.Connection.Name);
            activity.SetTag(ScimTelemetry.OperationTag, operation);
            activity.SetTag(ScimTelemetry.ResourceTypeTag, handler.Type.Name);
            activity.SetTag(ScimTelemetry.OutcomeTag, outcome);
            activity.SetTag(ScimTelemetry.StatusCodeTag, change.Status);
        }

        Log.ResourceChange(context.Server.Logger, context.Connection.Name, operation, handler.Type.Name, change.ResourceId, outcome, change.Status, change.ScimType, change.ChangedAttributes.Count);
        var observation = context.Observation;
        if (observation?.TryClaim(change) == true)
        {
            return;
        }

        context.Services.GetService<ProvisioningLogWriter>()?.Enqueue(new ProvisioningLogEntry
        {
            Timestamp = observation?.Timestamp ?? context.Server.TimeProvider.GetUtcNow(),
            Connection = context.Connection.Name,
            IdentityProvider = context.Connection.IdentityProvider.ToString(),
            Operation = operation,
            ResourceType = handler.Type.Name,
            ResourceId = change.ResourceId,
            Status = change.Status,
            ScimType = change.ScimType,
            ChangedAttributes = change.ChangedAttributes,
            Decisions = change.Decisions,
            RequestId = observation?.RequestId,
            TokenName = observation?.TokenName,
            Duration = change.Duration,
        });
    }

    private static bool IsRecording(ScimOperationContext context) =>
        context.Services.GetService<ProvisioningLogWriter>()?.Options.Enabled == true;

    /// <summary>
    /// The top-level attributes <paramref name="after"/> sets that differ from <paramref name="before"/> (all of them
    /// for a create), by name only. <c>members</c> is read without members, so a replacement listing any counts as
    /// a change of them.
    /// </summary>
    internal static List<string> ChangedAttributes(JsonObject? before, JsonObject after)
    {
        var changed = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in after)
        {
            if (IsBookkeeping(name) || !seen.Add(name))
            {
                continue;
            }

            var old = before is null ? null : before.FindIgnoringCase(name);
            if (before is null || old is null || string.Equals(name, ScimAttributes.Members, StringComparison.OrdinalIgnoreCase) || !JsonNode.DeepEquals(old, value))
            {
                if (before is not null || value is not null)
                {
                    changed.Add(name);
                }
            }
        }

        if (before is not null)
        {
            foreach (var (name, value) in before)
            {
                if (!IsBookkeeping(name) && value is not null && seen.Add(name))
                {
                    changed.Add(name);
                }
            }
        }

        return changed;

        static bool IsBookkeeping(string name) =>
            name.Equals("schemas", StringComparison.OrdinalIgnoreCase) ||
            name.Equals("id", StringComparison.OrdinalIgnoreCase) ||
            name.Equals("meta", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>What a successful change reports: the resource's id, its status and the attributes it changed.</summary>
    private sealed record Observed(string? Id, int Status, IReadOnlyList<string> Changed);

    private static class ScimAttributes
    {
        public const string Members = "members";
    }

    /// <summary>
    /// Turns <c>If-Match</c> into the version a store write must find (RFC 7644 §3.14): <see langword="null"/> without
    /// one (or with <c>*</c>); the single listed version; or, for a list, the current version when the list contains
    /// it. Throws 412 when it does not.
    /// </summary>
    private static async ValueTask<string?> ExpectedVersionAsync(ScimOperationContext context, IResourceStore store, string id, IReadOnlyList<string>? tags)
    {
        if (tags is null)
        {
            return null;
        }

        if (tags.Count == 1)
        {
            return tags[0];
        }

        var current = await store.GetAsync(id, includeMembers: false, context.CancellationToken).ConfigureAwait(false);
        if (!current.IsSuccess)
        {
            throw new ScimException(current.ToError());
        }

        return tags.Contains(current.Value!.Version, StringComparer.Ordinal)
            ? current.Value.Version
            : throw new ScimException(ScimError.PreconditionFailed("The resource's version does not match If-Match."));
    }

    /// <summary>The <c>display</c> the request gave for each added member id (Okta sends it; the last one wins).</summary>
    private static Dictionary<string, string> Displays(PatchRequest request)
    {
        var displays = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var operation in request.Operations)
        {
            if (operation.Type == PatchOperationType.Add && operation.Value is JsonArray values)
            {
                foreach (var value in values.OfType<JsonObject>())
                {
                    if (value["value"] is JsonValue id && id.TryGetValue<string>(out var memberId) &&
                        value["display"] is JsonValue display && display.TryGetValue<string>(out var text))
                    {
                        displays[memberId] = text;
                    }
                }
            }
        }

        return displays;
    }
}
