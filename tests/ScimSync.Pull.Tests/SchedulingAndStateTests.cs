// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScimSync.Pull.Internal;
using ScimSync.Server;

namespace ScimSync.Pull.Tests;

public sealed class SchedulingAndStateTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scimsync-pull-state-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Schedule_RunsFullFirst_ThenDelta_AndFullEveryNthRun()
    {
        await using var host = PullSyncHost.Create(configure: o => o.FullSyncEvery = 3);
        host.Source.AddUser("u1", "ada@example.com");
        var service = host.Services.GetServices<IHostedService>().OfType<PullSyncService>().Single();

        Assert.Equal(PullSyncMode.Full, await service.NextModeAsync(PullSyncHost.Connection, default));
        await host.SyncAsync();
        Assert.Equal(PullSyncMode.Delta, await service.NextModeAsync(PullSyncHost.Connection, default));
        await host.SyncAsync(PullSyncMode.Delta);
        Assert.Equal(PullSyncMode.Delta, await service.NextModeAsync(PullSyncHost.Connection, default));
        await host.SyncAsync(PullSyncMode.Delta);
        Assert.Equal(PullSyncMode.Full, await service.NextModeAsync(PullSyncHost.Connection, default));
        await host.SyncAsync();
        Assert.Equal(PullSyncMode.Delta, await service.NextModeAsync(PullSyncHost.Connection, default));
    }

    [Fact]
    public async Task Schedule_WithDeltaSyncOff_IsAlwaysFull()
    {
        await using var host = PullSyncHost.Create(configure: o => o.DeltaSync = false);
        host.Source.AddUser("u1", "ada@example.com");
        var service = host.Services.GetServices<IHostedService>().OfType<PullSyncService>().Single();
        await host.SyncAsync();

        Assert.Equal(PullSyncMode.Full, await service.NextModeAsync(PullSyncHost.Connection, default));
    }

    [Fact]
    public async Task HostedService_RunsAtStart_AndAgainEachInterval()
    {
        await using var host = PullSyncHost.Create(configure: o => o.Interval = TimeSpan.FromMinutes(15));
        host.Source.AddUser("u1", "ada@example.com");
        var service = host.Services.GetServices<IHostedService>().OfType<PullSyncService>().Single();

        await service.StartAsync(default);
        await WaitForAsync(() => host.Source.UserCursorsRead.Count == 1);
        Assert.NotNull(await host.UserAsync("u1"));

        host.Source.AddUser("u2", "bob@example.com");
        host.Time.Advance(TimeSpan.FromMinutes(15));
        await WaitForAsync(() => host.Source.UserCursorsRead.Count == 2);
        await WaitForAsync(() => !host.Synchronizer.IsRunning(PullSyncHost.Connection));
        await service.StopAsync(default);

        Assert.NotNull(host.Source.UserCursorsRead[1]);
        Assert.NotNull(await host.UserAsync("u2"));
    }

    [Fact]
    public async Task FileStateStore_SurvivesARestart_AndADamagedFileMeansAFullRun()
    {
        var store = new FilePullStateStore(_directory);
        var state = new PullSyncState("https://graph/delta?token=a", "g", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 2);
        await store.SetAsync("corp/../x", state);

        Assert.Equal(state, await new FilePullStateStore(_directory).GetAsync("corp/../x"));
        var file = Assert.Single(Directory.GetFiles(_directory));
        Assert.StartsWith("pull-sync-corp%002f%002e%002e%002fx", Path.GetFileName(file), StringComparison.Ordinal);

        await File.WriteAllTextAsync(file, "{ not json");
        Assert.Null(await store.GetAsync("corp/../x"));
        Assert.Null(await store.GetAsync("other"));
    }

    [Fact]
    public async Task Options_AreBoundFromConfiguration_AndInvalidOnesFailAtStart_ListingEveryProblem()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ScimSync:Fake:idp:Interval"] = "00:00:00.5",
            ["ScimSync:Fake:idp:MinimumSeenRatio"] = "2",
            ["ScimSync:Fake:idp:FullSyncEvery"] = "7",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddScimProvisioning(scim =>
        {
            scim.AddInMemoryStore();
            scim.AddPullSource<PullSourceOptions>("idp", IdentityProvider.Generic, "ScimSync:Fake", o => o.MaxErrors = -1, (_, _) => new FakeIdentitySource());
        });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<PullSourceOptions>>().Get("idp"));

        Assert.Equal(
            [
                "ScimSync:Fake:idp: Interval must be at least one second (or null for on demand only).",
                "ScimSync:Fake:idp: MinimumSeenRatio must be between 0 and 1.",
                "ScimSync:Fake:idp: MaxErrors cannot be negative.",
            ],
            error.Failures);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition was not met within 30 seconds.");
            await Task.Delay(20);
        }
    }
}
