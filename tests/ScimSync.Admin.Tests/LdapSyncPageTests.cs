// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Admin.Tests.Infrastructure;
using ScimSync.Ldap;
using ScimSync.Ldap.Sync;
using ScimSync.Server;

namespace ScimSync.Admin.Tests;

/// <summary>The directory sync page with an LDAP source read through a fake <see cref="ILdapDirectoryFactory"/>.</summary>
public sealed class LdapSyncPageTests
{
    private const string Source = "corp-ldap";

    private static Task<ConsoleTestHost> StartAsync(FakeDirectory directory) =>
        ConsoleTestHost.StartAsync(
            scim: s => s
                .AddLdapSource(Source, o =>
                {
                    o.Server.Host = "ldap.example.org";
                    o.Profile = LdapProfileKind.ActiveDirectory;
                    o.UserFilter = "(objectClass=user)";
                    o.UserBaseDns.Add(LdapTestData.People);
                    o.GroupBaseDns.Add(LdapTestData.Groups);
                })
                .AddConnection(Source, c => c.UsePolicies(p => p.GroupMapping.DefaultGroupsForNewUsers.Add("ldap-staff"))),
            services: services =>
            {
                services.AddSingleton<ILdapDirectoryFactory>(directory);
                services.AddSingleton<ILdapSyncStateStore>(new InMemoryLdapSyncStateStore());
            });

    [Fact]
    public async Task TestUser_Found_ShowsAttributesAndThePreview_AndWritesNothing()
    {
        var directory = new FakeDirectory();
        directory.Entries.Add(LdapTestData.AdUser("alice", cn: "Alice Liddell"));
        directory.Entries.Add(LdapTestData.AdUser("bob"));
        await using var host = await StartAsync(directory);
        using var client = host.Console();

        var page = await client.GetAsync("sync");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("ldap.example.org", page.Document.GetElementById($"src-ldap-{Source}")!.ParentElement!.QuerySelector("input[name=host]")!.GetAttribute("value"));

        var result = await client.SubmitAsync(page, $"sync/ldap/{Source}/test", ConsoleClient.Set(("login", "alice")));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var section = result.Document.QuerySelector("section.result")!;
        Assert.Contains("Test of \"alice\"", section.TextContent, StringComparison.Ordinal);
        Assert.Contains("Found: " + LdapTestData.UserDn("alice"), section.TextContent, StringComparison.Ordinal);
        Assert.Contains("Alice Liddell", section.TextContent, StringComparison.Ordinal);
        Assert.Contains("ldap-staff", section.TextContent, StringComparison.Ordinal);
        Assert.Equal("alice", ((AngleSharp.Html.Dom.IHtmlInputElement)result.Document.GetElementById("f-login")!).Value);
        Assert.Contains(directory.Filters, f => f.Contains("(sAMAccountName=alice)", StringComparison.Ordinal));

        var provisioner = host.Services.GetRequiredService<ScimProvisioner>();
        var users = await provisioner.ListAsync(Source, ScimResourceKind.User, new ScimSync.Stores.ListQuery { Count = 10 });
        Assert.Empty(users.Resources);
    }

    [Fact]
    public async Task TestUser_NotFound_AndHostileLogin_AreShownSafely()
    {
        var directory = new FakeDirectory();
        directory.Entries.Add(LdapTestData.AdUser("alice"));
        await using var host = await StartAsync(directory);
        using var client = host.Console();

        var missing = await client.SubmitAsync("sync", $"sync/ldap/{Source}/test", ("login", "nobody"));
        Assert.Equal(HttpStatusCode.OK, missing.Status);
        Assert.Contains("No user found", missing.Document.QuerySelector("section.result")!.TextContent, StringComparison.Ordinal);

        const string Hostile = "*)(uid=<script>x</script>";
        var hostile = await client.SubmitAsync("sync", $"sync/ldap/{Source}/test", ("login", Hostile));
        Assert.Equal(HttpStatusCode.OK, hostile.Status);
        Assert.DoesNotContain("<script>x", hostile.Html, StringComparison.Ordinal);
        Assert.Contains(Hostile, hostile.Document.QuerySelector("section.result h2")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("(&(objectClass=user)(|(sAMAccountName=" + LdapFilter.Escape(Hostile) + ")))", directory.Filters[^1]);
        Assert.DoesNotContain("(uid=", directory.Filters[^1], StringComparison.Ordinal);

        var empty = await client.SubmitAsync("sync", $"sync/ldap/{Source}/test", ("login", " "));
        Assert.Equal((HttpStatusCode)422, empty.Status);
    }

    [Fact]
    public async Task TestUser_DirectoryDown_ShowsTheError()
    {
        var directory = new FakeDirectory { FailConnect = true };
        await using var host = await StartAsync(directory);
        using var client = host.Console();

        var result = await client.SubmitAsync("sync", $"sync/ldap/{Source}/test", ("login", "alice"));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Contains("The directory lookup failed: server down", result.Document.QuerySelector("section.result .alert.error")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestUser_UnknownSource_Is404()
    {
        await using var host = await StartAsync(new FakeDirectory());
        using var client = host.Console();
        var page = await client.GetAsync("sync");
        var fields = ConsoleClient.FormFields(page.Form($"sync/ldap/{Source}/test"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostRawAsync("sync/ldap/nope/test", [.. fields, new("login", "alice")])).Status);
    }

    /// <summary>AD-like entries.</summary>
    private static class LdapTestData
    {
        public const string People = "ou=people,dc=example,dc=org";
        public const string Groups = "ou=groups,dc=example,dc=org";

        public static string UserDn(string login) => $"uid={login},{People}";

        public static LdapEntry AdUser(string login, string? cn = null)
        {
            var guid = new Guid(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(login)).AsSpan(0, 16));
            var attributes = new Dictionary<string, IReadOnlyList<byte[]>>(StringComparer.OrdinalIgnoreCase)
            {
                ["objectClass"] = [.. new[] { "top", "person", "organizationalPerson", "user" }.Select(System.Text.Encoding.UTF8.GetBytes)],
                ["sAMAccountName"] = [System.Text.Encoding.UTF8.GetBytes(login)],
                ["userPrincipalName"] = [System.Text.Encoding.UTF8.GetBytes(login + "@example.org")],
                ["cn"] = [System.Text.Encoding.UTF8.GetBytes(cn ?? login)],
                ["displayName"] = [System.Text.Encoding.UTF8.GetBytes(cn ?? login)],
                ["givenName"] = [System.Text.Encoding.UTF8.GetBytes("Given-" + login)],
                ["sn"] = [System.Text.Encoding.UTF8.GetBytes("Surname-" + login)],
                ["mail"] = [System.Text.Encoding.UTF8.GetBytes(login + "@example.org")],
                ["objectGUID"] = [guid.ToByteArray()],
                ["userAccountControl"] = [System.Text.Encoding.UTF8.GetBytes("512")],
                ["uSNChanged"] = [System.Text.Encoding.UTF8.GetBytes("100")],
            };
            return new LdapEntry(UserDn(login), attributes);
        }
    }

    /// <summary>Returns the entries under the search base whose sAMAccountName the filter names.</summary>
    private sealed class FakeDirectory : ILdapDirectoryFactory, ILdapDirectory
    {
        public List<LdapEntry> Entries { get; } = [];

        public List<string> Filters { get; } = [];

        public bool FailConnect { get; init; }

        public Task<ILdapDirectory> ConnectAsync(LdapServerOptions options, CancellationToken cancellationToken = default) =>
            FailConnect ? throw new LdapDirectoryException("server down") : Task.FromResult<ILdapDirectory>(this);

        public async IAsyncEnumerable<LdapEntry> SearchAsync(LdapSearch search, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            lock (Filters)
            {
                Filters.Add(search.Filter);
            }

            await Task.Yield();
            foreach (var entry in Entries)
            {
                if (entry.DistinguishedName.EndsWith(search.BaseDn, StringComparison.OrdinalIgnoreCase)
                    && search.Filter.Contains($"(sAMAccountName={LdapFilter.Escape(entry.GetString("sAMAccountName")!)})", StringComparison.Ordinal))
                {
                    yield return entry;
                }
            }
        }

        public Task<IReadOnlyList<string>> ReadAllValuesAsync(string distinguishedName, string attribute, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<string>>([]);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
