// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Atlassian.Internal;

/// <summary>Collects the changes of one convergence; in a dry run, changes are recorded and not made.</summary>
internal sealed class ChangeSink(bool dryRun)
{
    private readonly List<AtlassianChange> _changes = [];

    public bool DryRun { get; } = dryRun;

    public IReadOnlyList<AtlassianChange> Changes => _changes;

    /// <summary>Records a change and, unless this is a dry run, makes it.</summary>
    public async Task ApplyAsync(AtlassianChange change, Func<Task> apply)
    {
        if (!DryRun)
        {
            await apply().ConfigureAwait(false);
        }

        lock (_changes)
        {
            _changes.Add(change);
        }
    }
}
