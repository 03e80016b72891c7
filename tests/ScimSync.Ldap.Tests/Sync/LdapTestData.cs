// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;

namespace ScimSync.Ldap.Tests.Sync;

/// <summary>Entries shaped like the shared test slapd's (AD-like attributes, groupOfNames, edge-case names).</summary>
public static class LdapTestData
{
    public const string Base = "dc=example,dc=org";
    public const string People = "ou=people," + Base;
    public const string Groups = "ou=groups," + Base;

    public static readonly string[] EdgeLogins = ["sean.o'brien", "star*user", "paren(user)", "back\\slash", "last,first", "plus+user", "yamada.taro"];

    public static Guid GuidOf(string login) => new(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(login)).AsSpan(0, 16));

    /// <summary>The DN the way OpenLDAP returns it (hex escapes).</summary>
    public static string UserDn(string login) => "uid=" + EscapeRdn(login) + "," + People;

    public static string GroupDn(string name) => "cn=" + EscapeRdn(name) + "," + Groups;

    public static string EscapeRdn(string value)
    {
        var builder = new StringBuilder();
        foreach (var c in value)
        {
            _ = c switch
            {
                ',' => builder.Append(@"\2C"),
                '\\' => builder.Append(@"\5C"),
                '+' => builder.Append(@"\2B"),
                '"' or '<' or '>' or ';' or '=' => builder.Append('\\').Append(c),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    public static LdapEntry Entry(string dn, params (string Name, object Value)[] attributes)
    {
        var map = new Dictionary<string, IReadOnlyList<byte[]>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in attributes)
        {
            map[name] = value switch
            {
                byte[] bytes => [bytes],
                string text => [Encoding.UTF8.GetBytes(text)],
                IEnumerable<string> texts => [.. texts.Select(Encoding.UTF8.GetBytes)],
                _ => throw new ArgumentException("Unsupported value.", nameof(attributes)),
            };
        }

        return new LdapEntry(dn, map);
    }

    /// <summary>An AD-like user (inetOrgPerson + user), as the test slapd has them.</summary>
    public static LdapEntry AdUser(string login, string? cn = null, bool disabled = false, long usn = 100, string? title = "Engineer", string modified = "20260101000000Z")
    {
        var sid = new byte[] { 1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xE9, 3, 0, 0 };
        var list = new List<(string, object)>
        {
            ("objectClass", new[] { "top", "person", "organizationalPerson", "inetOrgPerson", "user" }),
            ("objectCategory", "person"),
            ("uid", login),
            ("sAMAccountName", login),
            ("userPrincipalName", login + "@example.org"),
            ("cn", cn ?? login),
            ("sn", "Surname-" + login),
            ("givenName", "Given-" + login),
            ("mail", login + "@example.org"),
            ("objectGUID", GuidOf(login).ToByteArray()),
            ("entryUUID", GuidOf("uuid:" + login).ToString()),
            ("objectSid", sid),
            ("jpegPhoto", new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00 }),
            ("userAccountControl", disabled ? "514" : "512"),
            ("department", "R&D"),
            ("departmentNumber", "42"),
            ("employeeNumber", "E-" + login),
            ("uSNChanged", usn.ToString(CultureInfo.InvariantCulture)),
            ("modifyTimestamp", modified),
        };
        if (title is not null)
        {
            list.Add(("title", title));
        }

        return Entry(UserDn(login), [.. list]);
    }

    public static LdapEntry Group(string name, IEnumerable<string> memberDns, long usn = 100, string modified = "20260101000000Z") => Entry(
        GroupDn(name),
        ("objectClass", new[] { "top", "groupOfNames", "group" }),
        ("cn", name),
        ("objectGUID", GuidOf("group:" + name).ToByteArray()),
        ("entryUUID", GuidOf("group-uuid:" + name).ToString()),
        ("member", memberDns.ToArray()),
        ("uSNChanged", usn.ToString(CultureInfo.InvariantCulture)),
        ("modifyTimestamp", modified));

    public static LdapEntry PosixGroup(string name, IEnumerable<string> uids) => Entry(
        GroupDn(name),
        ("objectClass", new[] { "top", "posixGroup" }),
        ("cn", name),
        ("entryUUID", GuidOf("group-uuid:" + name).ToString()),
        ("memberUid", uids.ToArray()),
        ("modifyTimestamp", "20260101000000Z"));

    public static string Login(int i) => "user" + i.ToString("0000", CultureInfo.InvariantCulture);

    /// <summary>Users user0001..userN (every 100th disabled), the edge-case users, group01..group(k), and nested-admins.</summary>
    public static FakeLdapDirectory Directory(int users = 40, int groups = 4)
    {
        var directory = new FakeLdapDirectory();
        for (var i = 1; i <= users; i++)
        {
            directory.Add(AdUser(Login(i), disabled: i % 100 == 0));
        }

        foreach (var login in EdgeLogins)
        {
            directory.Add(AdUser(login, cn: login == "yamada.taro" ? "山田 太郎" : login == "sean.o'brien" ? "Seán Ó Briain" : null));
        }

        for (var g = 1; g <= groups; g++)
        {
            directory.Add(Group("group" + g.ToString("00", CultureInfo.InvariantCulture), Enumerable.Range(1, users).Where(i => ((i - 1) % groups) + 1 == g).Select(i => UserDn(Login(i)))));
        }

        directory.Add(Group("nested-admins", [GroupDn("group01"), GroupDn("group02"), UserDn(Login(users))]));

        // Members spelled differently from the entries' DNs: case, spaces, backslash escapes instead of hex pairs.
        directory.Add(Group("Sales & Marketing, EMEA", EdgeLogins.Select(l => "UID=" + l.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal).Replace("+", "\\+", StringComparison.Ordinal) + ", OU=People, DC=example, DC=org")));
        return directory;
    }
}
