// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Server;

namespace ScimSync.Ldap;

/// <summary>What a sync run reads.</summary>
public enum LdapSyncMode
{
    /// <summary>Every user and group; removes those no longer in the directory (with <see cref="LdapSourceOptions.DeleteMissing"/>).</summary>
    Full,

    /// <summary>Only entries changed since the last run's high-water mark; never removes anyone.</summary>
    Incremental,
}

/// <summary>The counts of one kind of resource in a sync run.</summary>
public sealed class LdapSyncCounts
{
    /// <summary>Gets the entries read from the directory.</summary>
    public int Seen { get; internal set; }

    /// <summary>Gets the resources created.</summary>
    public int Created { get; internal set; }

    /// <summary>Gets the resources whose mapped attributes (or, for groups, members) changed and were written.</summary>
    public int Updated { get; internal set; }

    /// <summary>Gets the resources left as they were (nothing written).</summary>
    public int Unchanged { get; internal set; }

    /// <summary>Gets the resources removed because the directory no longer has them (deleted or deactivated, per the lifecycle policy).</summary>
    public int Removed { get; internal set; }

    /// <summary>Gets the changes the safety brake held (503) or refused (403).</summary>
    public int Held { get; internal set; }

    /// <summary>Gets the entries that could not be written (invalid, conflicting) or read.</summary>
    public int Failed { get; internal set; }
}

/// <summary>The outcome of a sync run.</summary>
public sealed class LdapSyncResult
{
    internal LdapSyncResult(string connection, LdapSyncMode mode, DateTimeOffset started)
    {
        Connection = connection;
        Mode = mode;
        Started = started;
    }

    /// <summary>Gets the connection synced.</summary>
    public string Connection { get; }

    /// <summary>Gets the mode the run used (a requested incremental run without a high-water mark runs in full).</summary>
    public LdapSyncMode Mode { get; internal set; }

    /// <summary>Gets when the run started.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>Gets when the run finished.</summary>
    public DateTimeOffset Finished { get; internal set; }

    /// <summary>Gets the user counts.</summary>
    public LdapSyncCounts Users { get; } = new();

    /// <summary>Gets the group counts.</summary>
    public LdapSyncCounts Groups { get; } = new();

    /// <summary>
    /// Gets a value indicating whether every directory search finished: when <see langword="false"/>, what was read was
    /// applied but nothing was removed and the high-water mark did not move.
    /// </summary>
    public bool Complete { get; internal set; } = true;

    /// <summary>Gets why a full run removed nobody, when it skipped removals; <see langword="null"/> otherwise.</summary>
    public string? DeletionsSkippedReason { get; internal set; }

    /// <summary>Gets the first error messages (never credentials or attribute values beyond an entry's DN).</summary>
    public IReadOnlyList<string> Errors => ErrorList;

    internal List<string> ErrorList { get; } = [];

    internal int MaxErrors { get; init; } = 20;

    internal void AddError(string message)
    {
        if (ErrorList.Count < MaxErrors)
        {
            ErrorList.Add(message);
        }
    }
}

/// <summary>What "test one user" found: the entry as read, the SCIM user it maps to, and what the policies would make of it.</summary>
/// <param name="Found">Whether the directory has a user with that login.</param>
/// <param name="DistinguishedName">The entry's DN.</param>
/// <param name="Attributes">Every attribute read, text as is and binary values as base64.</param>
/// <param name="User">The SCIM user the entry maps to.</param>
/// <param name="Preview">The connection's policies' dry run on that user (target attributes, groups joined); <see langword="null"/> when not found.</param>
/// <param name="Error">Why the lookup failed (directory error, several entries), or <see langword="null"/>.</param>
public sealed record LdapUserTest(
    bool Found,
    string? DistinguishedName,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes,
    JsonObject? User,
    UserPolicyPreview? Preview,
    string? Error);
