// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScimSync.Filtering;
using ScimSync.MicrosoftGraph.Emulator;
using ScimSync.Provisioning;
using ScimSync.Pull;
using ScimSync.Server;
using ScimSync.Stores;

namespace ScimSync.MicrosoftGraph.Tests.EndToEnd;

/// <summary>
/// Entra ID through the emulated Graph into a durable SQLite store, through the whole pipeline: a host with the
/// connection's mapping policies, the pull engine and its file state, as an application would run it.
/// </summary>
public sealed class GraphPullEndToEndTests : IAsyncLifetime
{
    private const string Connection = "entra";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-graph-e2e-").FullName;
    private GraphEmulator _graph = null!;
    private IHost _host = null!;

    private PullSynchronizer Synchronizer => _host.Services.GetRequiredService<PullSynchronizer>();

    private ScimProvisioner Provisioner => _host.Services.GetRequiredService<ScimProvisioner>();

    public async Task InitializeAsync()
    {
        _graph = await GraphTestKit.StartAsync();
        _host = await StartHostAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _graph.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task InitialRun_ThenDeltaRunAfterChanges_FollowTheTenant()
    {
        var ada = _graph.AddUser("ada@contoso.example", "Ada Lovelace", properties: new JsonObject { ["mail"] = "ada@contoso.example", ["department"] = "Research" });
        var bob = _graph.AddUser("bob@contoso.example", "Bob Babbage");
        var cyd = _graph.AddUser("cyd@contoso.example", "Cyd Charisse", accountEnabled: false);
        var engineers = _graph.AddGroup("Engineers");
        _graph.AddMember(engineers, ada);
        _graph.AddMember(engineers, bob);

        var initial = await Synchronizer.SyncAsync(Connection, PullSyncMode.Delta);

        Assert.True(initial.Complete, string.Join("; ", initial.Errors));
        Assert.Equal(PullSyncMode.Full, initial.Mode);
        Assert.Equal((3, 1), (initial.Users.Created, initial.Groups.Created));
        var stored = await UserAsync(ada);
        Assert.Equal("ada@contoso.example", (string?)stored!.Resource["userName"]);
        Assert.Equal("Research", (string?)stored.Resource[Enterprise]!["department"]);
        Assert.False((bool)(await UserAsync(cyd))!.Resource["active"]!);
        Assert.Equal(["ada@contoso.example", "bob@contoso.example"], await MembersAsync(engineers));
        Assert.Contains("staff", await TargetGroupsAsync(ada)); // The connection's policies ran.

        _graph.UpdateUser(ada, "department", "Analytics");
        _graph.UpdateUser(cyd, "accountEnabled", true);
        _graph.DeleteUser(bob); // Soft delete: deleted items.
        var dee = _graph.AddUser("dee@contoso.example", "Dee Dee");
        _graph.RemoveMember(engineers, ada);
        _graph.AddMember(engineers, dee);
        var before = _graph.GetRequestCount("users/delta");

        var delta = await Synchronizer.SyncAsync(Connection, PullSyncMode.Delta);

        Assert.True(delta.Complete, string.Join("; ", delta.Errors));
        Assert.Equal(PullSyncMode.Delta, delta.Mode);
        Assert.Equal((1, 2, 1), (delta.Users.Created, delta.Users.Updated, delta.Users.Deactivated));
        Assert.Equal("Analytics", (string?)(await UserAsync(ada))!.Resource[Enterprise]!["department"]);
        Assert.True((bool)(await UserAsync(cyd))!.Resource["active"]!);
        Assert.False((bool)(await UserAsync(bob))!.Resource["active"]!);
        Assert.Equal(["dee@contoso.example"], (await MembersAsync(engineers)).Where(m => m != "bob@contoso.example"));
        Assert.True(_graph.GetRequestCount("users/delta") > before);

        // The provisioning log is written by a background task after the change: wait for the entry, within a
        // generous deadline, rather than read the log the moment the run returns.
        var deeId = (await UserAsync(dee))!.Id;
        var logged = false;
        for (var i = 0; i < 600 && !logged; i++)
        {
            var log = await _host.Services.GetRequiredService<IProvisioningLog>().QueryAsync(new ProvisioningLogQuery { PageSize = 200 });
            logged = log.Entries.Any(e => e.Connection == Connection && e.ResourceId == deeId);
            if (!logged)
            {
                await Task.Delay(50);
            }
        }

        Assert.True(logged, "The run's change to dee never reached the provisioning log.");

        var drift = await Synchronizer.DriftAsync(Connection);
        Assert.True(drift.Complete);
        Assert.DoesNotContain(drift.Items, i => i.Drift != DriftKind.NotInSource || i.ExternalId != bob);
    }

    [Fact]
    public async Task ThrottledRun_WaitsForRetryAfter_AndCompletes()
    {
        var ada = _graph.AddUser("ada@contoso.example", "Ada Lovelace");
        _graph.Throttle(2, TimeSpan.FromSeconds(1));

        var run = await Synchronizer.SyncAsync(Connection, PullSyncMode.Full);

        Assert.True(run.Complete, string.Join("; ", run.Errors));
        Assert.Equal(1, run.Users.Created);
        Assert.NotNull(await UserAsync(ada));
    }

    [Fact]
    public async Task FailedListing_DeactivatesNobody_AndTheNextRunRepairs()
    {
        var users = Enumerable.Range(1, 6).Select(i => _graph.AddUser($"user{i}@contoso.example", $"User {i}")).ToList();
        Assert.True((await Synchronizer.SyncAsync(Connection, PullSyncMode.Full)).Complete);
        _graph.DeleteUser(users[0], permanently: true);

        _graph.FailNext(50, System.Net.HttpStatusCode.ServiceUnavailable);
        var failed = await Synchronizer.SyncAsync(Connection, PullSyncMode.Full);

        Assert.False(failed.Complete);
        Assert.Equal((0, 0), (failed.Users.Removed, failed.Users.Deactivated));
        Assert.NotNull(failed.DeletionsSkippedReason);
        foreach (var id in users)
        {
            Assert.True((bool)(await UserAsync(id))!.Resource["active"]!);
        }

        _graph.ClearFaults();
        _graph.Down = true;
        var down = await Synchronizer.SyncAsync(Connection, PullSyncMode.Delta);
        Assert.False(down.Complete);
        Assert.Equal(0, down.Users.Removed + down.Users.Deactivated);

        _graph.Down = false;
        var repaired = await Synchronizer.SyncAsync(Connection, PullSyncMode.Delta);
        Assert.True(repaired.Complete, string.Join("; ", repaired.Errors));
        Assert.Equal(1, repaired.Users.Removed + repaired.Users.Deactivated);
    }

    [Fact]
    public async Task Cursors_SurviveARestartOfTheHost()
    {
        var ada = _graph.AddUser("ada@contoso.example", "Ada Lovelace");
        await Synchronizer.SyncAsync(Connection, PullSyncMode.Full);
        await _host.StopAsync();
        _host.Dispose();
        _host = await StartHostAsync();
        _graph.UpdateUser(ada, "jobTitle", "Countess");

        var delta = await Synchronizer.SyncAsync(Connection, PullSyncMode.Delta);

        Assert.Equal(PullSyncMode.Delta, delta.Mode);
        Assert.Equal((1, 1), (delta.Users.Seen, delta.Users.Updated));
        Assert.Equal("Countess", (string?)(await UserAsync(ada))!.Resource["title"]);
    }

    private async Task<IHost> StartHostAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Configuration["ScimSync:PullStateDirectory"] = Path.Combine(_directory, "state");
        var graph = _graph;
        builder.Services.AddScimProvisioning(scim => scim
            .AddSqliteStore(o => o.DatabasePath = Path.Combine(_directory, "scim.db"))
            .AddMicrosoftGraphSource(Connection, o =>
            {
                o.TenantId = graph.TenantId;
                o.ClientId = GraphTestKit.ClientId;
                o.ClientSecret = GraphTestKit.Secret;
                o.AuthorityHost = graph.AuthorityHost;
                o.GraphBaseAddress = graph.GraphBaseAddress;
                o.PageSize = 2;
                o.RetryDelay = TimeSpan.Zero;
                o.MaxRetries = 3;
            })
            .AddConnection(Connection, c => c.UsePolicies(p => p.GroupMapping.DefaultGroupsForAllUsers.Add("staff"))));

        // The emulator's token endpoint is https with a certificate of its own (MSAL accepts no other authority).
        builder.Services.AddHttpClient(GraphScimProvisioningBuilderExtensions.HttpClientPrefix + Connection)
            .ConfigurePrimaryHttpMessageHandler(() => graph.CreateHttpHandler());
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private async Task<StoredResource?> UserAsync(string graphId) =>
        (await Provisioner.ListAsync(Connection, ScimResourceKind.User, new ListQuery { Filter = ScimFilter.Parse($"externalId eq \"{graphId}\"") })).Resources.SingleOrDefault();

    private async Task<List<string>> MembersAsync(string graphGroupId)
    {
        var group = (await Provisioner.ListAsync(Connection, ScimResourceKind.Group, new ListQuery { Filter = ScimFilter.Parse($"externalId eq \"{graphGroupId}\""), IncludeMembers = true })).Resources.Single();
        var names = new List<string>();
        foreach (var member in group.Resource["members"] as JsonArray ?? [])
        {
            var user = await Provisioner.GetAsync(Connection, ScimResourceKind.User, (string)member!["value"]!);
            names.Add((string)user!.Resource["userName"]!);
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    private async Task<List<string>> TargetGroupsAsync(string graphId)
    {
        var user = await UserAsync(graphId);
        return [.. ((user!.Resource["urn:scimsync:params:scim:schemas:extension:provisioning:2.0:User"] as JsonObject)?["groups"] as JsonArray ?? [])
            .Select(g => g is JsonObject o ? (string?)o["display"] ?? (string?)o["value"] : (string?)g)
            .OfType<string>()];
    }
}
