// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Ldap;

/// <summary>
/// One LDAP source: the server, what to read and how often. Named by its connection and bound from configuration
/// section <c>ScimSync:Ldap:{connection}</c> (code given to <c>AddLdapSource</c> runs after the binding).
/// </summary>
public sealed class LdapSourceOptions
{
    /// <summary>Gets or sets how to reach and bind to the server.</summary>
    public LdapServerOptions Server { get; set; } = new();

    /// <summary>Gets or sets the kind of directory, which selects the defaults (<see cref="LdapDirectoryProfile"/>).</summary>
    /// <value>Defaults to <see cref="LdapProfileKind.ActiveDirectory"/>.</value>
    public LdapProfileKind Profile { get; set; } = LdapProfileKind.ActiveDirectory;

    /// <summary>Gets the DNs under which users are searched (subtree). At least one is required.</summary>
    public IList<string> UserBaseDns { get; } = [];

    /// <summary>
    /// Gets or sets the filter that selects users, or <see langword="null"/> for the profile's
    /// (<see cref="LdapDirectoryProfile.UserFilter"/>). A directory that only emulates Active Directory needs
    /// <c>(objectClass=user)</c> here, since it does not expand <c>objectCategory=person</c>.
    /// </summary>
    public string? UserFilter { get; set; }

    /// <summary>Gets the DNs under which groups are searched (subtree). Required when <see cref="SyncGroups"/> is on.</summary>
    public IList<string> GroupBaseDns { get; } = [];

    /// <summary>Gets or sets the filter that selects groups, or <see langword="null"/> for the profile's.</summary>
    public string? GroupFilter { get; set; }

    /// <summary>
    /// Gets the SCIM paths mapped from LDAP attributes, overriding the profile's entries (an empty value removes one):
    /// <c>userName</c>, <c>externalId</c>, <c>displayName</c>, <c>name.givenName</c>, <c>name.familyName</c>,
    /// <c>emails[type eq "work"].value</c>, <c>title</c>, and enterprise extension attributes
    /// (<c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department</c>, also written
    /// <c>enterprise.department</c>, which configuration files need since <c>:</c> separates their sections).
    /// A value may list fallbacks separated by <c>|</c>.
    /// </summary>
    public IDictionary<string, string> AttributeMap { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets an attribute that marks disabled accounts (with <see cref="DisabledValue"/>), replacing the
    /// profile's rule (Active Directory: <c>userAccountControl</c> bit <c>0x2</c>; OpenLDAP: always active).
    /// </summary>
    public string? ActiveAttribute { get; set; }

    /// <summary>Gets or sets the value of <see cref="ActiveAttribute"/> (compared without case) that marks a disabled account.</summary>
    /// <value>Defaults to <c>TRUE</c>.</value>
    public string DisabledValue { get; set; } = "TRUE";

    /// <summary>
    /// Gets or sets a value indicating whether memberships of nested groups count: Active Directory asks the server
    /// with <c>LDAP_MATCHING_RULE_IN_CHAIN</c> (1.2.840.113556.1.4.1941); other directories expand member groups
    /// recursively (cycles are cut).
    /// </summary>
    public bool NestedGroups { get; set; }

    /// <summary>Gets or sets how often the source syncs on its own, or <see langword="null"/> for on demand only.</summary>
    public TimeSpan? Interval { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether scheduled runs read only entries changed since the last run
    /// (<c>uSNChanged</c> / <c>modifyTimestamp</c>). Incremental runs never delete: deletions are found by full runs.
    /// </summary>
    public bool IncrementalSync { get; set; }

    /// <summary>Gets or sets how many scheduled runs make one full run when <see cref="IncrementalSync"/> is on.</summary>
    /// <value>Defaults to 24: every 24th scheduled run is a full one.</value>
    public int FullSyncEvery { get; set; } = 24;

    /// <summary>Gets or sets a value indicating whether groups and their memberships are synced.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool SyncGroups { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a full run removes users and groups no longer in the directory (the
    /// connection's lifecycle policy turns a user's removal into a deactivation or a delete).
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool DeleteMissing { get; set; } = true;

    /// <summary>
    /// Gets or sets the share of the previously known users a full run must see before it removes anyone: a run that
    /// sees fewer (a wrong base DN, a filter or permission change) removes nobody and says why.
    /// </summary>
    /// <value>Defaults to 0.5.</value>
    public double MinimumSeenRatio { get; set; } = 0.5;

    /// <summary>Gets or sets how many error messages a result keeps.</summary>
    /// <value>Defaults to 20.</value>
    public int MaxErrors { get; set; } = 20;

    /// <summary>Lists every problem of the options.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Server is null)
        {
            problems.Add("Server is required.");
        }
        else
        {
            if (string.IsNullOrWhiteSpace(Server.Host))
            {
                problems.Add("Server.Host is required.");
            }

            if (Server.Port is < 0 or > 65535)
            {
                problems.Add("Server.Port must be between 0 and 65535.");
            }

            if (Server.PageSize <= 0)
            {
                problems.Add("Server.PageSize must be positive.");
            }

            if (Server.Timeout <= TimeSpan.Zero)
            {
                problems.Add("Server.Timeout must be positive.");
            }

            if (Server.BindDn is not null && string.IsNullOrEmpty(Server.BindPassword))
            {
                problems.Add("Server.BindPassword is required with Server.BindDn (an empty password would bind anonymously).");
            }
        }

        if (!Enum.IsDefined(Profile))
        {
            problems.Add($"Profile '{Profile}' is not a directory profile.");
        }

        if (UserBaseDns.Count == 0 || UserBaseDns.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("UserBaseDns needs at least one DN, and no empty one.");
        }

        if (SyncGroups && (GroupBaseDns.Count == 0 || GroupBaseDns.Any(string.IsNullOrWhiteSpace)))
        {
            problems.Add("GroupBaseDns needs at least one DN, and no empty one, when SyncGroups is on.");
        }

        CheckFilter(UserFilter, nameof(UserFilter), problems);
        CheckFilter(GroupFilter, nameof(GroupFilter), problems);
        foreach (var (path, attribute) in AttributeMap)
        {
            if (!LdapEntryMapper.IsSupportedPath(LdapEntryMapper.ExpandPath(path)))
            {
                problems.Add($"AttributeMap: '{path}' is not a supported SCIM path.");
            }

            if (!string.IsNullOrEmpty(attribute) && attribute.Split('|').Any(a => !LdapEntryMapper.IsAttributeName(a)))
            {
                problems.Add($"AttributeMap: '{attribute}' (for '{path}') is not an LDAP attribute name.");
            }
        }

        if (AttributeMap.TryGetValue(LdapDirectoryProfile.UserNamePath, out var userName) && string.IsNullOrEmpty(userName))
        {
            problems.Add("AttributeMap: userName cannot be removed.");
        }

        if (AttributeMap.TryGetValue(LdapDirectoryProfile.ExternalIdPath, out var externalId) && string.IsNullOrEmpty(externalId))
        {
            problems.Add("AttributeMap: externalId cannot be removed (it is how users are recognised across runs).");
        }

        if (ActiveAttribute is not null && !LdapEntryMapper.IsAttributeName(ActiveAttribute))
        {
            problems.Add($"ActiveAttribute '{ActiveAttribute}' is not an LDAP attribute name.");
        }

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

    /// <summary>Gets the profile the options select.</summary>
    /// <returns>The profile.</returns>
    public LdapDirectoryProfile GetProfile() => LdapDirectoryProfile.For(Profile);

    private static void CheckFilter(string? filter, string name, List<string> problems)
    {
        if (filter is null)
        {
            return;
        }

        var depth = 0;
        foreach (var c in filter)
        {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0)
            {
                break;
            }
        }

        if (filter.Length < 3 || filter[0] != '(' || filter[^1] != ')' || depth != 0)
        {
            problems.Add($"{name} must be a parenthesised LDAP filter (RFC 4515), for example (objectClass=user).");
        }
    }
}
