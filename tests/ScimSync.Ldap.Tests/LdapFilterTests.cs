// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Ldap.Tests;

/// <summary>RFC 4515 §3 escaping of assertion values.</summary>
public sealed class LdapFilterTests
{
    [Theory]
    [InlineData("user0001", "user0001")]
    [InlineData("star*user", @"star\2auser")]
    [InlineData("paren(user)", @"paren\28user\29")]
    [InlineData(@"back\slash", @"back\5cslash")]
    [InlineData("*)(uid=*", @"\2a\29\28uid=\2a")]
    [InlineData("nul\0byte", @"nul\00byte")]
    [InlineData("山田 太郎", "山田 太郎")]
    public void Escape_EscapesTheFiveSpecialCharacters(string value, string expected) =>
        Assert.Equal(expected, LdapFilter.Escape(value));

    [Fact]
    public void EscapeBytes_WritesEveryByteAsAHexPair() =>
        Assert.Equal(@"\ba\14\00\ff", LdapFilter.EscapeBytes([0xba, 0x14, 0x00, 0xff]));
}
