// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ScimSync.Policies;

/// <summary>
/// The default <see cref="IGroupMappingPolicy"/>: default groups, and on-the-fly or manual mapping of incoming groups,
/// as <see cref="GroupMappingOptions"/> configures them.
/// </summary>
/// <remarks>
/// <para>
/// <b>On the fly</b> (<see cref="GroupMappingMode.OnTheFly"/>, or <see cref="GroupMappingMode.Manual"/> with
/// <see cref="UnmappedGroupBehavior.OnTheFly"/> for a group no row matches): the incoming group's display name must
/// match one of <see cref="GroupMappingOptions.Include"/> (when there are any) and none of
/// <see cref="GroupMappingOptions.Exclude"/>; both are tested on the incoming name, before the rename. Then a name
/// <see cref="GroupMappingOptions.RenamePattern"/> matches is rewritten with
/// <see cref="GroupMappingOptions.RenameReplacement"/> (as <see cref="Regex.Replace(string, string)"/> does); other
/// names are kept. The target group has the resulting name, with rule <see cref="MembershipRules.OnTheFly"/>.
/// Patterns are case-sensitive unless they say otherwise (<c>(?i)</c>).
/// </para>
/// <para>
/// <b>Manual</b>: every row of <see cref="GroupMappingOptions.Manual"/> whose <see cref="ManualGroupMapping.Source"/>
/// matches the group (display name ignoring case; <c>externalId</c> and <c>id</c> exactly) contributes its targets,
/// in table order, with rule <see cref="MembershipRules.Manual"/>.
/// </para>
/// <para>
/// Targets never repeat (compared ignoring case; the first spelling wins). Every group that is dropped, renamed or
/// skipped gives a <see cref="PolicyDecision"/> whose subject is the group's id; reasons never repeat the group's name.
/// A regular expression that runs longer than <see cref="GroupMappingOptions.RegexTimeout"/> skips the group.
/// </para>
/// <para>
/// The policy is immutable and thread-safe. Its regular expressions and each manual row's result are built once, in
/// the constructor; nothing is cached per incoming group, so memory does not grow with the groups it sees.
/// </para>
/// </remarks>
public sealed class GroupMappingPolicy : IGroupMappingPolicy
{
    private const string Prefix = "GroupMapping:";
    private static readonly TimeSpan MaxRegexTimeout = TimeSpan.FromSeconds(10);
    private static readonly GroupMappingResult Nothing = new([], []);

    private readonly GroupMappingMode _mode;
    private readonly UnmappedGroupBehavior _unmapped;
    private readonly Regex[] _include;
    private readonly Regex[] _exclude;
    private readonly Regex? _rename;
    private readonly string? _replacement;
    private readonly MappedGroup[][] _rows;
    private readonly GroupMappingResult[] _rowResults;
    private readonly Dictionary<string, int[]> _byDisplayName;
    private readonly Dictionary<string, int[]> _byExternalId;
    private readonly Dictionary<string, int[]> _byId;

    /// <summary>Initializes a new instance of the <see cref="GroupMappingPolicy"/> class.</summary>
    /// <param name="options">The options; read once, later changes to them have no effect.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options have problems; the message lists every one (see <see cref="Validate"/>).</exception>
    public GroupMappingPolicy(GroupMappingOptions options)
    {
        var problems = Check(options, out var include, out var exclude, out var rename);
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid group mapping options: " + string.Join(" ", problems), nameof(options));
        }

        _mode = options.Mode;
        _unmapped = options.Unmapped;
        KeepExistingMemberships = options.KeepExistingMemberships;
        DefaultGroupsForNewUsers = CleanList(options.DefaultGroupsForNewUsers);
        DefaultGroupsForAllUsers = CleanList(options.DefaultGroupsForAllUsers);
        _include = include;
        _exclude = exclude;
        _rename = rename;
        _replacement = options.RenameReplacement;

        var byDisplayName = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        var byExternalId = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var byId = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        _rows = new MappedGroup[options.Manual.Count][];
        _rowResults = new GroupMappingResult[options.Manual.Count];
        for (var i = 0; i < options.Manual.Count; i++)
        {
            var row = options.Manual[i];
            var targets = new List<MappedGroup>(row.Targets.Count);
            foreach (var target in row.Targets)
            {
                var name = target.Trim();
                if (!ContainsName(targets, name))
                {
                    targets.Add(new MappedGroup(name, MembershipRules.Manual));
                }
            }

            _rows[i] = [.. targets];
            _rowResults[i] = new GroupMappingResult(ImmutableArray.Create(_rows[i]), []);
            var index = row.Match switch
            {
                GroupMatchKind.ExternalId => byExternalId,
                GroupMatchKind.Id => byId,
                _ => byDisplayName,
            };
            var key = row.Match == GroupMatchKind.DisplayName ? row.Source.Trim() : row.Source;
            if (!index.TryGetValue(key, out var rows))
            {
                index[key] = rows = [];
            }

            rows.Add(i);
        }

        _byDisplayName = Freeze(byDisplayName);
        _byExternalId = Freeze(byExternalId);
        _byId = Freeze(byId);
    }

    /// <summary>Gets the policy of default options: no default groups, and incoming groups map to nothing.</summary>
    public static GroupMappingPolicy Default { get; } = new(new GroupMappingOptions());

    /// <inheritdoc/>
    /// <remarks>Whether <see cref="GroupMappingOptions.Mode"/> is other than <see cref="GroupMappingMode.None"/>.</remarks>
    public bool MapsIncomingGroups => _mode != GroupMappingMode.None;

    /// <inheritdoc/>
    /// <remarks>Trimmed, without duplicates (compared ignoring case; the first spelling wins).</remarks>
    public IReadOnlyList<string> DefaultGroupsForNewUsers { get; }

    /// <inheritdoc/>
    /// <remarks>Trimmed, without duplicates (compared ignoring case; the first spelling wins).</remarks>
    public IReadOnlyList<string> DefaultGroupsForAllUsers { get; }

    /// <inheritdoc/>
    public bool KeepExistingMemberships { get; }

    /// <summary>Lists every problem of group mapping options, each as one sentence naming the setting.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The problems; empty when the options are valid.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<string> Validate(GroupMappingOptions options) => Check(options, out _, out _, out _);

    /// <inheritdoc/>
    public GroupMappingResult MapGroup(SourceGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        switch (_mode)
        {
            case GroupMappingMode.OnTheFly:
                return OnTheFly(group);
            case GroupMappingMode.Manual:
                var manual = MapManually(group);
                if (manual is not null)
                {
                    return manual;
                }

                return _unmapped == UnmappedGroupBehavior.OnTheFly
                    ? OnTheFly(group)
                    : Dropped(group, "no manual mapping matches; Unmapped is Ignore.");
            default:
                return Nothing;
        }
    }

    private GroupMappingResult? MapManually(SourceGroup group)
    {
        // The rows that match by each kind, each in table order; merged so targets keep table order.
        var a = Find(_byDisplayName, group.DisplayName);
        var b = Find(_byExternalId, group.ExternalId);
        var c = Find(_byId, group.Id);
        switch (a.Length + b.Length + c.Length)
        {
            case 0:
                return null;
            case 1:
                // The usual case: one row, whose (immutable) result was built once.
                return _rowResults[a.Length == 1 ? a[0] : b.Length == 1 ? b[0] : c[0]];
        }

        List<MappedGroup> targets = [];
        int i = 0, j = 0, k = 0;
        while (true)
        {
            var next = int.MaxValue;
            if (i < a.Length)
            {
                next = a[i];
            }

            if (j < b.Length && b[j] < next)
            {
                next = b[j];
            }

            if (k < c.Length && c[k] < next)
            {
                next = c[k];
            }

            if (next == int.MaxValue)
            {
                break;
            }

            if (i < a.Length && a[i] == next)
            {
                i++;
            }
            else if (j < b.Length && b[j] == next)
            {
                j++;
            }
            else
            {
                k++;
            }

            foreach (var target in _rows[next])
            {
                if (!ContainsName(targets, target.Name))
                {
                    targets.Add(target);
                }
            }
        }

        return new GroupMappingResult(targets, []);
    }

    private static int[] Find(Dictionary<string, int[]> index, string? key) =>
        key is not null && index.Count > 0 && index.TryGetValue(key, out var rows) ? rows : [];

    private GroupMappingResult OnTheFly(SourceGroup group)
    {
        var name = group.DisplayName;
        if (string.IsNullOrWhiteSpace(name))
        {
            return Dropped(group, "the group has no display name, which on-the-fly mapping needs.");
        }

        try
        {
            if (_include.Length > 0)
            {
                var included = false;
                foreach (var regex in _include)
                {
                    if (regex.IsMatch(name))
                    {
                        included = true;
                        break;
                    }
                }

                if (!included)
                {
                    return Dropped(group, "the display name matches no Include pattern.");
                }
            }

            for (var i = 0; i < _exclude.Length; i++)
            {
                if (_exclude[i].IsMatch(name))
                {
                    return Dropped(group, string.Create(CultureInfo.InvariantCulture, $"the display name matches Exclude[{i}]."));
                }
            }

            if (_rename is null)
            {
                return new GroupMappingResult([new MappedGroup(name.Trim(), MembershipRules.OnTheFly)], []);
            }

            var renamed = _rename.Replace(name, _replacement!);
            if (string.Equals(renamed, name, StringComparison.Ordinal))
            {
                return new GroupMappingResult([new MappedGroup(name.Trim(), MembershipRules.OnTheFly)], []);
            }

            if (string.IsNullOrWhiteSpace(renamed))
            {
                return Dropped(group, "RenamePattern gave an empty name; the group was dropped.");
            }

            return new GroupMappingResult(
                [new MappedGroup(renamed.Trim(), MembershipRules.OnTheFly)],
                [new PolicyDecision(PolicyNames.GroupMapping, group.Id, "renamed by RenamePattern.")]);
        }
        catch (RegexMatchTimeoutException)
        {
            return Dropped(group, "a regular expression timed out; the group was skipped.");
        }
    }

    private static GroupMappingResult Dropped(SourceGroup group, string reason) =>
        new([], [new PolicyDecision(PolicyNames.GroupMapping, group.Id, reason)]);

    private static bool ContainsName(List<MappedGroup> targets, string name)
    {
        foreach (var target in targets)
        {
            if (string.Equals(target.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string[] CleanList(IList<string> names)
    {
        var result = new List<string>(names.Count);
        foreach (var name in names)
        {
            var trimmed = name.Trim();
            if (!result.Contains(trimmed, StringComparer.OrdinalIgnoreCase))
            {
                result.Add(trimmed);
            }
        }

        return [.. result];
    }

    private static Dictionary<string, int[]> Freeze(Dictionary<string, List<int>> index)
    {
        var frozen = new Dictionary<string, int[]>(index.Count, index.Comparer);
        foreach (var (key, rows) in index)
        {
            frozen[key] = [.. rows];
        }

        return frozen;
    }

    private static List<string> Check(GroupMappingOptions options, out Regex[] include, out Regex[] exclude, out Regex? rename)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> problems = [];

        var timeout = options.RegexTimeout;
        var timeoutValid = timeout > TimeSpan.Zero && timeout <= MaxRegexTimeout;
        if (!timeoutValid)
        {
            problems.Add(Prefix + "RegexTimeout: must be more than zero and at most 10 seconds.");
        }

        if (!Enum.IsDefined(options.Mode))
        {
            problems.Add(Prefix + "Mode: must be None, OnTheFly or Manual.");
        }

        if (!Enum.IsDefined(options.Unmapped))
        {
            problems.Add(Prefix + "Unmapped: must be Ignore or OnTheFly.");
        }

        CheckNames(options.DefaultGroupsForNewUsers, "DefaultGroupsForNewUsers", problems);
        CheckNames(options.DefaultGroupsForAllUsers, "DefaultGroupsForAllUsers", problems);

        // With an invalid timeout the patterns are still checked, with the default one.
        var regexTimeout = timeoutValid ? timeout : TimeSpan.FromMilliseconds(100);
        include = BuildAll(options.Include, "Include", regexTimeout, problems);
        exclude = BuildAll(options.Exclude, "Exclude", regexTimeout, problems);

        rename = null;
        var hasPattern = !string.IsNullOrEmpty(options.RenamePattern);
        if (hasPattern && options.RenameReplacement is null)
        {
            problems.Add(Prefix + "RenamePattern: is set but RenameReplacement is not; set both or neither.");
        }
        else if (!hasPattern && options.RenameReplacement is not null)
        {
            problems.Add(Prefix + "RenameReplacement: is set but RenamePattern is not; set both or neither.");
        }

        if (hasPattern)
        {
            rename = Build(options.RenamePattern!, Prefix + "RenamePattern", regexTimeout, problems);
        }

        for (var i = 0; i < options.Manual.Count; i++)
        {
            var setting = string.Create(CultureInfo.InvariantCulture, $"{Prefix}Manual[{i}]");
            var row = options.Manual[i];
            if (row is null)
            {
                problems.Add(setting + ": is empty.");
                continue;
            }

            if (!Enum.IsDefined(row.Match))
            {
                problems.Add(setting + ".Match: must be DisplayName, ExternalId or Id.");
            }

            if (string.IsNullOrWhiteSpace(row.Source))
            {
                problems.Add(setting + ".Source: is empty.");
            }

            if (row.Targets.Count == 0)
            {
                problems.Add(setting + ".Targets: needs at least one target group.");
            }

            CheckNames(row.Targets, setting[Prefix.Length..] + ".Targets", problems);
        }

        if (options.Mode == GroupMappingMode.Manual && options.Manual.Count == 0 && options.Unmapped == UnmappedGroupBehavior.Ignore)
        {
            problems.Add(Prefix + "Manual: Mode is Manual but the table is empty and Unmapped is Ignore, so it maps nothing.");
        }

        return problems;
    }

    private static void CheckNames(IList<string> names, string setting, List<string> problems)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{setting}[{i}]: is empty."));
            }
        }
    }

    private static Regex[] BuildAll(IList<string> patterns, string setting, TimeSpan timeout, List<string> problems)
    {
        var result = new List<Regex>(patterns.Count);
        for (var i = 0; i < patterns.Count; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{setting}[{i}]");
            if (string.IsNullOrEmpty(patterns[i]))
            {
                problems.Add(name + ": is empty.");
                continue;
            }

            var regex = Build(patterns[i], name, timeout, problems);
            if (regex is not null)
            {
                result.Add(regex);
            }
        }

        return [.. result];
    }

    private static Regex? Build(string pattern, string setting, TimeSpan timeout, List<string> problems)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, timeout);
        }
        catch (ArgumentException ex)
        {
            problems.Add($"{setting}: '{pattern}' is not a valid regular expression: {ex.Message}");
            return null;
        }
    }
}
