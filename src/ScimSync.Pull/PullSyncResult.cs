// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Server;

namespace ScimSync.Pull;

/// <summary>What a sync run reads.</summary>
public enum PullSyncMode
{
    /// <summary>Everything in scope; a complete run removes what is no longer listed (with <see cref="PullSourceOptions.DeleteMissing"/>).</summary>
    Full,

    /// <summary>Only what changed since the last complete run's cursors; applies explicit removals, never removes the unlisted.</summary>
    Delta,
}

/// <summary>The counts of one kind of resource in a sync run.</summary>
public sealed class PullSyncCounts
{
    /// <summary>Gets the records read from the source.</summary>
    public int Seen { get; internal set; }

    /// <summary>Gets the resources created.</summary>
    public int Created { get; internal set; }

    /// <summary>Gets the resources whose mapped attributes (or, for groups, members) changed and were written.</summary>
    public int Updated { get; internal set; }

    /// <summary>Gets the resources left as they were (nothing written).</summary>
    public int Unchanged { get; internal set; }

    /// <summary>Gets the users deactivated because the source soft-deleted them.</summary>
    public int Deactivated { get; internal set; }

    /// <summary>Gets the resources removed because the source deleted them or no longer lists them (deleted or deactivated, per the lifecycle policy).</summary>
    public int Removed { get; internal set; }

    /// <summary>Gets the changes the safety brake held (503) or refused (403).</summary>
    public int Held { get; internal set; }

    /// <summary>Gets the records that could not be written (invalid, conflicting).</summary>
    public int Failed { get; internal set; }
}

/// <summary>The outcome of a sync run.</summary>
public sealed class PullSyncResult
{
    internal PullSyncResult(string connection, PullSyncMode mode, DateTimeOffset started, int maxErrors)
    {
        Connection = connection;
        Mode = mode;
        Started = started;
        MaxErrors = maxErrors;
    }

    /// <summary>Gets the connection synced.</summary>
    public string Connection { get; }

    /// <summary>Gets the mode the run used (a delta run without cursors, or with an expired one, runs in full).</summary>
    public PullSyncMode Mode { get; internal set; }

    /// <summary>Gets when the run started.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>Gets when the run finished.</summary>
    public DateTimeOffset Finished { get; internal set; }

    /// <summary>Gets the user counts.</summary>
    public PullSyncCounts Users { get; } = new();

    /// <summary>Gets the group counts.</summary>
    public PullSyncCounts Groups { get; } = new();

    /// <summary>
    /// Gets a value indicating whether every listing finished: when <see langword="false"/>, what was read was applied
    /// but nothing unlisted was removed and the cursors did not move.
    /// </summary>
    public bool Complete { get; internal set; } = true;

    /// <summary>Gets why a full run removed nobody, when it skipped removals; <see langword="null"/> otherwise.</summary>
    public string? DeletionsSkippedReason { get; internal set; }

    /// <summary>Gets the first error messages (never credentials or attribute values beyond a record's id and name).</summary>
    public IReadOnlyList<string> Errors => ErrorList;

    internal List<string> ErrorList { get; } = [];

    private int MaxErrors { get; }

    internal void AddError(string message)
    {
        if (ErrorList.Count < MaxErrors)
        {
            ErrorList.Add(message);
        }
    }
}

/// <summary>What "test one user" found: the record as the API answered, the SCIM user it maps to, and what the policies would make of it.</summary>
/// <param name="Found">Whether the source has a user with that login.</param>
/// <param name="Raw">The record as the API answered it, or <see langword="null"/>.</param>
/// <param name="User">The SCIM user the record maps to.</param>
/// <param name="Preview">The connection's policies' dry run on that user; <see langword="null"/> when not found.</param>
/// <param name="Error">Why the lookup failed, or <see langword="null"/>.</param>
public sealed record PullUserTest(bool Found, JsonObject? Raw, JsonObject? User, UserPolicyPreview? Preview, string? Error);

/// <summary>How a resource differs between the identity provider and ScimSync's store.</summary>
public enum DriftKind
{
    /// <summary>The identity provider lists it; the store does not have it.</summary>
    MissingInStore,

    /// <summary>The store has it (from this connection); the identity provider no longer lists it.</summary>
    NotInSource,

    /// <summary>Both have it, with different mapped attributes (for a user, <c>active</c> included).</summary>
    AttributesDiffer,

    /// <summary>Both have the group, with different members.</summary>
    MembersDiffer,
}

/// <summary>One difference found by a drift report.</summary>
/// <param name="Kind">The resource type.</param>
/// <param name="Drift">How it differs.</param>
/// <param name="ExternalId">The identity provider's id.</param>
/// <param name="Name">The user's <c>userName</c> or the group's <c>displayName</c>, as the identity provider (else the store) has it.</param>
/// <param name="Id">The store's id, or <see langword="null"/> when the store does not have it.</param>
/// <param name="Details">
/// For <see cref="DriftKind.AttributesDiffer"/>, the attributes that differ; for <see cref="DriftKind.MembersDiffer"/>,
/// the members to add (<c>+externalId</c>) and to remove (<c>-externalId</c>); empty otherwise.
/// </param>
public sealed record DriftItem(ScimResourceKind Kind, DriftKind Drift, string ExternalId, string? Name, string? Id, IReadOnlyList<string> Details);

/// <summary>A read-only comparison of the identity provider with ScimSync's store: what a full run would change.</summary>
public sealed class DriftReport
{
    internal DriftReport(string connection, DateTimeOffset started) => (Connection, Started) = (connection, started);

    /// <summary>Gets the connection compared.</summary>
    public string Connection { get; }

    /// <summary>Gets when the comparison started.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>Gets when the comparison finished.</summary>
    public DateTimeOffset Finished { get; internal set; }

    /// <summary>
    /// Gets a value indicating whether every listing finished; when <see langword="false"/>, <see cref="Items"/> may
    /// be missing differences and lists no <see cref="DriftKind.NotInSource"/> item.
    /// </summary>
    public bool Complete { get; internal set; } = true;

    /// <summary>Gets the users the identity provider listed.</summary>
    public int UsersCompared { get; internal set; }

    /// <summary>Gets the groups the identity provider listed.</summary>
    public int GroupsCompared { get; internal set; }

    /// <summary>Gets the differences, users first, each kind ordered by name.</summary>
    public IReadOnlyList<DriftItem> Items { get; internal set; } = [];

    /// <summary>Gets the errors that made the comparison incomplete.</summary>
    public IReadOnlyList<string> Errors => ErrorList;

    internal List<string> ErrorList { get; } = [];
}
