// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.DirectoryServices.Protocols;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Policies;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Ldap.Tests.Integration;

/// <summary>
/// The whole path against the real slapd: the System.DirectoryServices.Protocols client, the synchronizer, the
/// mapping policies and the SQLite store. Changes to the directory happen in an organizational unit of the test's
/// own, so the seeded data other tests count stays as it is.
/// </summary>
public sealed class LdapSyncAgainstSlapdTests : IDisposable
{
    private const string Connection = "corp";

    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-ldap-sync-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private ServiceProvider Host(Action<LdapSourceOptions> source, Action<ProvisioningPolicyOptions> policies)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScimProvisioning(scim => scim
            .AddSqliteStore(o => o.DatabasePath = Path.Combine(_directory, "scim.db"))
            .AddLdapSource(Connection, o =>
            {
                o.Server = LdapTestServer.Admin(LdapSecurity.StartTls);
                source(o);
            })
            .AddConnection(Connection, c => c.UsePolicies(policies)));
        services.AddSingleton<ILdapSyncStateStore>(new InMemoryLdapSyncStateStore());
        return services.BuildServiceProvider();
    }

    private static async Task<List<StoredResource>> AllAsync(ScimProvisioner provisioner, ScimResourceKind kind)
    {
        var all = new List<StoredResource>();
        for (var start = 1; ; start += 500)
        {
            var page = await provisioner.ListAsync(Connection, kind, new ListQuery { StartIndex = start, Count = 500, IncludeMembers = kind == ScimResourceKind.Group });
            all.AddRange(page.Resources);
            if (page.Resources.Count < 500)
            {
                return all;
            }
        }
    }

    [LdapFact]
    public async Task FullSync_OfTheSeededDirectory_WithTheActiveDirectoryProfile_AndGroupMapping()
    {
        await using var services = Host(
            o =>
            {
                o.Profile = LdapProfileKind.ActiveDirectory;
                o.UserFilter = "(objectClass=user)";
                o.GroupFilter = "(objectClass=groupOfNames)";
                o.UserBaseDns.Add(LdapTestServer.PeopleDn);
                o.GroupBaseDns.Add(LdapTestServer.GroupsDn);
            },
            p =>
            {
                p.GroupMapping.Mode = GroupMappingMode.OnTheFly;
                p.GroupMapping.Include.Add("^group\\d+$");
                p.GroupMapping.RenamePattern = "^group(\\d+)$";
                p.GroupMapping.RenameReplacement = "jira-group-$1";
            });
        var synchronizer = services.GetRequiredService<LdapSynchronizer>();
        var provisioner = services.GetRequiredService<ScimProvisioner>();

        var first = await synchronizer.SyncAsync(Connection, LdapSyncMode.Full);
        var second = await synchronizer.SyncAsync(Connection, LdapSyncMode.Full);

        Assert.True(first.Complete, string.Join("; ", first.Errors));
        Assert.Equal((2007, 2007, 0), (first.Users.Seen, first.Users.Created, first.Users.Failed));
        Assert.Equal((23, 0), (first.Groups.Created, first.Groups.Failed));
        Assert.Equal((0, 0, 2007), (second.Users.Created, second.Users.Updated, second.Users.Unchanged));
        var users = await AllAsync(provisioner, ScimResourceKind.User);
        Assert.Equal(2007, users.Count);
        Assert.Equal(20, users.Count(u => u.Resource["active"]?.GetValue<bool>() == false));
        var groups = await AllAsync(provisioner, ScimResourceKind.Group);
        var allUsers = groups.Single(g => (string?)g.Resource["displayName"] == "all-users");
        Assert.Equal(2000, allUsers.Resource["members"]!.AsArray().Count);
        var user0001 = users.Single(u => (string?)u.Resource["userName"] == "user0001");
        Assert.Equal(["jira-group-01"], ProvisionedUser.Read(user0001.Resource).Memberships.Memberships.Select(m => m.Group));
        var edge = users.Single(u => (string?)u.Resource["userName"] == @"back\slash");
        Assert.True(Guid.TryParse((string?)edge.Resource["externalId"], out _));
    }

    [LdapFact]
    public async Task IncrementalSync_AndDeletions_FollowTheDirectory()
    {
        await using var ou = await TestOu.CreateAsync();
        await ou.AddUserAsync("ann", "Ann Example");
        await ou.AddUserAsync("bob", "Bob Example");
        await ou.AddUserAsync("cat", "Cat Example");
        await using var services = Host(
            o =>
            {
                o.Profile = LdapProfileKind.OpenLdap;
                o.UserBaseDns.Add(ou.Dn);
                o.SyncGroups = false;
                o.IncrementalSync = true;
            },
            p => p.Lifecycle.OnDelete = UserDeleteBehavior.Deactivate);
        var synchronizer = services.GetRequiredService<LdapSynchronizer>();
        var provisioner = services.GetRequiredService<ScimProvisioner>();

        var full = await synchronizer.SyncAsync(Connection, LdapSyncMode.Full);
        await ou.ReplaceAsync("ann", "displayName", "Ann Changed");
        var incremental = await synchronizer.SyncAsync(Connection, LdapSyncMode.Incremental);
        await ou.DeleteUserAsync("cat");
        var afterDelete = await synchronizer.SyncAsync(Connection, LdapSyncMode.Full);

        Assert.Equal(3, full.Users.Created);
        Assert.True(incremental.Users.Updated >= 1, "the changed entry is picked up by modifyTimestamp");
        Assert.Equal(0, incremental.Users.Created);
        Assert.Equal(1, afterDelete.Users.Removed);
        var users = await AllAsync(provisioner, ScimResourceKind.User);
        Assert.Equal("Ann Changed", (string?)users.Single(u => (string?)u.Resource["userName"] == "ann").Resource["displayName"]);
        var cat = users.Single(u => (string?)u.Resource["userName"] == "cat");
        Assert.False(cat.Resource["active"]!.GetValue<bool>());
        Assert.True(ProvisionedUser.Read(cat.Resource).Deprovisioned);
    }

    [LdapFact]
    public async Task TestUser_ReadsOneEntry_AndWritesNothing()
    {
        await using var services = Host(
            o =>
            {
                o.Profile = LdapProfileKind.OpenLdap;
                o.UserBaseDns.Add(LdapTestServer.PeopleDn);
                o.GroupBaseDns.Add(LdapTestServer.GroupsDn);
            },
            p => p.GroupMapping.DefaultGroupsForNewUsers.Add("app-users"));
        var synchronizer = services.GetRequiredService<LdapSynchronizer>();

        var found = await synchronizer.TestUserAsync(Connection, @"back\slash");
        var injected = await synchronizer.TestUserAsync(Connection, "*)(uid=*");

        Assert.True(found.Found, found.Error);
        Assert.Equal(@"back\slash", (string?)found.User!["userName"]);
        Assert.Contains("mail", found.Attributes.Keys, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(["app-users"], found.Preview!.GroupsJoined);
        Assert.False(injected.Found);
        var stored = await services.GetRequiredService<ScimProvisioner>().ListAsync(Connection, ScimResourceKind.User, new ListQuery { Count = 0 });
        Assert.Equal(0, stored.TotalResults);
    }

    /// <summary>An organizational unit of one test, removed with everything in it afterwards.</summary>
    private sealed class TestOu : IAsyncDisposable
    {
        private readonly LdapConnection _connection;
        private readonly List<string> _entries = [];

        private TestOu(LdapConnection connection, string dn)
        {
            _connection = connection;
            Dn = dn;
        }

        public string Dn { get; }

        public static async Task<TestOu> CreateAsync()
        {
            var connection = new LdapConnection(new LdapDirectoryIdentifier(LdapTestServer.Host, LdapTestServer.Port));
            connection.SessionOptions.ProtocolVersion = 3;
            connection.AuthType = AuthType.Basic;
            connection.Bind(new NetworkCredential(LdapTestServer.AdminDn, LdapTestServer.AdminPassword));
            var dn = $"ou=sync-{Guid.NewGuid():N},{LdapTestServer.BaseDn}";
            var ou = new TestOu(connection, dn);
            await ou.SendAsync(new AddRequest(dn, new DirectoryAttribute("objectClass", "organizationalUnit")));
            ou._entries.Add(dn);
            return ou;
        }

        public async Task AddUserAsync(string uid, string cn)
        {
            var dn = $"uid={uid},{Dn}";
            await SendAsync(new AddRequest(
                dn,
                new DirectoryAttribute("objectClass", "inetOrgPerson"),
                new DirectoryAttribute("uid", uid),
                new DirectoryAttribute("cn", cn),
                new DirectoryAttribute("sn", "Example"),
                new DirectoryAttribute("displayName", cn),
                new DirectoryAttribute("mail", uid + "@example.org")));
            _entries.Add(dn);
        }

        public Task<DirectoryResponse> ReplaceAsync(string uid, string attribute, string value) =>
            SendAsync(new ModifyRequest($"uid={uid},{Dn}", DirectoryAttributeOperation.Replace, attribute, value));

        public async Task DeleteUserAsync(string uid)
        {
            var dn = $"uid={uid},{Dn}";
            await SendAsync(new DeleteRequest(dn));
            _entries.Remove(dn);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var dn in Enumerable.Reverse(_entries))
            {
                try
                {
                    await SendAsync(new DeleteRequest(dn));
                }
                catch (DirectoryOperationException)
                {
                    // Already gone.
                }
            }

            _connection.Dispose();
        }

        private Task<DirectoryResponse> SendAsync(DirectoryRequest request) =>
            Task.Run(() => _connection.SendRequest(request, TimeSpan.FromSeconds(20)));
    }
}
