// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Ldap.Internal;

namespace ScimSync.Ldap.Tests.Client;

/// <summary>Parsing of Active Directory's ranged-retrieval attribute descriptions (no server: OpenLDAP does not range).</summary>
public sealed class LdapAttributeRangeTests
{
    [Theory]
    [InlineData("member;range=0-1499", "member", 0, 1499)]
    [InlineData("member;range=1500-2999", "member", 1500, 2999)]
    [InlineData("member;range=3000-*", "member", 3000, null)]
    [InlineData("member;range=0-*", "member", 0, null)]
    [InlineData("Member;Range=0-0", "Member", 0, 0)]
    [InlineData("member;binary;range=0-9", "member;binary", 0, 9)]
    [InlineData("member;range=10-10;binary", "member;binary", 10, 10)]
    public void TryParse_ReadsTheBounds(string description, string baseName, int start, int? end)
    {
        Assert.True(LdapAttributeRange.TryParse(description, out var range));
        Assert.Equal(new LdapAttributeRange(baseName, start, end), range);
        Assert.Equal(end is null, range.IsLast);
    }

    [Theory]
    [InlineData("member")]
    [InlineData("member;binary")]
    [InlineData("member;range=")]
    [InlineData("member;range=0")]
    [InlineData("member;range=-5")]
    [InlineData("member;range=0-")]
    [InlineData("member;range=a-b")]
    [InlineData("member;range=*-*")]
    [InlineData("member;range=10-5")]
    [InlineData("member;range=+1-5")]
    [InlineData("member;range=0-99999999999")]
    [InlineData(";range=0-1")]
    [InlineData("member;range=0-1;range=2-3")]
    public void TryParse_RejectsWhatIsNotAWellFormedRange(string description) =>
        Assert.False(LdapAttributeRange.TryParse(description, out _));

    [Fact]
    public void NextRequest_AsksFromTheValueAfterTheChunk()
    {
        Assert.True(LdapAttributeRange.TryParse("member;range=0-1499", out var range));
        Assert.Equal("member;range=1500-*", range.NextRequest);
    }

    [Theory]
    [InlineData("member;range=0-1499", "member", true)]
    [InlineData("MEMBER;range=0-1499", "member", true)]
    [InlineData("memberOf;range=0-1499", "member", false)]
    [InlineData("member", "member", false)]
    public void TryParseFor_MatchesTheAttributeAskedFor(string description, string attribute, bool expected) =>
        Assert.Equal(expected, LdapAttributeRange.TryParseFor(description, attribute, out _));
}
