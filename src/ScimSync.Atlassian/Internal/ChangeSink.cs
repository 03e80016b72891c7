// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Atlassian.Internal;

/// <summary>Collects the changes of one convergence; in a dry run, changes are recorded and not made.</summary>
internal sealed class ChangeSink(bool dryRun)
{
    private readonly List<AtlassianChange> _changes = [];
    private readonly HashSet<AtlassianChange> _planned = [];

    public bool DryRun { get; } = dryRun;

    public IReadOnlyList<AtlassianChange> Changes => _changes;

    /// <summary>
    /// Records a change and, unless this is a dry run, makes it. A dry run changes nothing, so a later pass would plan
    /// again what an earlier one planned (the user pass and the group pass both adding one membership): it is listed
    /// once, as the real run, where the later pass sees it done, makes it once.
    /// </summary>
    public async Task ApplyAsync(AtlassianChange change, Func<Task> apply)
    {
        if (!DryRun)
        {
            await apply().ConfigureAwait(false);
        }

        lock (_changes)
        {
            if (!DryRun || _planned.Add(change))
            {
                _changes.Add(change);
            }
        }
    }
}
