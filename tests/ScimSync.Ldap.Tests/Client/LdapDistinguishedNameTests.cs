// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Ldap.Tests.Client;

/// <summary>RFC 4514 DN parsing, escaping and comparison (no server).</summary>
public sealed class LdapDistinguishedNameTests
{
    [Theory]
    [InlineData(@"cn=Sales & Marketing\2C EMEA,ou=groups,dc=example,dc=org", "cn", "Sales & Marketing, EMEA", 4)]
    [InlineData(@"cn=Sales & Marketing\, EMEA,ou=groups,dc=example,dc=org", "cn", "Sales & Marketing, EMEA", 4)]
    [InlineData(@"uid=last\,first,ou=people,dc=example,dc=org", "uid", "last,first", 4)]
    [InlineData(@"uid=last\2Cfirst,ou=people,dc=example,dc=org", "uid", "last,first", 4)]
    [InlineData(@"uid=back\5Cslash,ou=people", "uid", @"back\slash", 2)]
    [InlineData(@"uid=back\\slash,ou=people", "uid", @"back\slash", 2)]
    [InlineData(@"uid=plus\+user,ou=people", "uid", "plus+user", 2)]
    [InlineData(@"cn=\""q\""\;\<\>\=\#\\x", "cn", @"""q"";<>=#\x", 1)]
    [InlineData(@"cn=\#hash", "cn", "#hash", 1)]
    [InlineData(@"cn=Se\C3\A1n \C3\93 Briain", "cn", "Seán Ó Briain", 1)]
    [InlineData(@"cn=山田 太郎,ou=people", "cn", "山田 太郎", 2)]
    [InlineData(@"cn = a b , ou = people", "cn", "a b", 2)]
    [InlineData(@"cn=a\ ,ou=b", "cn", "a ", 2)]
    [InlineData(@"cn=\20a\20", "cn", " a ", 1)]
    [InlineData(@"cn=", "cn", "", 1)]
    [InlineData(@"2.5.4.3=x,dc=org", "2.5.4.3", "x", 2)]
    [InlineData(@"cn=a=b", "cn", "a=b", 1)]
    public void Parse_UnescapesTheFirstValue(string dn, string type, string value, int depth)
    {
        var parsed = LdapDistinguishedName.Parse(dn);
        Assert.Equal(type, parsed.Rdns[0].Type);
        Assert.Equal(value, parsed.Rdns[0].Value);
        Assert.Equal(depth, parsed.Rdns.Count);
    }

    [Fact]
    public void Parse_MultiValuedRdn_KeepsEveryPair()
    {
        var dn = LdapDistinguishedName.Parse(@"cn=John Doe + uid=jdoe\+1,ou=people,dc=example,dc=org");
        var rdn = dn.Rdns[0];
        Assert.Equal(2, rdn.Components.Count);
        Assert.Equal(("cn", "John Doe"), (rdn.Components[0].Type, rdn.Components[0].Value));
        Assert.Equal(("uid", "jdoe+1"), (rdn.Components[1].Type, rdn.Components[1].Value));
        Assert.Equal(@"cn=John Doe+uid=jdoe\+1,ou=people,dc=example,dc=org", dn.ToString());
    }

    [Fact]
    public void Parse_HexStringValue_KeepsTheBerHex()
    {
        var dn = LdapDistinguishedName.Parse("1.3.6.1.4.1.1466.0=#04024869,dc=org");
        var pair = dn.Rdns[0].Components[0];
        Assert.True(pair.IsHexString);
        Assert.Equal("#04024869", pair.Value);
        Assert.Equal("1.3.6.1.4.1.1466.0=#04024869,dc=org", dn.ToString());
        Assert.NotEqual(dn, LdapDistinguishedName.Parse(@"1.3.6.1.4.1.1466.0=\#04024869,dc=org"));
    }

    [Fact]
    public void Parse_EmptyString_IsTheRootDse()
    {
        var dn = LdapDistinguishedName.Parse("");
        Assert.Empty(dn.Rdns);
        Assert.Null(dn.Parent);
        Assert.Equal("", dn.ToString());
        Assert.Equal(LdapDistinguishedName.Empty, dn);
    }

    [Theory]
    [InlineData("cn")]
    [InlineData("=a")]
    [InlineData("cn=a,")]
    [InlineData(",cn=a")]
    [InlineData("cn=a,,dc=org")]
    [InlineData("cn=a+")]
    [InlineData(@"cn=a\")]
    [InlineData(@"cn=a\4")]
    [InlineData(@"cn=a\4g")]
    [InlineData(@"cn=a\zb")]
    [InlineData(@"cn=\C3")]
    [InlineData("cn=a;b")]
    [InlineData("cn=a\"b")]
    [InlineData("cn=a<b")]
    [InlineData("cn=a>b")]
    [InlineData("cn=a\0b")]
    [InlineData("cn=#")]
    [InlineData("cn=#0")]
    [InlineData("cn=#zz")]
    [InlineData("cn=#0402x")]
    [InlineData("1cn=a")]
    [InlineData("c n=a")]
    [InlineData("c_n=a")]
    [InlineData("1..2=a")]
    [InlineData("01.2=a")]
    [InlineData("cn=a;dc=org")]
    public void TryParse_RejectsMalformedDns(string dn)
    {
        Assert.False(LdapDistinguishedName.TryParse(dn, out var parsed));
        Assert.Null(parsed);
        Assert.Throws<FormatException>(() => LdapDistinguishedName.Parse(dn));
    }

    [Fact]
    public void TryParse_Null_IsFalse() => Assert.False(LdapDistinguishedName.TryParse(null, out _));

    [Theory]
    [InlineData(@"uid=back\5Cslash,ou=People,DC=example,dc=org", @"uid=back\\slash,ou=people,dc=example,dc=org")]
    [InlineData(@"cn=Sales & Marketing\2C EMEA,ou=groups,dc=example,dc=org", @"CN=sales & marketing\, emea,OU=Groups,DC=Example,DC=ORG")]
    [InlineData(@"uid=last\2Cfirst,ou=people", @"UID=Last\,First , ou = people")]
    [InlineData(@"cn=John+uid=jdoe,ou=people", @"uid=JDOE+CN=john,ou=People")]
    [InlineData(@"cn=Se\C3\A1n", "cn=SEÁN")]
    [InlineData("", " ")]
    public void Equals_IgnoresCaseAndEscapingAndPairOrder(string left, string right)
    {
        var a = LdapDistinguishedName.Parse(left);
        var b = LdapDistinguishedName.Parse(right);
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Theory]
    [InlineData("uid=a,ou=people", "uid=b,ou=people")]
    [InlineData("uid=a,ou=people", "cn=a,ou=people")]
    [InlineData("uid=a,ou=people", "uid=a,ou=people,dc=org")]
    [InlineData("uid=a,ou=people", "ou=people,uid=a")]
    [InlineData("cn=a+uid=b", "cn=a")]
    [InlineData("cn=a+uid=b", "cn=a+uid=c")]
    [InlineData(@"cn=a\ ", "cn=a")]
    public void Equals_TellsDifferentDnsApart(string left, string right)
    {
        var a = LdapDistinguishedName.Parse(left);
        var b = LdapDistinguishedName.Parse(right);
        Assert.NotEqual(a, b);
        Assert.True(a != b);
        Assert.False(a.Equals((object?)null));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("Sales & Marketing, EMEA", @"Sales & Marketing\, EMEA")]
    [InlineData("last,first", @"last\,first")]
    [InlineData(@"back\slash", @"back\\slash")]
    [InlineData("a+b", @"a\+b")]
    [InlineData("say \"hi\"", @"say \""hi\""")]
    [InlineData("a;b<c>d", @"a\;b\<c\>d")]
    [InlineData(" lead", @"\ lead")]
    [InlineData("trail ", @"trail\ ")]
    [InlineData(" ", @"\ ")]
    [InlineData("#hash", @"\#hash")]
    [InlineData("a#b=c", "a#b=c")]
    [InlineData("nul\0", @"nul\00")]
    [InlineData("山田 太郎", "山田 太郎")]
    [InlineData("", "")]
    public void EscapeValue_FollowsRfc4514(string value, string expected)
    {
        Assert.Equal(expected, LdapDistinguishedName.EscapeValue(value));
        Assert.Equal(value, LdapDistinguishedName.Parse("cn=" + expected).Rdns[0].Value);
    }

    [Theory]
    [InlineData(@"uid=back\5Cslash,ou=people,dc=example,dc=org", @"uid=back\\slash,ou=people,dc=example,dc=org")]
    [InlineData(@"cn=Sales & Marketing\2C EMEA,ou=groups", @"cn=Sales & Marketing\, EMEA,ou=groups")]
    [InlineData(@"CN = a ,  OU = b", "CN=a,OU=b")]
    [InlineData(@"cn=\20x\20", @"cn=\ x\ ")]
    public void ToString_WritesCanonicalEscaping(string dn, string expected)
    {
        var parsed = LdapDistinguishedName.Parse(dn);
        Assert.Equal(expected, parsed.ToString());
        Assert.Equal(parsed, LdapDistinguishedName.Parse(parsed.ToString()));
    }

    [Fact]
    public void Parent_DropsTheFirstRdn()
    {
        var dn = LdapDistinguishedName.Parse(@"uid=last\,first,ou=people,dc=example,dc=org");
        Assert.Equal(LdapDistinguishedName.Parse("ou=people,dc=example,dc=org"), dn.Parent);
        Assert.Equal(LdapDistinguishedName.Empty, LdapDistinguishedName.Parse("dc=org").Parent);
    }

    [Fact]
    public void IsWithin_ComparesTheTrailingRdns()
    {
        var dn = LdapDistinguishedName.Parse("uid=user0001,ou=people,dc=example,dc=org");
        Assert.True(dn.IsWithin(LdapDistinguishedName.Parse("OU=People,DC=Example,DC=org")));
        Assert.True(dn.IsWithin(dn));
        Assert.True(dn.IsWithin(LdapDistinguishedName.Empty));
        Assert.False(dn.IsWithin(LdapDistinguishedName.Parse("ou=groups,dc=example,dc=org")));
        Assert.False(dn.Parent!.IsWithin(dn));
    }
}
