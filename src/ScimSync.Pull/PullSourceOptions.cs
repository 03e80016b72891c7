// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Pull;

/// <summary>
/// What every pull source shares: how often it runs, delta or full reads, groups, and the safety of removals. A
/// connector's options (<c>GraphSourceOptions</c>, <c>OktaSourceOptions</c>) derive from this class and are bound from
/// their configuration section by connection name.
/// </summary>
public class PullSourceOptions
{
    /// <summary>Gets or sets how often the source syncs on its own, or <see langword="null"/> for on demand only.</summary>
    public TimeSpan? Interval { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether scheduled runs read only what changed since the last complete run (Graph
    /// delta links, Okta <c>lastUpdated</c>). Changes and explicit removals are applied; users missing from a listing
    /// are only removed by full runs.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool DeltaSync { get; set; } = true;

    /// <summary>Gets or sets how many scheduled runs make one full run when <see cref="DeltaSync"/> is on.</summary>
    /// <value>Defaults to 24: every 24th scheduled run is a full one.</value>
    public int FullSyncEvery { get; set; } = 24;

    /// <summary>Gets or sets a value indicating whether groups and their memberships are synced.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool SyncGroups { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a complete full run removes users and groups no longer listed (the
    /// connection's lifecycle policy turns a user's removal into a deactivation or a delete).
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool DeleteMissing { get; set; } = true;

    /// <summary>
    /// Gets or sets the share of the previously known users (and groups) a full run must see before it removes any:
    /// a run that sees fewer (a wrong scope, a permission change) removes nobody and says why.
    /// </summary>
    /// <value>Defaults to 0.5.</value>
    public double MinimumSeenRatio { get; set; } = 0.5;

    /// <summary>Gets or sets how many error messages a result keeps.</summary>
    /// <value>Defaults to 20.</value>
    public int MaxErrors { get; set; } = 20;

    /// <summary>Lists every problem of the options; a connector adds its own to the base's.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public virtual IList<string> Validate()
    {
        var problems = new List<string>();
        if (Interval is { } interval && interval < TimeSpan.FromSeconds(1))
        {
            problems.Add("Interval must be at least one second (or null for on demand only).");
        }

        if (FullSyncEvery < 1)
        {
            problems.Add("FullSyncEvery must be at least 1.");
        }

        if (double.IsNaN(MinimumSeenRatio) || MinimumSeenRatio is < 0 or > 1)
        {
            problems.Add("MinimumSeenRatio must be between 0 and 1.");
        }

        if (MaxErrors < 0)
        {
            problems.Add("MaxErrors cannot be negative.");
        }

        return problems;
    }
}
