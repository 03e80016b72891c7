// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ScimSync.Ldap.Tests.Client;

/// <summary>
/// <see cref="LdapDirectoryFactory"/> against the throwaway slapd of <c>eng/ldap/</c> (2,007 users under ou=people, a
/// 1000-entry size limit for normal users, edge-case names, AD-like attributes).
/// </summary>
public sealed class LdapDirectoryTests
{
    private static readonly LdapDirectoryFactory Factory = new();

    private static string[] UidOnly => ["uid"];

    [LdapTheory]
    [InlineData(LdapSecurity.None)]
    [InlineData(LdapSecurity.StartTls)]
    [InlineData(LdapSecurity.Ldaps)]
    public async Task ConnectAsync_BindsAsAdminAndAsUser(LdapSecurity security)
    {
        foreach (var options in new[] { LdapTestServer.Admin(security), LdapTestServer.User(security) })
        {
            await using var directory = await Factory.ConnectAsync(options);
            var entries = await ToListAsync(directory.SearchAsync(new LdapSearch(LdapTestServer.UserDn, "(objectClass=*)", UidOnly, LdapSearchScope.Base)));
            Assert.Equal("user0002", Assert.Single(entries).GetString("uid"));
        }
    }

    [LdapFact]
    public async Task ConnectAsync_WrongPassword_ThrowsWithoutThePassword()
    {
        const string password = "Wr0ng-Secret-Pa55";
        var options = LdapTestServer.Options(LdapSecurity.None, LdapTestServer.UserDn, password);
        var ex = await Assert.ThrowsAsync<LdapDirectoryException>(() => Factory.ConnectAsync(options));
        Assert.Equal(49, ex.ResultCode); // invalidCredentials
        Assert.DoesNotContain(password, ex.ToString(), StringComparison.Ordinal);
        Assert.Contains(LdapTestServer.UserDn, ex.Message, StringComparison.Ordinal);
    }

    [LdapTheory]
    [InlineData(LdapSecurity.StartTls)]
    [InlineData(LdapSecurity.Ldaps)]
    public async Task ConnectAsync_WithoutTheCa_FailsCertificateVerification(LdapSecurity security)
    {
        if (LibLdapTrustsProcessWide())
        {
            return;
        }

        var options = LdapTestServer.User(security);
        options.CaCertificateFile = null;
        var ex = await Assert.ThrowsAsync<LdapDirectoryException>(() => Factory.ConnectAsync(options));
        Assert.DoesNotContain(LdapTestServer.UserPassword, ex.ToString(), StringComparison.Ordinal);
    }

    [LdapTheory]
    [InlineData(LdapSecurity.StartTls)]
    [InlineData(LdapSecurity.Ldaps)]
    public async Task ConnectAsync_WithAnUnrelatedCa_FailsCertificateVerification(LdapSecurity security)
    {
        if (LibLdapTrustsProcessWide())
        {
            return;
        }

        var caFile = Path.Combine(Path.GetTempPath(), $"scimsync-unrelated-ca-{Guid.NewGuid():N}.crt");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=unrelated-test-ca", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            await File.WriteAllTextAsync(caFile, ca.ExportCertificatePem());
        }

        try
        {
            var options = LdapTestServer.User(security);
            options.CaCertificateFile = caFile;
            await Assert.ThrowsAsync<LdapDirectoryException>(() => Factory.ConnectAsync(options));
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [LdapFact]
    public async Task ConnectAsync_ThenDispose_DeletesThePrivateCaDirectory()
    {
        var before = Directory.GetDirectories(Path.GetTempPath(), "scimsync-ldap-ca-*").ToHashSet();
        var directory = await Factory.ConnectAsync(LdapTestServer.User(LdapSecurity.StartTls));
        var created = Directory.GetDirectories(Path.GetTempPath(), "scimsync-ldap-ca-*").Where(d => !before.Contains(d)).ToList();
        Assert.NotEmpty(created);
        await directory.DisposeAsync();
        Assert.All(created, d => Assert.False(Directory.Exists(d)));
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsServerUnavailable()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = new LdapServerOptions { Host = "127.0.0.1", Port = port, Security = LdapSecurity.None, BindDn = "cn=x", BindPassword = "Secret-Pa55", Timeout = TimeSpan.FromSeconds(5) };
        var ex = await Assert.ThrowsAsync<LdapDirectoryException>(() => Factory.ConnectAsync(options));
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret-Pa55", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_ServerNeverAnswers_TimesOut()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start(); // accepts connections (the kernel does) but never answers a request
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var options = new LdapServerOptions { Host = "127.0.0.1", Port = port, Security = LdapSecurity.None, BindDn = "cn=x", BindPassword = "Secret-Pa55", Timeout = TimeSpan.FromSeconds(2) };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<LdapDirectoryException>(() => Factory.ConnectAsync(options));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
        listener.Stop();
    }

    [Fact]
    public async Task ConnectAsync_BindDnWithoutPassword_IsRejectedBeforeConnecting()
    {
        var options = new LdapServerOptions { Host = "127.0.0.1", Port = 1, BindDn = "cn=admin,dc=example,dc=org", BindPassword = "" };
        await Assert.ThrowsAsync<ArgumentException>(() => Factory.ConnectAsync(options));
    }

    [LdapFact]
    public async Task SearchAsync_AsNormalUser_PagesPastTheSizeLimit()
    {
        var options = LdapTestServer.User();
        options.PageSize = 300;
        await using var directory = await Factory.ConnectAsync(options);
        var entries = await ToListAsync(directory.SearchAsync(new LdapSearch(LdapTestServer.PeopleDn, "(objectClass=inetOrgPerson)", UidOnly, LdapSearchScope.OneLevel)));
        Assert.Equal(2007, entries.Count);
        Assert.Equal(2007, entries.Select(e => e.GetString("uid")).Distinct().Count());
    }

    [LdapTheory]
    [InlineData("star*user")]
    [InlineData("paren(user)")]
    [InlineData(@"back\slash")]
    [InlineData("last,first")]
    [InlineData("plus+user")]
    public async Task SearchAsync_EscapedValue_FindsExactlyThatEntry(string uid)
    {
        await using var directory = await Factory.ConnectAsync(LdapTestServer.User());
        var entries = await ToListAsync(directory.SearchAsync(new LdapSearch(LdapTestServer.PeopleDn, $"(uid={LdapFilter.Escape(uid)})", UidOnly)));
        Assert.Equal(uid, Assert.Single(entries).GetString("uid"));
    }

    [LdapTheory]
    [InlineData("*)(uid=*")]
    [InlineData("*")]
    [InlineData("user*")]
    [InlineData("*)(|(objectClass=*)")]
    public async Task SearchAsync_EscapedInjection_FindsNothing(string uid)
    {
        await using var directory = await Factory.ConnectAsync(LdapTestServer.User());
        var entries = await ToListAsync(directory.SearchAsync(new LdapSearch(LdapTestServer.PeopleDn, $"(uid={LdapFilter.Escape(uid)})", UidOnly)));
        Assert.Empty(entries);
    }

    [LdapFact]
    public async Task SearchAsync_ReturnsOperationalMemberOfAndBinaryGuid()
    {
        await using var directory = await Factory.ConnectAsync(LdapTestServer.User());
        var entry = Assert.Single(await ToListAsync(directory.SearchAsync(
            new LdapSearch(LdapTestServer.PeopleDn, "(uid=user0042)", ["uid", "memberOf", "objectGUID", "mail"]))));

        var groups = entry.GetStrings("MEMBEROF").Select(LdapDistinguishedName.Parse).ToList();
        Assert.Contains(LdapDistinguishedName.Parse("cn=group02,ou=groups," + LdapTestServer.BaseDn), groups);
        Assert.Contains(LdapDistinguishedName.Parse("cn=all-users,ou=groups," + LdapTestServer.BaseDn), groups);
        var guid = entry.GetBytes("objectguid");
        Assert.NotNull(guid);
        Assert.Equal(16, guid.Length);
        Assert.Equal("user0042@example.org", entry.GetString("mail"));
    }

    [LdapFact]
    public async Task SearchAsync_DnOfBackslashUser_ParsesToTheExpectedDn()
    {
        await using var directory = await Factory.ConnectAsync(LdapTestServer.User());
        var entry = Assert.Single(await ToListAsync(directory.SearchAsync(
            new LdapSearch(LdapTestServer.PeopleDn, $"(uid={LdapFilter.Escape(@"back\slash")})", UidOnly))));
        var dn = LdapDistinguishedName.Parse(entry.DistinguishedName);
        Assert.Equal(LdapDistinguishedName.Parse(@"uid=back\\slash,ou=people," + LdapTestServer.BaseDn), dn);
        Assert.Equal(@"back\slash", dn.Rdns[0].Value);
    }

    [LdapFact]
    public async Task SearchAsync_NonUtf8Name_ComesBackAsUtf8()
    {
        await using var directory = await Factory.ConnectAsync(LdapTestServer.User());
        var entry = Assert.Single(await ToListAsync(directory.SearchAsync(
            new LdapSearch(LdapTestServer.PeopleDn, "(uid=yamada.taro)", ["cn"]))));
        Assert.Equal("山田 太郎", entry.GetString("cn"));
        Assert.Equal(Encoding.UTF8.GetBytes("山田 太郎"), entry.GetBytes("cn"));
    }

    [LdapFact]
    public async Task SearchAsync_MissingBase_ThrowsWithTheResultCode()
    {
        await using var directory = await Factory.ConnectAsync(LdapTestServer.User());
        var ex = await Assert.ThrowsAsync<LdapDirectoryException>(() => ToListAsync(directory.SearchAsync(
            new LdapSearch("ou=nowhere," + LdapTestServer.BaseDn, "(objectClass=*)", UidOnly))));
        Assert.Equal(32, ex.ResultCode); // noSuchObject
    }

    [LdapFact]
    public async Task SearchAsync_BadFilter_ThrowsLdapDirectoryException()
    {
        await using var directory = await Factory.ConnectAsync(LdapTestServer.User());
        await Assert.ThrowsAsync<LdapDirectoryException>(() => ToListAsync(directory.SearchAsync(
            new LdapSearch(LdapTestServer.PeopleDn, "(uid=a", UidOnly))));
    }

    [LdapFact]
    public async Task SearchAsync_CancelledBetweenPages_Stops()
    {
        var options = LdapTestServer.User();
        options.PageSize = 100;
        await using var directory = await Factory.ConnectAsync(options);
        using var cts = new CancellationTokenSource();
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var entry in directory.SearchAsync(new LdapSearch(LdapTestServer.PeopleDn, "(uid=*)", UidOnly), cts.Token))
            {
                if (++seen == 150)
                {
                    await cts.CancelAsync();
                }
            }
        });
        Assert.Equal(200, seen);

        // the connection is still usable after an abandoned paged search
        var again = await ToListAsync(directory.SearchAsync(new LdapSearch(LdapTestServer.UserDn, "(objectClass=*)", UidOnly, LdapSearchScope.Base)));
        Assert.Single(again);
    }

    [LdapFact]
    public async Task ReadAllValuesAsync_ReadsEveryMemberOfTheLargeGroup()
    {
        await using var directory = await Factory.ConnectAsync(LdapTestServer.User(LdapSecurity.StartTls));
        var members = await directory.ReadAllValuesAsync("cn=all-users,ou=groups," + LdapTestServer.BaseDn, "member");
        Assert.Equal(2000, members.Count);
        Assert.Contains(members, m => LdapDistinguishedName.Parse(m) == LdapDistinguishedName.Parse("uid=user2000,ou=people," + LdapTestServer.BaseDn));
        Assert.Empty(await directory.ReadAllValuesAsync("cn=all-users,ou=groups," + LdapTestServer.BaseDn, "telephoneNumber"));
    }

    [LdapFact]
    public async Task ReadAllValuesAsync_MissingEntry_Throws()
    {
        await using var directory = await Factory.ConnectAsync(LdapTestServer.User());
        var ex = await Assert.ThrowsAsync<LdapDirectoryException>(() => directory.ReadAllValuesAsync("cn=nope,ou=groups," + LdapTestServer.BaseDn, "member"));
        Assert.Equal(32, ex.ResultCode);
    }

    [LdapFact]
    public async Task SearchAsync_AfterDispose_Throws()
    {
        var directory = await Factory.ConnectAsync(LdapTestServer.User());
        await directory.DisposeAsync();
        await directory.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => ToListAsync(directory.SearchAsync(
            new LdapSearch(LdapTestServer.PeopleDn, "(uid=*)", UidOnly))));
    }

    // libldap reads these when the process starts: then it trusts the test CA (or verifies nothing) process-wide, and a
    // failed verification cannot be shown.
    private static bool LibLdapTrustsProcessWide() =>
        new[] { "LDAPTLS_CACERT", "LDAPTLS_CACERTDIR", "LDAPTLS_REQCERT" }.Any(n => Environment.GetEnvironmentVariable(n) is { Length: > 0 });

    private static async Task<List<LdapEntry>> ToListAsync(IAsyncEnumerable<LdapEntry> entries)
    {
        var list = new List<LdapEntry>();
        await foreach (var entry in entries)
        {
            list.Add(entry);
        }

        return list;
    }
}
