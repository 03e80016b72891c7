// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;

namespace ScimSync.Policies;

/// <summary>One connection's value for one target attribute of a user, with that connection's precedence for it.</summary>
/// <param name="Connection">The connection that gave the value.</param>
/// <param name="Attribute">The target attribute: <c>userName</c>, <c>email</c>, <c>displayName</c> or a custom attribute's name.</param>
/// <param name="Value">The value the connection's mapping gave, or <see langword="null"/> for none.</param>
/// <param name="Precedence">The connection's precedence for the attribute; the highest wins.</param>
public sealed record AttributeContribution(string Connection, string Attribute, string? Value, int Precedence);

/// <summary>The outcome of <see cref="AttributePrecedence.Merge"/>.</summary>
/// <param name="Contributions">Every connection's contributions after the write, in the order they first appeared.</param>
/// <param name="Winners">The winning value of every attribute that has one, by attribute name (ignoring case).</param>
/// <param name="Decisions">One decision per attribute whose connections give different values, naming the winner and why.</param>
public sealed record AttributePrecedenceResult(
    IReadOnlyList<AttributeContribution> Contributions,
    IReadOnlyDictionary<string, string> Winners,
    IReadOnlyList<PolicyDecision> Decisions);

/// <summary>
/// Per-attribute source precedence between connections that write the same user: which connection's value each
/// target attribute gets. Pure: no I/O, no clock, the same input gives the same output.
/// </summary>
/// <remarks>
/// <para>
/// For each attribute, the entry with the highest <see cref="AttributeContribution.Precedence"/> among those with a
/// value wins. A tie keeps the value of the entry that appeared first, so two connections with equal precedence do
/// not overwrite each other on every write (no last-writer-wins).
/// </para>
/// <para>
/// Where connections give different values for an attribute, a <see cref="PolicyDecision"/> names the connections,
/// their precedences and the winner. It never contains the values, which may be personal data.
/// </para>
/// </remarks>
public static class AttributePrecedence
{
    /// <summary>Merges one connection's values into the contributions stored with a user.</summary>
    /// <param name="previous">The contributions before the write, in the order they first appeared.</param>
    /// <param name="connection">The connection that writes.</param>
    /// <param name="current">
    /// What <paramref name="connection"/> gives now, one entry per attribute it maps. Each replaces the connection's
    /// earlier entry for that attribute, keeping its place; an entry with a <see langword="null"/> value removes it.
    /// The connection's earlier entries for attributes not listed are removed too, so the connection's contributions
    /// are always exactly what its mapping gave last.
    /// </param>
    /// <returns>The new contributions, the winning value per attribute and the decisions about disagreements.</returns>
    /// <exception cref="ArgumentException">An entry of <paramref name="current"/> names another connection.</exception>
    public static AttributePrecedenceResult Merge(
        IReadOnlyList<AttributeContribution> previous,
        string connection,
        IEnumerable<AttributeContribution> current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentException.ThrowIfNullOrEmpty(connection);
        ArgumentNullException.ThrowIfNull(current);

        var given = new Dictionary<string, AttributeContribution>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        foreach (var entry in current)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(current));
            if (!string.Equals(entry.Connection, connection, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"An entry names connection '{entry.Connection}', not '{connection}'.", nameof(current));
            }

            if (given.TryAdd(entry.Attribute, entry))
            {
                order.Add(entry.Attribute);
            }
            else
            {
                given[entry.Attribute] = entry;
            }
        }

        var merged = new List<AttributeContribution>(previous.Count + given.Count);
        var placed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in previous)
        {
            if (entry is null)
            {
                continue;
            }

            if (!string.Equals(entry.Connection, connection, StringComparison.OrdinalIgnoreCase))
            {
                merged.Add(entry);
            }
            else if (given.TryGetValue(entry.Attribute, out var replacement) && placed.Add(entry.Attribute) && replacement.Value is not null)
            {
                merged.Add(replacement with { Connection = entry.Connection });
            }
        }

        foreach (var attribute in order)
        {
            if (placed.Add(attribute) && given[attribute] is { Value: not null } added)
            {
                merged.Add(added);
            }
        }

        var winners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var decisions = new List<PolicyDecision>();
        foreach (var group in merged.Where(c => c.Value is not null).GroupBy(c => c.Attribute, StringComparer.OrdinalIgnoreCase))
        {
            var entries = group.ToList();
            var winner = entries[0];
            for (var i = 1; i < entries.Count; i++)
            {
                if (entries[i].Precedence > winner.Precedence)
                {
                    winner = entries[i];
                }
            }

            winners[group.Key] = winner.Value!;
            if (entries.Exists(e => !string.Equals(e.Value, winner.Value, StringComparison.Ordinal)))
            {
                decisions.Add(new PolicyDecision(PolicyNames.AttributeMapping, group.Key, Reason(entries, winner)));
            }
        }

        return new AttributePrecedenceResult(merged, winners, decisions);
    }

    private static string Reason(List<AttributeContribution> entries, AttributeContribution winner)
    {
        var text = new StringBuilder("The connections give different values: ");
        for (var i = 0; i < entries.Count; i++)
        {
            text.Append(i == 0 ? "" : ", ")
                .Append(CultureInfo.InvariantCulture, $"'{entries[i].Connection}' (precedence {entries[i].Precedence})");
        }

        var tied = entries.Where(e => !ReferenceEquals(e, winner) && e.Precedence == winner.Precedence).Select(e => $"'{e.Connection}'").ToList();
        text.Append(CultureInfo.InvariantCulture, $"; '{winner.Connection}' won ");
        text.Append(tied.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"with the highest precedence, {winner.Precedence}.")
            : string.Create(CultureInfo.InvariantCulture, $"the tie at precedence {winner.Precedence} with {string.Join(", ", tied)}: its value was there first."));
        return text.ToString();
    }
}
