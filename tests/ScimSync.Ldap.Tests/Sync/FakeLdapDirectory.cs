// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ScimSync.Ldap.Sync;

namespace ScimSync.Ldap.Tests.Sync;

/// <summary>
/// An in-memory directory: entries by DN, searched by base DN and a filter (a subset of RFC 4515: &amp;, |, !,
/// equality with * wildcards, &gt;=, &lt;=, AD's bit-AND rule and LDAP_MATCHING_RULE_IN_CHAIN on memberOf), returning
/// only the attributes asked for. Can fail a search after N entries.
/// </summary>
public sealed class FakeLdapDirectory : ILdapDirectoryFactory, ILdapDirectory
{
    private readonly List<LdapEntry> _entries = [];

    public List<LdapSearch> Searches { get; } = [];

    public int Connects { get; private set; }

    /// <summary>Gets or sets the number of entries a search yields before it throws (any search whose base starts with <see cref="FailBase"/>).</summary>
    public int? FailAfter { get; set; }

    public string? FailBase { get; set; }

    public bool FailConnect { get; set; }

    public void Add(LdapEntry entry)
    {
        Remove(entry.DistinguishedName);
        _entries.Add(entry);
    }

    public void Remove(string dn) => _entries.RemoveAll(e => DnKey.Normalize(e.DistinguishedName) == DnKey.Normalize(dn));

    public LdapEntry Get(string dn) => _entries.Single(e => DnKey.Normalize(e.DistinguishedName) == DnKey.Normalize(dn));

    public void Set(string dn, string attribute, params string[] values)
    {
        var entry = Get(dn);
        var attributes = new Dictionary<string, IReadOnlyList<byte[]>>(entry.Attributes, StringComparer.OrdinalIgnoreCase)
        {
            [attribute] = [.. values.Select(Encoding.UTF8.GetBytes)],
        };
        Add(entry with { Attributes = attributes });
    }

    public Task<ILdapDirectory> ConnectAsync(LdapServerOptions options, CancellationToken cancellationToken = default)
    {
        Connects++;
        return FailConnect ? throw new LdapDirectoryException("connection refused") { ResultCode = 81 } : Task.FromResult<ILdapDirectory>(this);
    }

    public async IAsyncEnumerable<LdapEntry> SearchAsync(LdapSearch search, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Searches.Add(search);
        var filter = FilterParser.Parse(search.Filter);
        var baseKey = DnKey.Normalize(search.BaseDn);
        var yielded = 0;
        foreach (var entry in _entries.ToList())
        {
            var key = DnKey.Normalize(entry.DistinguishedName);
            if (key != baseKey && !key.EndsWith("," + baseKey, StringComparison.Ordinal))
            {
                continue;
            }

            if (!filter(entry, this))
            {
                continue;
            }

            if (FailAfter is { } limit && yielded >= limit && (FailBase is null || search.BaseDn.StartsWith(FailBase, StringComparison.OrdinalIgnoreCase)))
            {
                throw new LdapDirectoryException("sizeLimitExceeded") { ResultCode = 4 };
            }

            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yielded++;
            var requested = new HashSet<string>(search.Attributes, StringComparer.OrdinalIgnoreCase);
            yield return entry with
            {
                Attributes = entry.Attributes.Where(a => requested.Contains(a.Key.Split(';')[0])).ToDictionary(a => a.Key, a => a.Value, StringComparer.OrdinalIgnoreCase),
            };
        }

        if (FailAfter is { } max && yielded >= max && (FailBase is null || search.BaseDn.StartsWith(FailBase, StringComparison.OrdinalIgnoreCase)))
        {
            throw new LdapDirectoryException("sizeLimitExceeded") { ResultCode = 4 };
        }
    }

    public Task<IReadOnlyList<string>> ReadAllValuesAsync(string distinguishedName, string attribute, CancellationToken cancellationToken = default) =>
        Task.FromResult(Get(distinguishedName).GetStrings(attribute));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Whether <paramref name="member"/> is in group <paramref name="groupDn"/>, directly or through nested groups.</summary>
    internal bool InChain(string member, string groupDn, HashSet<string>? visited = null)
    {
        visited ??= [];
        var key = DnKey.Normalize(groupDn);
        if (!visited.Add(key) || _entries.FirstOrDefault(e => DnKey.Normalize(e.DistinguishedName) == key) is not { } group)
        {
            return false;
        }

        foreach (var m in group.GetStrings("member"))
        {
            if (DnKey.Normalize(m) == DnKey.Normalize(member) || InChain(member, m, visited))
            {
                return true;
            }
        }

        return false;
    }

    private static class FilterParser
    {
        public static Func<LdapEntry, FakeLdapDirectory, bool> Parse(string filter)
        {
            var position = 0;
            var result = ParseFilter(filter, ref position);
            return position == filter.Length ? result : throw new FormatException($"Trailing text in filter '{filter}'.");
        }

        private static Func<LdapEntry, FakeLdapDirectory, bool> ParseFilter(string f, ref int i)
        {
            if (f[i] != '(')
            {
                throw new FormatException($"Expected '(' at {i} in '{f}'.");
            }

            i++;
            Func<LdapEntry, FakeLdapDirectory, bool> result;
            if (f[i] is '&' or '|')
            {
                var and = f[i] == '&';
                i++;
                var parts = new List<Func<LdapEntry, FakeLdapDirectory, bool>>();
                while (f[i] == '(')
                {
                    parts.Add(ParseFilter(f, ref i));
                }

                result = and ? (e, d) => parts.All(p => p(e, d)) : (e, d) => parts.Any(p => p(e, d));
            }
            else if (f[i] == '!')
            {
                i++;
                var inner = ParseFilter(f, ref i);
                result = (e, d) => !inner(e, d);
            }
            else
            {
                var end = i;
                while (f[end] != ')')
                {
                    end++;
                }

                result = Item(f[i..end]);
                i = end;
            }

            if (f[i] != ')')
            {
                throw new FormatException($"Expected ')' at {i} in '{f}'.");
            }

            i++;
            return result;
        }

        private static Func<LdapEntry, FakeLdapDirectory, bool> Item(string item)
        {
            if (item.Contains(":=", StringComparison.Ordinal))
            {
                var (left, value) = Split(item, ":=");
                var parts = left.Split(':');
                var rule = parts[1];
                var raw = Unescape(value);
                return rule switch
                {
                    "1.2.840.113556.1.4.1941" => (e, d) => d.InChain(e.DistinguishedName, raw),
                    "1.2.840.113556.1.4.803" => (e, _) => e.GetStrings(parts[0]).Any(v => (long.Parse(v, CultureInfo.InvariantCulture) & long.Parse(raw, CultureInfo.InvariantCulture)) == long.Parse(raw, CultureInfo.InvariantCulture)),
                    _ => throw new FormatException($"Unknown rule {rule}."),
                };
            }

            if (item.Contains(">=", StringComparison.Ordinal))
            {
                var (attribute, value) = Split(item, ">=");
                var raw = Unescape(value);
                return (e, _) => e.GetStrings(attribute).Any(v => Compare(v, raw) >= 0);
            }

            if (item.Contains("<=", StringComparison.Ordinal))
            {
                var (attribute, value) = Split(item, "<=");
                var raw = Unescape(value);
                return (e, _) => e.GetStrings(attribute).Any(v => Compare(v, raw) <= 0);
            }

            var (name, pattern) = Split(item, "=");
            if (pattern == "*")
            {
                return (e, _) => e.Attributes.ContainsKey(name);
            }

            var pieces = pattern.Split('*').Select(Unescape).ToArray();
            return (e, _) => Values(e, name).Any(v => Matches(v, pieces));
        }

        private static IEnumerable<string> Values(LdapEntry entry, string attribute) =>
            attribute.Equals("objectGUID", StringComparison.OrdinalIgnoreCase)
                ? (entry.Attributes.TryGetValue(attribute, out var v) ? v.Select(b => Encoding.Latin1.GetString(b)) : [])
                : entry.GetStrings(attribute);

        private static bool Matches(string value, string[] pieces)
        {
            if (pieces.Length == 1)
            {
                return string.Equals(value, pieces[0], StringComparison.OrdinalIgnoreCase);
            }

            var at = 0;
            for (var p = 0; p < pieces.Length; p++)
            {
                var found = value.IndexOf(pieces[p], at, StringComparison.OrdinalIgnoreCase);
                if (found < 0 || (p == 0 && found != 0))
                {
                    return false;
                }

                at = found + pieces[p].Length;
            }

            return pieces[^1].Length == 0 || value.EndsWith(pieces[^1], StringComparison.OrdinalIgnoreCase);
        }

        private static int Compare(string a, string b) =>
            long.TryParse(a, CultureInfo.InvariantCulture, out var x) && long.TryParse(b, CultureInfo.InvariantCulture, out var y)
                ? x.CompareTo(y)
                : string.CompareOrdinal(a, b);

        private static (string Left, string Right) Split(string item, string op)
        {
            var at = item.IndexOf(op, StringComparison.Ordinal);
            return (item[..at], item[(at + op.Length)..]);
        }

        private static string Unescape(string value)
        {
            var bytes = new List<byte>();
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] == '\\' && i + 2 < value.Length)
                {
                    bytes.Add(byte.Parse(value.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                }
                else
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
                }
            }

            return Encoding.UTF8.GetString([.. bytes]);
        }
    }
}
