// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Provisioning;

/// <summary>Which outcomes a <see cref="ProvisioningLogQuery"/> returns.</summary>
public enum ProvisioningOutcomeFilter
{
    /// <summary>Every entry.</summary>
    Any,

    /// <summary>Only entries that succeeded (status below 400).</summary>
    Succeeded,

    /// <summary>Only entries that failed (status 400 or above).</summary>
    Failed,
}

/// <summary>Selects provisioning log entries for <see cref="IProvisioningLog.QueryAsync"/>.</summary>
public sealed record ProvisioningLogQuery
{
    /// <summary>Gets the connection to return entries of, or <see langword="null"/> for every connection.</summary>
    public string? Connection { get; init; }

    /// <summary>Gets the resource id to return entries of, or <see langword="null"/> for every resource.</summary>
    public string? ResourceId { get; init; }

    /// <summary>Gets which outcomes to return.</summary>
    /// <value>Defaults to <see cref="ProvisioningOutcomeFilter.Any"/>.</value>
    public ProvisioningOutcomeFilter Outcome { get; init; }

    /// <summary>Gets the most entries to return in one page.</summary>
    /// <value>Defaults to 100.</value>
    public int PageSize { get; init; } = 100;

    /// <summary>Gets the <see cref="ProvisioningLogPage.Continuation"/> of the previous page, or <see langword="null"/> for the newest.</summary>
    public string? Continuation { get; init; }
}

/// <summary>A page of provisioning log entries, newest first.</summary>
/// <param name="Entries">The entries.</param>
/// <param name="Continuation">Passed back in <see cref="ProvisioningLogQuery.Continuation"/> to read older entries; <see langword="null"/> on the last page.</param>
public sealed record ProvisioningLogPage(IReadOnlyList<ProvisioningLogEntry> Entries, string? Continuation);

/// <summary>The operation names <see cref="ProvisioningLogEntry.Operation"/> uses.</summary>
public static class ProvisioningOperations
{
    /// <summary>A <c>POST</c> that creates a resource.</summary>
    public const string Create = "create";

    /// <summary>A <c>PUT</c> that replaces a resource.</summary>
    public const string Replace = "replace";

    /// <summary>A <c>PATCH</c> of a resource.</summary>
    public const string Patch = "patch";

    /// <summary>A <c>DELETE</c> of a resource.</summary>
    public const string Delete = "delete";

    /// <summary>A <c>GET</c> of one resource.</summary>
    public const string Get = "get";

    /// <summary>A <c>GET</c> of a resource list (with or without a filter).</summary>
    public const string List = "list";

    /// <summary>A <c>POST .search</c>.</summary>
    public const string Search = "search";

    /// <summary>A <c>POST /Bulk</c> request; each operation in it is also recorded on its own.</summary>
    public const string Bulk = "bulk";

    /// <summary>A discovery request (<c>/ServiceProviderConfig</c>, <c>/ResourceTypes</c>, <c>/Schemas</c>).</summary>
    public const string Discovery = "discovery";

    /// <summary>An operator's decision on a connection's safety brake (approve or discard the held changes).</summary>
    public const string SafetyBrake = "safetyBrake";

    /// <summary>A dry run of the mapping policies (<c>POST /Preview/Users</c>, <c>/Preview/Groups</c>); writes nothing.</summary>
    public const string Preview = "preview";

    /// <summary>A request that matched no SCIM endpoint, or was rejected before one was chosen.</summary>
    public const string Other = "other";
}
