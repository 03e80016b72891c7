// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScimSync.Policies;
using Xunit;
using static ScimSync.Ldap.Tests.Sync.LdapTestData;

namespace ScimSync.Ldap.Tests.Sync;

public sealed class LdapIncrementalAndToolsTests
{
    private const string Corp = LdapSyncHost.Connection;

    [Fact]
    public async Task Incremental_sync_reads_changes_since_the_persisted_mark()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("scimsync-ldap-").FullName;
        try
        {
            var store = new FileLdapSyncStateStore(folder);
            await using var host = LdapSyncHost.Create(Directory(), o =>
            {
                o.Profile = LdapProfileKind.OpenLdap;
                o.UserFilter = null;
                o.IncrementalSync = true;
            }, state: store);

            // No mark yet: an incremental request runs in full and records the mark.
            var first = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Incremental);
            Assert.Equal(LdapSyncMode.Full, first.Mode);
            Assert.Equal("20260101000000Z", (await new FileLdapSyncStateStore(folder).GetAsync(Corp))!.HighWaterMark);
            Assert.Single(System.IO.Directory.GetFiles(folder));

            host.Directory.Add(AdUser("user0003", title: "Director", modified: "20260202101010Z"));
            host.Directory.Add(AdUser("newcomer", modified: "20260202101011Z"));
            host.Directory.Remove(UserDn("user0009"));
            host.Directory.Set(GroupDn("group01"), "member", UserDn("user0001"), UserDn("newcomer"));
            host.Directory.Set(GroupDn("group01"), "modifyTimestamp", "20260202101012Z");

            var second = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Incremental);

            Assert.Equal(LdapSyncMode.Incremental, second.Mode);
            Assert.True(second.Complete);
            Assert.Contains(host.Directory.Searches, s => s.Filter == "(&(objectClass=inetOrgPerson)(modifyTimestamp>=20260101000000Z))");
            Assert.Equal(2, second.Users.Created + second.Users.Updated);
            Assert.Equal(1, second.Users.Created);
            Assert.Equal(0, second.Users.Removed); // Incremental runs never remove.
            Assert.True((bool)(await host.UserAsync("user0009")).Resource["active"]!);
            Assert.Equal("Director", (string?)(await host.UserAsync("user0003")).Resource["title"]);
            Assert.Equal(1, second.Groups.Updated);
            Assert.Equal(new[] { (await host.UserAsync("user0001")).Id, (await host.UserAsync("newcomer")).Id }.Order(), LdapSyncHost.MemberIds(await host.GroupAsync("group01")).Order());

            var state = await new FileLdapSyncStateStore(folder).GetAsync(Corp);
            Assert.Equal("20260202101012Z", state!.HighWaterMark);
            Assert.Equal(1, state.RunsSinceFull);
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Active_directory_incremental_sync_asks_for_usn_above_the_mark()
    {
        await using var host = LdapSyncHost.Create(Directory());
        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        var second = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Incremental);
        Assert.Equal(LdapSyncMode.Incremental, second.Mode);
        Assert.Contains(host.Directory.Searches, s => s.Filter == "(&(objectClass=user)(uSNChanged>=101))");
        Assert.Equal(0, second.Users.Seen);
    }

    [Fact]
    public async Task A_failed_run_keeps_the_mark()
    {
        var state = new InMemoryLdapSyncStateStore();
        await using var host = LdapSyncHost.Create(Directory(), state: state);
        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);
        host.Directory.Add(AdUser("user0001", usn: 500));
        host.Directory.FailAfter = 0;
        host.Directory.FailBase = Groups;

        var result = await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Incremental);

        Assert.False(result.Complete);
        Assert.Equal("100", (await state.GetAsync(Corp))!.HighWaterMark);
    }

    [Fact]
    public async Task Test_user_shows_attributes_the_mapped_user_and_the_policy_preview()
    {
        await using var host = LdapSyncHost.Create(Directory(), policies: p => p.GroupMapping.DefaultGroupsForNewUsers.Add("everyone"));
        var test = await host.Synchronizer.TestUserAsync(Corp, "back\\slash");

        Assert.True(test.Found, test.Error);
        Assert.Equal(UserDn("back\\slash"), test.DistinguishedName);
        Assert.Equal("back\\slash", (string?)test.User!["userName"]);
        Assert.Equal(Convert.ToBase64String(GuidOf("back\\slash").ToByteArray()), test.Attributes["objectGUID"][0]);
        Assert.Equal("create", test.Preview!.Action);
        Assert.Contains("everyone", test.Preview.GroupsJoined);
        Assert.Contains(host.Directory.Searches, s => s.Filter == @"(&(objectClass=user)(|(sAMAccountName=back\5cslash)))");
        Assert.Empty(await host.UsersAsync());
    }

    [Theory]
    [InlineData("*")]
    [InlineData("*)(sAMAccountName=*")]
    [InlineData("user0001)(|(objectClass=*")]
    [InlineData("nobody")]
    public async Task Test_user_finds_nothing_for_injections_and_unknown_logins(string login)
    {
        await using var host = LdapSyncHost.Create(Directory());
        var test = await host.Synchronizer.TestUserAsync(Corp, login);
        Assert.False(test.Found);
        Assert.Null(test.Error);
    }

    [Fact]
    public void Options_validation_lists_every_problem()
    {
        var options = new LdapSourceOptions { UserFilter = "objectClass=user", MinimumSeenRatio = 2, FullSyncEvery = 0, Interval = TimeSpan.Zero };
        options.Server.Host = "";
        options.Server.BindDn = "cn=admin";
        options.AttributeMap["phone"] = "telephoneNumber";
        options.AttributeMap["title"] = "bad name!";

        var problems = options.Validate();

        Assert.Equal(10, problems.Count);
        Assert.Contains(problems, p => p.Contains("UserBaseDns", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("GroupBaseDns", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("UserFilter", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'phone'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("BindPassword", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Options_are_bound_from_configuration_and_validated_at_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ScimSync:Ldap:corp:Profile"] = "OpenLdap",
            ["ScimSync:Ldap:corp:UserBaseDns:0"] = People,
            ["ScimSync:Ldap:corp:GroupBaseDns:0"] = Groups,
            ["ScimSync:Ldap:corp:AttributeMap:enterprise.costCenter"] = "departmentNumber",
            ["ScimSync:Ldap:corp:Interval"] = "00:30:00",
            ["ScimSync:Ldap:bad:Profile"] = "OpenLdap",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddScimProvisioning(scim => scim.AddInMemoryStore()
            .AddLdapSource("corp", o => o.Server.Host = "ldap.example.org")
            .AddLdapSource("bad", _ => { }));
        await using var provider = services.BuildServiceProvider();

        var corp = provider.GetRequiredService<IOptionsMonitor<LdapSourceOptions>>().Get("corp");
        Assert.Equal(LdapProfileKind.OpenLdap, corp.Profile);
        Assert.Equal([People], corp.UserBaseDns);
        Assert.Equal("departmentNumber", corp.AttributeMap["enterprise.costCenter"]);
        Assert.Equal(TimeSpan.FromMinutes(30), corp.Interval);
        Assert.Equal("ldap.example.org", corp.Server.Host);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<LdapSourceOptions>>().Get("bad"));
        Assert.Contains("ScimSync:Ldap:bad: UserBaseDns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hosted_service_runs_on_schedule()
    {
        var state = new InMemoryLdapSyncStateStore();
        await using var host = LdapSyncHost.Create(Directory(), o =>
        {
            o.Interval = TimeSpan.FromHours(1);
            o.IncrementalSync = true;
            o.FullSyncEvery = 3;
        }, state: state);
        var service = host.Services.GetServices<IHostedService>().Single(s => s.GetType().Name == "LdapSyncService");

        await service.StartAsync(CancellationToken.None);
        try
        {
            await WaitForAsync(() => host.Directory.Connects == 1);
            await WaitForAsync(async () => (await state.GetAsync(Corp))?.LastRun is not null);
            Assert.Equal(47, (await host.UsersAsync()).Count);

            // The clock moves only once the service waits for its next run (the wait starts from the clock's time).
            await WaitForAsync(() => host.Time.LongWaits == 1);
            host.Time.Advance(TimeSpan.FromMinutes(59));
            await Task.Delay(50);
            Assert.Equal(1, host.Directory.Connects);

            host.Time.Advance(TimeSpan.FromMinutes(1));
            await WaitForAsync(async () => (await state.GetAsync(Corp))?.RunsSinceFull == 1);
            Assert.Equal(2, host.Directory.Connects);

            await WaitForAsync(() => host.Time.LongWaits == 2);
            host.Time.Advance(TimeSpan.FromHours(1));
            await WaitForAsync(async () => (await state.GetAsync(Corp))?.RunsSinceFull == 2);
            Assert.Equal(3, host.Directory.Connects);

            // Every third run is full: full, incremental, incremental, full.
            await WaitForAsync(() => host.Time.LongWaits == 3);
            host.Time.Advance(TimeSpan.FromHours(1));
            await WaitForAsync(async () => (await state.GetAsync(Corp))?.RunsSinceFull == 0 && host.Directory.Connects == 4);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private static Task WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    // Polls until the condition holds, for up to 30 s of real time: a sync run on a loaded CI machine once took longer
    // than the 500 polls of 10 ms this used to allow. A condition that never holds still fails.
    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.Fail("The condition did not become true within 30 s.");
            }

            await Task.Delay(10);
        }
    }
}
