// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using ScimSync.Provisioning;

namespace ScimSync.Server.Tests.Observability;

/// <summary>
/// The background writer hands the log what is queued at once (after its batch window), and falls back to one entry at
/// a time.
/// </summary>
public sealed class ProvisioningLogBatchingTests
{
    [Fact]
    public async Task EntriesQueuedWhileTheLogIsBusy_AreAppendedInOneCall_InOrder()
    {
        await using var host = await ScimTestHost.StartAsync(scim: s => s.AddProvisioningLog<GatedLog>());
        var log = (GatedLog)host.Services.GetRequiredService<IProvisioningLog>();

        var ids = await CreateWhileTheLogIsBusyAsync(host, log);
        log.Release();
        await host.Services.GetRequiredService<Internal.ProvisioningLogWriter>().FlushAsync();

        Assert.Equal(ids, log.Recorded.Where(e => e.Operation == ProvisioningOperations.Create).Select(e => e.ResourceId));
        Assert.Equal(1, log.Calls[0]);
        Assert.Contains(log.Calls.Skip(1), count => count >= 4);
    }

    [Fact]
    public async Task EntriesQueuedWithinTheBatchWindow_AreAppendedInOneCall()
    {
        await using var host = await ScimTestHost.StartAsync(scim: s => s
            .AddProvisioningLog<GatedLog>()
            .ConfigureProvisioningLog(o => o.BatchWindow = TimeSpan.FromSeconds(5)));
        var log = (GatedLog)host.Services.GetRequiredService<IProvisioningLog>();
        log.Release();

        // Nothing holds the writer, yet the five entries wait for each other: the window outlasts the five requests.
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((string)(await host.CreateUserAsync($"windowed{i}"))["id"]!);
        }

        await host.Services.GetRequiredService<Internal.ProvisioningLogWriter>().FlushAsync();

        Assert.Equal([5], log.Calls);
        Assert.Equal(ids, log.Recorded.Select(e => e.ResourceId));
    }

    [Fact]
    public async Task ARefusedBatch_IsAppendedOneEntryAtATime_AndOnlyTheEntryTheLogRefusesIsLost()
    {
        await using var host = await ScimTestHost.StartAsync(scim: s => s.AddProvisioningLog<GatedLog>());
        var log = (GatedLog)host.Services.GetRequiredService<IProvisioningLog>();
        log.FailBatches = true;

        var ids = await CreateWhileTheLogIsBusyAsync(host, log);
        log.Poison = ids[2];
        log.Release();
        await host.Services.GetRequiredService<Internal.ProvisioningLogWriter>().FlushAsync();

        Assert.Equal(ids.Where(id => id != ids[2]), log.Recorded.Where(e => e.Operation == ProvisioningOperations.Create).Select(e => e.ResourceId));
        Assert.Contains(log.Calls.Skip(1), count => count >= 4);
    }

    // The first create's entry holds the writer inside the log; the others queue behind it.
    private static async Task<List<string>> CreateWhileTheLogIsBusyAsync(ScimTestHost host, GatedLog log)
    {
        var ids = new List<string> { (string)(await host.CreateUserAsync("first"))["id"]! };
        await log.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 4; i++)
        {
            ids.Add((string)(await host.CreateUserAsync($"queued{i}"))["id"]!);
        }

        return ids;
    }

    private sealed class GatedLog : IProvisioningLog
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> Calls { get; } = [];

        public List<ProvisioningLogEntry> Recorded { get; } = [];

        public bool FailBatches { get; set; }

        public string? Poison { get; set; }

        public void Release() => _gate.TrySetResult();

        public async ValueTask AppendAsync(ProvisioningLogEntry entry, CancellationToken cancellationToken = default)
        {
            Calls.Add(1);
            Entered.TrySetResult();
            await _gate.Task;
            if (entry.ResourceId is not null && entry.ResourceId == Poison)
            {
                throw new InvalidOperationException("This log refuses that entry.");
            }

            Recorded.Add(entry);
        }

        public async ValueTask AppendRangeAsync(IReadOnlyList<ProvisioningLogEntry> entries, CancellationToken cancellationToken = default)
        {
            Calls.Add(entries.Count);
            Entered.TrySetResult();
            await _gate.Task;
            if (FailBatches)
            {
                throw new InvalidOperationException("This log refuses batches.");
            }

            Recorded.AddRange(entries);
        }

        public ValueTask<ProvisioningLogPage> QueryAsync(ProvisioningLogQuery query, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
