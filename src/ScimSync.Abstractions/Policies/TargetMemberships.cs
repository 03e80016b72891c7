// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using System.Text;

namespace ScimSync.Policies;

/// <summary>
/// Why a user is in a target group: the connection and the rule that put them there, and through which incoming group.
/// </summary>
/// <param name="Connection">The connection (identity provider) whose data made the membership; compared exactly.</param>
/// <param name="Rule">The rule: one of <see cref="MembershipRules"/>.</param>
/// <param name="SourceGroupId">The incoming group's <see cref="SourceGroup.Id"/>; <see langword="null"/> for a default group.</param>
public sealed record MembershipSource(string Connection, string Rule, string? SourceGroupId);

/// <summary>A user's membership of one target group, with every source that grants it.</summary>
/// <param name="Group">The target group's name (compared ignoring case).</param>
/// <param name="Sources">The sources that grant it; the membership lasts while at least one remains.</param>
public sealed record TargetMembership(string Group, IReadOnlyList<MembershipSource> Sources)
{
    /// <summary>Compares group names ignoring case and sources in order.</summary>
    /// <param name="other">The other membership.</param>
    /// <returns>Whether both name the same group with the same sources in the same order.</returns>
    public bool Equals(TargetMembership? other) =>
        other is not null
        && string.Equals(Group, other.Group, StringComparison.OrdinalIgnoreCase)
        && SameSources(Sources, other.Sources);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Group, StringComparer.OrdinalIgnoreCase);
        foreach (var source in Sources)
        {
            hash.Add(source);
        }

        return hash.ToHashCode();
    }

    private static bool SameSources(IReadOnlyList<MembershipSource> a, IReadOnlyList<MembershipSource> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!Equals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The target groups a user joined and left between two <see cref="TargetMemberships"/>.</summary>
/// <param name="Joined">The groups the user is now in and was not, ordered by name (ignoring case).</param>
/// <param name="Left">The groups the user was in and is no longer, ordered by name (ignoring case).</param>
public sealed record MembershipDiff(IReadOnlyList<string> Joined, IReadOnlyList<string> Left)
{
    /// <summary>Gets a value indicating whether the user neither joined nor left a group.</summary>
    public bool IsEmpty => Joined.Count == 0 && Left.Count == 0;
}

/// <summary>
/// A user's target group memberships with their provenance: for each group, every source (connection, rule and
/// incoming group) that grants it. Immutable: every change returns a new value.
/// </summary>
/// <remarks>
/// <para>
/// A user is in a target group as long as at least one source grants it. Revoking a source removes only that source,
/// so when two connections (or two incoming groups, or a default group and an incoming group) grant the same target
/// group, the user stays in it until the last one goes. To answer "why is this user in <c>jira-administrators</c>?",
/// read <see cref="SourcesOf"/>.
/// </para>
/// <para>
/// Group names are compared ignoring case; the first spelling granted is kept. <see cref="Memberships"/> is ordered by
/// group name (ordinal, ignoring case) and each group's sources by connection, rule and incoming group id (ordinal),
/// so equal values list equally and serialize equally.
/// </para>
/// </remarks>
public sealed class TargetMemberships : IEquatable<TargetMemberships>
{
    private static readonly IReadOnlyList<MembershipSource> NoSources = ImmutableArray<MembershipSource>.Empty;
    private readonly ImmutableArray<TargetMembership> _items;

    private TargetMemberships(ImmutableArray<TargetMembership> items)
    {
        _items = items;
        Memberships = items;
    }

    /// <summary>Gets the value with no memberships.</summary>
    public static TargetMemberships Empty { get; } = new(ImmutableArray<TargetMembership>.Empty);

    /// <summary>Gets the memberships, ordered by group name (ordinal, ignoring case), each with its ordered sources.</summary>
    public IReadOnlyList<TargetMembership> Memberships { get; }

    /// <summary>Builds a value from memberships, for example as a store read them.</summary>
    /// <param name="memberships">The memberships, in any order. Groups that differ only in case are merged (the first
    /// spelling wins), repeated sources are kept once, and a group without sources is left out.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">A membership has no group name, or a <see langword="null"/> source.</exception>
    public static TargetMemberships From(IEnumerable<TargetMembership> memberships)
    {
        ArgumentNullException.ThrowIfNull(memberships);
        var groups = new Dictionary<string, (string Name, List<MembershipSource> Sources)>(StringComparer.OrdinalIgnoreCase);
        foreach (var membership in memberships)
        {
            ArgumentNullException.ThrowIfNull(membership, nameof(memberships));
            ArgumentException.ThrowIfNullOrWhiteSpace(membership.Group, nameof(memberships));
            if (!groups.TryGetValue(membership.Group, out var entry))
            {
                entry = (membership.Group, []);
                groups.Add(membership.Group, entry);
            }

            foreach (var source in membership.Sources ?? NoSources)
            {
                CheckSource(source, nameof(memberships));
                entry.Sources.Add(source);
            }
        }

        var items = ImmutableArray.CreateBuilder<TargetMembership>(groups.Count);
        foreach (var (name, sources) in groups.Values)
        {
            if (sources.Count > 0)
            {
                items.Add(Normalize(name, sources));
            }
        }

        items.Sort(static (a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Group, b.Group));
        return items.Count == 0 ? Empty : new TargetMemberships(items.ToImmutable());
    }

    /// <summary>Gets a value indicating whether the user is in a target group.</summary>
    /// <param name="group">The group name, compared ignoring case.</param>
    /// <returns>Whether at least one source grants the group.</returns>
    public bool Contains(string group) => IndexOf(group) >= 0;

    /// <summary>Gets why the user is in a target group.</summary>
    /// <param name="group">The group name, compared ignoring case.</param>
    /// <returns>The sources that grant it, ordered; empty when the user is not in it.</returns>
    public IReadOnlyList<MembershipSource> SourcesOf(string group)
    {
        var index = IndexOf(group);
        return index >= 0 ? _items[index].Sources : NoSources;
    }

    /// <summary>Adds a source to a target group, joining the group if the user is not in it yet.</summary>
    /// <param name="group">The target group name; when the user is already in it under another case, that spelling is kept.</param>
    /// <param name="source">The source that grants it.</param>
    /// <returns>The new value; this same instance when the group already had that source (granting is idempotent).</returns>
    public TargetMemberships Grant(string group, MembershipSource source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        CheckSource(source, nameof(source));
        var index = IndexOf(group);
        if (index < 0)
        {
            var added = new TargetMembership(group, ImmutableArray.Create(source));
            return new TargetMemberships(_items.Insert(~index, added));
        }

        var current = (ImmutableArray<MembershipSource>)_items[index].Sources;
        var at = current.BinarySearch(source, SourceComparer.Instance);
        if (at >= 0)
        {
            return this;
        }

        var updated = new TargetMembership(_items[index].Group, current.Insert(~at, source));
        return new TargetMemberships(_items.SetItem(index, updated));
    }

    /// <summary>Removes one exact source from every target group; a group left without sources is left by the user.</summary>
    /// <param name="source">The source (connection, rule and incoming group id, compared exactly).</param>
    /// <returns>The new value; this same instance when no group had that source.</returns>
    public TargetMemberships Revoke(MembershipSource source)
    {
        CheckSource(source, nameof(source));
        return RevokeWhere(s => s == source);
    }

    /// <summary>Removes every source a predicate selects, from every target group; a group left without sources is left by the user.</summary>
    /// <param name="predicate">Selects the sources to remove.</param>
    /// <returns>The new value; this same instance when no source was selected.</returns>
    public TargetMemberships RevokeWhere(Func<MembershipSource, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ImmutableArray<TargetMembership>.Builder? result = null;
        for (var i = 0; i < _items.Length; i++)
        {
            var membership = _items[i];
            var sources = (ImmutableArray<MembershipSource>)membership.Sources;
            var kept = sources.RemoveAll(s => predicate(s));
            if (result is null)
            {
                if (kept.Length == sources.Length)
                {
                    continue;
                }

                result = ImmutableArray.CreateBuilder<TargetMembership>(_items.Length);
                for (var j = 0; j < i; j++)
                {
                    result.Add(_items[j]);
                }
            }

            if (kept.Length == sources.Length)
            {
                result.Add(membership);
            }
            else if (kept.Length > 0)
            {
                result.Add(new TargetMembership(membership.Group, kept));
            }
        }

        if (result is null)
        {
            return this;
        }

        return result.Count == 0 ? Empty : new TargetMemberships(result.ToImmutable());
    }

    /// <summary>Compares group membership with an earlier value, ignoring changes that only add or remove sources.</summary>
    /// <param name="before">The earlier value.</param>
    /// <returns>The groups joined and left since <paramref name="before"/>: what the target must be told.</returns>
    public MembershipDiff DiffFrom(TargetMemberships before)
    {
        ArgumentNullException.ThrowIfNull(before);
        List<string> joined = [];
        List<string> left = [];
        int i = 0, j = 0;
        while (i < _items.Length || j < before._items.Length)
        {
            var order = i == _items.Length ? 1
                : j == before._items.Length ? -1
                : StringComparer.OrdinalIgnoreCase.Compare(_items[i].Group, before._items[j].Group);
            if (order < 0)
            {
                joined.Add(_items[i++].Group);
            }
            else if (order > 0)
            {
                left.Add(before._items[j++].Group);
            }
            else
            {
                i++;
                j++;
            }
        }

        return new MembershipDiff(joined, left);
    }

    /// <inheritdoc/>
    public bool Equals(TargetMemberships? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._items.Length != _items.Length)
        {
            return false;
        }

        for (var i = 0; i < _items.Length; i++)
        {
            if (!_items[i].Equals(other._items[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TargetMemberships);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var membership in _items)
        {
            hash.Add(membership);
        }

        return hash.ToHashCode();
    }

    /// <summary>Lists the memberships and their sources, for logs and test messages.</summary>
    /// <returns>For example <c>jira-users: okta/manual/00g1; staff: okta/defaultForAllUsers/-</c>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var membership in _items)
        {
            if (text.Length > 0)
            {
                text.Append("; ");
            }

            text.Append(membership.Group).Append(':');
            var first = true;
            foreach (var source in membership.Sources)
            {
                text.Append(first ? " " : ", ")
                    .Append(source.Connection).Append('/').Append(source.Rule).Append('/').Append(source.SourceGroupId ?? "-");
                first = false;
            }
        }

        return text.ToString();
    }

    private int IndexOf(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        int low = 0, high = _items.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = StringComparer.OrdinalIgnoreCase.Compare(_items[middle].Group, group);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    private static TargetMembership Normalize(string group, List<MembershipSource> sources)
    {
        sources.Sort(SourceComparer.Instance);
        var unique = ImmutableArray.CreateBuilder<MembershipSource>(sources.Count);
        foreach (var source in sources)
        {
            if (unique.Count == 0 || unique[^1] != source)
            {
                unique.Add(source);
            }
        }

        return new TargetMembership(group, unique.ToImmutable());
    }

    private static void CheckSource(MembershipSource? source, string parameter)
    {
        ArgumentNullException.ThrowIfNull(source, parameter);
        if (string.IsNullOrWhiteSpace(source.Connection) || string.IsNullOrWhiteSpace(source.Rule))
        {
            throw new ArgumentException("A membership source needs a connection and a rule.", parameter);
        }
    }

    private sealed class SourceComparer : IComparer<MembershipSource>
    {
        public static readonly SourceComparer Instance = new();

        public int Compare(MembershipSource? x, MembershipSource? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null)
            {
                return -1;
            }

            if (y is null)
            {
                return 1;
            }

            var order = string.CompareOrdinal(x.Connection, y.Connection);
            if (order == 0)
            {
                order = string.CompareOrdinal(x.Rule, y.Rule);
            }

            return order != 0 ? order : string.CompareOrdinal(x.SourceGroupId, y.SourceGroupId);
        }
    }
}
