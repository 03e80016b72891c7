// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Ldap.Sync;
using Xunit;
using static ScimSync.Ldap.Tests.Sync.LdapTestData;

namespace ScimSync.Ldap.Tests.Sync;

public sealed class LdapEntryMapperTests
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    private static LdapSourceOptions Options(LdapProfileKind profile) => new() { Profile = profile };

    [Fact]
    public void Active_directory_maps_object_guid_and_user_account_control()
    {
        var mapper = new LdapEntryMapper(Options(LdapProfileKind.ActiveDirectory));
        var user = mapper.MapUser(AdUser("user0001"));

        Assert.Equal("user0001", (string?)user["userName"]);
        Assert.Equal(GuidOf("user0001").ToString(), (string?)user["externalId"]);
        Assert.True((bool)user["active"]!);
        Assert.Equal("Given-user0001", (string?)user["name"]!["givenName"]);
        Assert.Equal("Surname-user0001", (string?)user["name"]!["familyName"]);
        Assert.Equal("work", (string?)user["emails"]![0]!["type"]);
        Assert.Equal("Engineer", (string?)user["title"]);
        Assert.Equal("R&D", (string?)user[Enterprise]!["department"]);
        Assert.Equal("E-user0001", (string?)user[Enterprise]!["employeeNumber"]);
        Assert.Contains(Enterprise, user["schemas"]!.AsArray().Select(s => (string?)s));
        Assert.Equal("user0001", (string?)user["displayName"]); // cn, as there is no displayName

        Assert.False((bool)mapper.MapUser(AdUser("user0100", disabled: true))["active"]!);
    }

    [Fact]
    public void Binary_attributes_are_never_mapped_as_text()
    {
        var options = Options(LdapProfileKind.ActiveDirectory);
        options.AttributeMap["nickName"] = "jpegPhoto";
        options.AttributeMap["userType"] = "objectSid";
        var user = new LdapEntryMapper(options).MapUser(AdUser("user0001"));

        Assert.Null(user["nickName"]);
        Assert.Equal("S-1-5-21-1-2-3-1001", (string?)user["userType"]);
        Assert.Null(LdapEntryMapper.ReadText("description", [0xC3, 0x28]));
        Assert.Null(LdapEntryMapper.ReadText("objectGUID", [1, 2, 3]));
    }

    [Fact]
    public void Open_ldap_maps_entry_uuid_and_is_always_active_unless_told()
    {
        var user = new LdapEntryMapper(Options(LdapProfileKind.OpenLdap)).MapUser(AdUser("user0100", disabled: true));
        Assert.Equal(GuidOf("uuid:user0100").ToString(), (string?)user["externalId"]);
        Assert.True((bool)user["active"]!);
        Assert.Equal("42", (string?)user[Enterprise]!["department"]);

        var options = Options(LdapProfileKind.OpenLdap);
        options.ActiveAttribute = "pwdAccountLockedTime";
        options.DisabledValue = "000001010000Z";
        var entry = Entry(UserDn("locked"), ("uid", "locked"), ("entryUUID", "u-1"), ("pwdAccountLockedTime", "000001010000Z"));
        Assert.False((bool)new LdapEntryMapper(options).MapUser(entry)["active"]!);
    }

    [Fact]
    public void Overrides_replace_and_remove_profile_entries_and_accept_the_enterprise_shorthand()
    {
        var options = Options(LdapProfileKind.ActiveDirectory);
        options.AttributeMap["userName"] = "userPrincipalName";
        options.AttributeMap["title"] = string.Empty;
        options.AttributeMap["enterprise.costCenter"] = "departmentNumber";
        var mapper = new LdapEntryMapper(options);
        var user = mapper.MapUser(AdUser("user0001"));

        Assert.Equal("user0001@example.org", (string?)user["userName"]);
        Assert.Null(user["title"]);
        Assert.Equal("42", (string?)user[Enterprise]!["costCenter"]);
        Assert.Equal(["userPrincipalName"], mapper.LoginAttributes);
        Assert.DoesNotContain(options.Validate(), p => p.Contains("AttributeMap", StringComparison.Ordinal));
    }

    [Fact]
    public void Groups_map_name_and_external_id()
    {
        var group = new LdapEntryMapper(Options(LdapProfileKind.ActiveDirectory)).MapGroup(Group("Sales & Marketing, EMEA", []));
        Assert.Equal("Sales & Marketing, EMEA", (string?)group["displayName"]);
        Assert.Equal(GuidOf("group:Sales & Marketing, EMEA").ToString(), (string?)group["externalId"]);
    }

    [Theory]
    [InlineData(@"uid=back\5Cslash,ou=people,dc=example,dc=org", @"UID=back\\slash, OU=People,DC=Example, dc=org")]
    [InlineData(@"cn=Sales & Marketing\2C EMEA,ou=groups,dc=example,dc=org", @"cn = Sales & Marketing\, EMEA , ou=groups,dc=example,dc=org")]
    [InlineData(@"uid=last\2cfirst,ou=people,dc=example,dc=org", @"uid=last\,first,ou=people,dc=example,dc=org")]
    [InlineData(@"cn=\E5\B1\B1\E7\94\B0,dc=org", "cn=山田,dc=org")]
    [InlineData("cn=a+sn=b,dc=org", "SN=B+CN=A,DC=ORG")]
    public void Dn_keys_match_spellings_of_one_dn(string a, string b) => Assert.Equal(DnKey.Normalize(a), DnKey.Normalize(b));

    [Theory]
    [InlineData(@"uid=last\2Cfirst,ou=people,dc=org", "uid=last,ou=first,ou=people,dc=org")]
    [InlineData(@"cn=a\+sn=b,dc=org", "cn=a+sn=b,dc=org")]
    [InlineData("uid=a,ou=people,dc=org", "uid=a,ou=groups,dc=org")]
    public void Dn_keys_tell_different_dns_apart(string a, string b) => Assert.NotEqual(DnKey.Normalize(a), DnKey.Normalize(b));
}
