// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.ObjectModel;

namespace ScimSync.Ldap;

/// <summary>The kind of directory a source reads, which selects its <see cref="LdapDirectoryProfile"/>.</summary>
public enum LdapProfileKind
{
    /// <summary>Microsoft Active Directory (or AD LDS).</summary>
    ActiveDirectory,

    /// <summary>OpenLDAP or another RFC 4519 directory (<c>inetOrgPerson</c>, <c>groupOfNames</c>).</summary>
    OpenLdap,
}

/// <summary>
/// The defaults of one kind of directory: which entries are users and groups, which LDAP attribute feeds which SCIM
/// attribute, how a disabled account and a change are recognised. Immutable; <see cref="LdapSourceOptions"/>
/// overrides single settings.
/// </summary>
/// <remarks>
/// An attribute map value may list fallbacks separated by <c>|</c>: <c>displayName|cn</c> takes <c>cn</c> when the
/// entry has no <c>displayName</c>.
/// </remarks>
public sealed class LdapDirectoryProfile
{
    /// <summary>The SCIM path of the user name.</summary>
    public const string UserNamePath = "userName";

    /// <summary>The SCIM path of the external id.</summary>
    public const string ExternalIdPath = "externalId";

    /// <summary>The enterprise user extension's schema URN.</summary>
    public const string EnterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    private LdapDirectoryProfile(
        LdapProfileKind kind,
        string userFilter,
        string groupFilter,
        IDictionary<string, string> attributeMap,
        string groupNameAttribute,
        string groupExternalIdAttribute,
        string changeAttribute)
    {
        Kind = kind;
        UserFilter = userFilter;
        GroupFilter = groupFilter;
        AttributeMap = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(attributeMap, StringComparer.Ordinal));
        GroupNameAttribute = groupNameAttribute;
        GroupExternalIdAttribute = groupExternalIdAttribute;
        ChangeAttribute = changeAttribute;
    }

    /// <summary>
    /// Gets the Active Directory profile: users <c>(&amp;(objectCategory=person)(objectClass=user))</c>, groups
    /// <c>(objectClass=group)</c>; <c>userName</c> from <c>sAMAccountName</c>, <c>externalId</c> from
    /// <c>objectGUID</c> (16 bytes, read as a <see cref="Guid"/>), <c>active</c> from bit <c>0x2</c> (ACCOUNTDISABLE) of
    /// <c>userAccountControl</c>, changes by <c>uSNChanged</c>.
    /// </summary>
    /// <remarks>
    /// Directories that only emulate AD (an OpenLDAP with AD attribute names) do not expand
    /// <c>objectCategory=person</c>: set <see cref="LdapSourceOptions.UserFilter"/> to <c>(objectClass=user)</c> there.
    /// </remarks>
    public static LdapDirectoryProfile ActiveDirectory { get; } = new(
        LdapProfileKind.ActiveDirectory,
        "(&(objectCategory=person)(objectClass=user))",
        "(objectClass=group)",
        new Dictionary<string, string>
        {
            [UserNamePath] = "sAMAccountName",
            [ExternalIdPath] = "objectGUID",
            ["displayName"] = "displayName|cn",
            ["name.givenName"] = "givenName",
            ["name.familyName"] = "sn",
            ["emails[type eq \"work\"].value"] = "mail",
            ["title"] = "title",
            [EnterpriseSchema + ":department"] = "department",
            [EnterpriseSchema + ":employeeNumber"] = "employeeNumber",
        },
        "cn",
        "objectGUID",
        "uSNChanged");

    /// <summary>
    /// Gets the OpenLDAP profile: users <c>(objectClass=inetOrgPerson)</c>, groups <c>groupOfNames</c>,
    /// <c>groupOfUniqueNames</c> and <c>posixGroup</c>; <c>userName</c> from <c>uid</c>, <c>externalId</c> from
    /// <c>entryUUID</c>, users always active unless <see cref="LdapSourceOptions.ActiveAttribute"/> says otherwise,
    /// changes by <c>modifyTimestamp</c>.
    /// </summary>
    public static LdapDirectoryProfile OpenLdap { get; } = new(
        LdapProfileKind.OpenLdap,
        "(objectClass=inetOrgPerson)",
        "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))",
        new Dictionary<string, string>
        {
            [UserNamePath] = "uid",
            [ExternalIdPath] = "entryUUID",
            ["displayName"] = "displayName|cn",
            ["name.givenName"] = "givenName",
            ["name.familyName"] = "sn",
            ["emails[type eq \"work\"].value"] = "mail",
            ["title"] = "title",
            [EnterpriseSchema + ":department"] = "departmentNumber",
            [EnterpriseSchema + ":employeeNumber"] = "employeeNumber",
        },
        "cn",
        "entryUUID",
        "modifyTimestamp");

    /// <summary>Gets the kind of directory.</summary>
    public LdapProfileKind Kind { get; }

    /// <summary>Gets the default filter that selects users.</summary>
    public string UserFilter { get; }

    /// <summary>Gets the default filter that selects groups.</summary>
    public string GroupFilter { get; }

    /// <summary>Gets the default map of SCIM paths to LDAP attributes (with <c>|</c>-separated fallbacks).</summary>
    public IReadOnlyDictionary<string, string> AttributeMap { get; }

    /// <summary>Gets the attribute that names a group (its SCIM <c>displayName</c>).</summary>
    public string GroupNameAttribute { get; }

    /// <summary>Gets the attribute that identifies a group for good (its SCIM <c>externalId</c>).</summary>
    public string GroupExternalIdAttribute { get; }

    /// <summary>
    /// Gets the attribute that orders changes for incremental sync: <c>uSNChanged</c> (a number, Active Directory)
    /// or <c>modifyTimestamp</c> (generalized time, OpenLDAP).
    /// </summary>
    public string ChangeAttribute { get; }

    /// <summary>Gets the attributes whose values are binary and never read as text.</summary>
    public static IReadOnlySet<string> BinaryAttributes { get; } = new HashSet<string>(
        ["objectGUID", "objectSid", "jpegPhoto", "thumbnailPhoto", "userCertificate", "msExchMailboxGuid", "mS-DS-ConsistencyGuid", "sIDHistory", "userPassword", "unicodePwd"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the profile of a kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The profile.</returns>
    public static LdapDirectoryProfile For(LdapProfileKind kind) => kind switch
    {
        LdapProfileKind.ActiveDirectory => ActiveDirectory,
        LdapProfileKind.OpenLdap => OpenLdap,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a directory profile."),
    };
}
