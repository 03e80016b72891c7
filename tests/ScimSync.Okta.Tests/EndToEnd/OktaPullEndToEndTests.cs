// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScimSync.Filtering;
using ScimSync.Okta.Emulator;
using ScimSync.Provisioning;
using ScimSync.Pull;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.Okta.Tests.EndToEnd;

/// <summary>
/// An Okta org through the emulated API into a durable SQLite store, through the whole pipeline: a host with the
/// connection's mapping policies, the pull engine and its file state, as an application would run it.
/// </summary>
public sealed class OktaPullEndToEndTests : IAsyncLifetime
{
    private const string Connection = "okta";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-okta-e2e-").FullName;
    private OktaEmulator _okta = null!;
    private IHost _host = null!;

    private PullSynchronizer Synchronizer => _host.Services.GetRequiredService<PullSynchronizer>();

    private ScimProvisioner Provisioner => _host.Services.GetRequiredService<ScimProvisioner>();

    public async Task InitializeAsync()
    {
        _okta = await OktaEmulator.StartAsync();
        _okta.AddApiToken(OktaTestOrg.ApiToken);
        _host = await StartHostAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _okta.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task InitialRun_ThenIncrementalRunAfterChanges_FollowTheOrg()
    {
        var ada = _okta.AddUser("ada@example.com", Profile("Ada", "Lovelace", "Research"));
        var bob = _okta.AddUser("bob@example.com", Profile("Bob", "Babbage", "Engines"));
        var cyd = _okta.AddUser("cyd@example.com", Profile("Cyd", "Charisse", null), status: "DEPROVISIONED");
        var engineers = _okta.AddGroup("Engineers");
        _okta.AddMember(engineers, ada);
        _okta.AddMember(engineers, bob);

        var initial = await Synchronizer.SyncAsync(Connection, PullSyncMode.Delta);

        Assert.True(initial.Complete, string.Join("; ", initial.Errors));
        Assert.Equal(PullSyncMode.Full, initial.Mode);
        Assert.Equal((3, 1), (initial.Users.Created, initial.Groups.Created));
        Assert.Equal("Research", (string?)(await UserAsync(ada))!.Resource[Enterprise]!["department"]);
        Assert.False((bool)(await UserAsync(cyd))!.Resource["active"]!);
        Assert.Equal(["ada@example.com", "bob@example.com"], await MembersAsync(engineers));
        Assert.Contains("staff", await TargetGroupsAsync(ada)); // The connection's policies ran.

        _okta.UpdateUser(ada, new Dictionary<string, string?> { ["department"] = "Analytics" });
        _okta.SuspendUser(bob);
        var dee = _okta.AddUser("dee@example.com", Profile("Dee", "Dee", null));
        _okta.RemoveMember(engineers, ada);
        _okta.AddMember(engineers, dee);

        var delta = await Synchronizer.SyncAsync(Connection, PullSyncMode.Delta);

        Assert.True(delta.Complete, string.Join("; ", delta.Errors));
        Assert.Equal(PullSyncMode.Delta, delta.Mode);
        Assert.Equal(1, delta.Users.Created);
        Assert.Equal("Analytics", (string?)(await UserAsync(ada))!.Resource[Enterprise]!["department"]);
        Assert.False((bool)(await UserAsync(bob))!.Resource["active"]!);
        Assert.Equal(["bob@example.com", "dee@example.com"], await MembersAsync(engineers));

        // The log is written in the background: wait for the entry (up to 30 s of real time) rather than racing it.
        var deeId = (await UserAsync(dee))!.Id;
        var logged = System.Diagnostics.Stopwatch.StartNew();
        while (!(await _host.Services.GetRequiredService<IProvisioningLog>().QueryAsync(new ProvisioningLogQuery { PageSize = 200 }))
            .Entries.Any(e => e.Connection == Connection && e.ResourceId == deeId))
        {
            Assert.True(logged.Elapsed < TimeSpan.FromSeconds(30), "The provisioning log has no entry for the user the delta run created.");
            await Task.Delay(10);
        }

        var drift = await Synchronizer.DriftAsync(Connection);
        Assert.True(drift.Complete, string.Join("; ", drift.Errors));
        Assert.Empty(drift.Items);
    }

    [Fact]
    public async Task RateLimitedRun_WaitsForTheReset_AndCompletes()
    {
        foreach (var i in Enumerable.Range(1, 6))
        {
            _okta.AddUser($"user{i}@example.com", Profile("User", i.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
        }

        _okta.RateLimitWindow = TimeSpan.FromSeconds(1);
        _okta.RateLimit = 2;

        var run = await Synchronizer.SyncAsync(Connection, PullSyncMode.Full);

        Assert.True(run.Complete, string.Join("; ", run.Errors));
        Assert.Equal(6, run.Users.Created);
    }

    [Fact]
    public async Task FailedListing_DeactivatesNobody_AndAFullRunFindsTheDeletedUserLater()
    {
        var ids = Enumerable.Range(1, 6).Select(i => _okta.AddUser($"user{i}@example.com", Profile("User", "N", null))).ToList();
        Assert.True((await Synchronizer.SyncAsync(Connection, PullSyncMode.Full)).Complete);
        _okta.DeactivateUser(ids[0]);
        _okta.DeleteUser(ids[0]);

        _okta.FailNext(50, System.Net.HttpStatusCode.InternalServerError);
        var failed = await Synchronizer.SyncAsync(Connection, PullSyncMode.Full);

        Assert.False(failed.Complete);
        Assert.Equal(0, failed.Users.Removed + failed.Users.Deactivated);
        Assert.NotNull(failed.DeletionsSkippedReason);
        foreach (var id in ids)
        {
            Assert.True((bool)(await UserAsync(id))!.Resource["active"]!);
        }

        _okta.Down = true;
        Assert.False((await Synchronizer.SyncAsync(Connection, PullSyncMode.Full)).Complete);
        Assert.True((bool)(await UserAsync(ids[0]))!.Resource["active"]!);
        _okta.Down = false;
        _okta.FailNext(0);

        // Okta lists no deleted users: an incremental run cannot see the delete, the next full run does.
        var incremental = await Synchronizer.SyncAsync(Connection, PullSyncMode.Delta);
        Assert.Equal(0, incremental.Users.Removed);
        var full = await Synchronizer.SyncAsync(Connection, PullSyncMode.Full);
        Assert.True(full.Complete, string.Join("; ", full.Errors));
        Assert.Equal(1, full.Users.Removed);
    }

    private static Dictionary<string, string?> Profile(string first, string last, string? department) => new()
    {
        ["firstName"] = first,
        ["lastName"] = last,
        ["displayName"] = first + " " + last,
        ["department"] = department,
    };

    private async Task<IHost> StartHostAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Configuration["ScimSync:PullStateDirectory"] = Path.Combine(_directory, "state");
        var okta = _okta;
        builder.Services.AddScimProvisioning(scim => scim
            .AddSqliteStore(o => o.DatabasePath = Path.Combine(_directory, "scim.db"))
            .AddOktaSource(Connection, o =>
            {
                o.OrgUrl = okta.OrgUrl;
                o.ApiToken = OktaTestOrg.ApiToken;
                o.PageSize = 2;
                o.RetryDelay = TimeSpan.Zero;
                o.MaxRetries = 2;
            })
            .AddConnection(Connection, c => c.UsePolicies(p => p.GroupMapping.DefaultGroupsForAllUsers.Add("staff"))));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private async Task<StoredResource?> UserAsync(string oktaId) =>
        (await Provisioner.ListAsync(Connection, ScimResourceKind.User, new ListQuery { Filter = ScimFilter.Parse($"externalId eq \"{oktaId}\"") })).Resources.SingleOrDefault();

    private async Task<List<string>> MembersAsync(string oktaGroupId)
    {
        var group = (await Provisioner.ListAsync(Connection, ScimResourceKind.Group, new ListQuery { Filter = ScimFilter.Parse($"externalId eq \"{oktaGroupId}\""), IncludeMembers = true })).Resources.Single();
        var names = new List<string>();
        foreach (var member in group.Resource["members"] as JsonArray ?? [])
        {
            var user = await Provisioner.GetAsync(Connection, ScimResourceKind.User, (string)member!["value"]!);
            names.Add((string)user!.Resource["userName"]!);
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    private async Task<List<string>> TargetGroupsAsync(string oktaId)
    {
        var user = await UserAsync(oktaId);
        return [.. ((user!.Resource[Policies.ProvisionedUser.Schema] as JsonObject)?["groups"] as JsonArray ?? [])
            .Select(g => (string?)g?["value"])
            .OfType<string>()];
    }
}
