// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using Microsoft.Extensions.Options;
using ScimSync.Ldap;

namespace ScimSync.Admin.Internal;

/// <summary>
/// The LDAP source settings an operator saved in the console (key <c>console/ldap/{name}</c>, name lower-cased): what
/// to read and how. Secrets are not among them: the bind password, the CA certificate file, timeouts and page size stay
/// in configuration.
/// </summary>
internal sealed record LdapSourceDocument
{
    public const string KeyPrefix = "console/ldap/";

    public required string Name { get; init; }

    public string Host { get; init; } = "";

    public int Port { get; init; }

    public LdapSecurity Security { get; init; }

    public string? BindDn { get; init; }

    public LdapProfileKind Profile { get; init; }

    public IReadOnlyList<string> UserBaseDns { get; init; } = [];

    public string? UserFilter { get; init; }

    public IReadOnlyList<string> GroupBaseDns { get; init; } = [];

    public string? GroupFilter { get; init; }

    public IReadOnlyDictionary<string, string> AttributeMap { get; init; } = new Dictionary<string, string>();

    public string? ActiveAttribute { get; init; }

    public string DisabledValue { get; init; } = "TRUE";

    public bool NestedGroups { get; init; }

    public TimeSpan? Interval { get; init; }

    public bool IncrementalSync { get; init; }

    public int FullSyncEvery { get; init; }

    public bool SyncGroups { get; init; }

    public bool DeleteMissing { get; init; }

    public double MinimumSeenRatio { get; init; }

    public static string KeyOf(string source) => KeyPrefix + source.ToLowerInvariant();

    public static LdapSourceDocument From(string name, LdapSourceOptions options) => new()
    {
        Name = name,
        Host = options.Server.Host,
        Port = options.Server.Port,
        Security = options.Server.Security,
        BindDn = options.Server.BindDn,
        Profile = options.Profile,
        UserBaseDns = [.. options.UserBaseDns],
        UserFilter = options.UserFilter,
        GroupBaseDns = [.. options.GroupBaseDns],
        GroupFilter = options.GroupFilter,
        AttributeMap = new Dictionary<string, string>(options.AttributeMap, StringComparer.Ordinal),
        ActiveAttribute = options.ActiveAttribute,
        DisabledValue = options.DisabledValue,
        NestedGroups = options.NestedGroups,
        Interval = options.Interval,
        IncrementalSync = options.IncrementalSync,
        FullSyncEvery = options.FullSyncEvery,
        SyncGroups = options.SyncGroups,
        DeleteMissing = options.DeleteMissing,
        MinimumSeenRatio = options.MinimumSeenRatio,
    };

    public static LdapSourceDocument? Parse(string json) => JsonSerializer.Deserialize<LdapSourceDocument>(json, DocumentJson.Document);

    public string ToJson() => JsonSerializer.Serialize(this, DocumentJson.Document);

    /// <summary>Writes the saved settings over configuration's; what is not saved here (secrets, limits) stays.</summary>
    public void ApplyTo(LdapSourceOptions options)
    {
        options.Server.Host = Host;
        options.Server.Port = Port;
        options.Server.Security = Security;
        options.Server.BindDn = BindDn;
        options.Profile = Profile;
        Replace(options.UserBaseDns, UserBaseDns);
        options.UserFilter = UserFilter;
        Replace(options.GroupBaseDns, GroupBaseDns);
        options.GroupFilter = GroupFilter;
        options.AttributeMap.Clear();
        foreach (var (path, attribute) in AttributeMap)
        {
            options.AttributeMap[path] = attribute;
        }

        options.ActiveAttribute = ActiveAttribute;
        options.DisabledValue = DisabledValue;
        options.NestedGroups = NestedGroups;
        options.Interval = Interval;
        options.IncrementalSync = IncrementalSync;
        options.FullSyncEvery = FullSyncEvery;
        options.SyncGroups = SyncGroups;
        options.DeleteMissing = DeleteMissing;
        options.MinimumSeenRatio = MinimumSeenRatio;
    }

    private static void Replace(IList<string> list, IEnumerable<string> values)
    {
        list.Clear();
        foreach (var value in values)
        {
            list.Add(value);
        }
    }
}

/// <summary>
/// Lays the console's LDAP documents over the configured <see cref="LdapSourceOptions"/> of each source. Publishing
/// drops the sources' cached options, so the next run (and the next "test user") reads the new settings.
/// </summary>
internal sealed class LdapSettingsOverlay(IOptionsMonitorCache<LdapSourceOptions> cache) : IPostConfigureOptions<LdapSourceOptions>
{
    private volatile IReadOnlyDictionary<string, Stored<LdapSourceDocument>> _documents = new Dictionary<string, Stored<LdapSourceDocument>>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Stored<LdapSourceDocument>> Documents => _documents;

    public void Publish(IReadOnlyDictionary<string, Stored<LdapSourceDocument>> documents)
    {
        var previous = _documents;
        _documents = documents;
        foreach (var name in previous.Values.Concat(documents.Values).Select(d => d.Document.Name).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            cache.TryRemove(name);
        }
    }

    public void PostConfigure(string? name, LdapSourceOptions options)
    {
        if (name is not null && (Candidate<LdapSourceDocument>.Documents ?? _documents).TryGetValue(LdapSourceDocument.KeyOf(name), out var stored))
        {
            stored.Document.ApplyTo(options);
        }
    }
}
